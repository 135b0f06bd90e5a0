"""API rate limits: per signed-in user, and per IP address for calls nobody signed in.

DRF checks permissions before throttles, and every endpoint of ours refuses anonymous callers, so an
anonymous flood would be answered 401 after 401 and never counted. `AnonymousRateLimit` sits last
among the authentication classes: it runs only when no credentials were given (a bad token fails
earlier), counts the call against the caller's IP before the permission check, and answers 429 with
a Retry-After once the anonymous rate is spent.

The rates are read when a request is checked, not when this module is imported, so a change to
REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"] (or a test's settings) applies at once. The client IP is
REMOTE_ADDR unless REST_FRAMEWORK["NUM_PROXIES"] says how many proxies of ours add X-Forwarded-For:
a header a client writes itself never picks the bucket.
"""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import throttling
from rest_framework.authentication import BaseAuthentication
from rest_framework.exceptions import Throttled
from rest_framework.settings import api_settings


class _RatesFromSettings:
    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)


class UserRateThrottle(_RatesFromSettings, throttling.UserRateThrottle):
    """Per signed-in user (per IP for anonymous calls, should an endpoint ever allow them)."""


class AnonRateThrottle(_RatesFromSettings, throttling.AnonRateThrottle):
    """Per IP address, for calls nobody signed in."""

    def allow_request(self, request, view):
        if getattr(request._request, "anonymous_call_counted", False):
            return True  # AnonymousRateLimit has counted this call already
        return super().allow_request(request, view)


class _AnonymousCall(AnonRateThrottle):
    """The same bucket as AnonRateThrottle, keyed without asking `request.user` (which is what is
    being worked out while authentication classes run)."""

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class AnonymousRateLimit(BaseAuthentication):
    """Last in DEFAULT_AUTHENTICATION_CLASSES: authenticates nobody, rate-limits the anonymous."""

    def authenticate(self, request):
        view = (getattr(request, "parser_context", None) or {}).get("view")
        if getattr(view, "swagger_fake_view", False):
            return None  # drf-spectacular building the schema (at deploy check too), not a caller
        throttle = _AnonymousCall()
        if not throttle.allow_request(request, None):
            raise Throttled(wait=throttle.wait())
        request._request.anonymous_call_counted = True
        return None


class AnonymousRateLimitSchema(OpenApiAuthenticationExtension):
    """In the OpenAPI schema AnonymousRateLimit is no way to authenticate: no security scheme."""

    target_class = AnonymousRateLimit
    name = []

    def get_security_requirement(self, auto_schema):
        return None

    def get_security_definition(self, auto_schema):
        return []
