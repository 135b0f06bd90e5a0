import logging
import time

from django.conf import settings
from django.contrib.auth.views import redirect_to_login


class LoginRequiredMiddleware:
    """Deny by default: every page needs a signed-in user unless its path is listed as public.

    Django 5.1's own LoginRequiredMiddleware works per view; a prefix list keeps the public surface
    visible in one setting (PUBLIC_URL_PREFIXES) for a security review.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.public = tuple(settings.PUBLIC_URL_PREFIXES)

    def __call__(self, request):
        if not request.user.is_authenticated and not request.path.startswith(self.public):
            return redirect_to_login(request.get_full_path())
        return self.get_response(request)


class RequestLogMiddleware:
    """One structured log line per request (method, path, status, duration): with the JSON formatter
    and django-guid's request id, what an operator greps for across replicas. Placed after the
    request-id middleware so the line carries the id."""

    log = logging.getLogger("intranet.request")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        self.log.info(
            "%s %s %s", request.method, request.path, response.status_code,
            extra={"method": request.method, "path": request.path, "status": response.status_code,
                   "duration_ms": round((time.perf_counter() - started) * 1000, 1)},
        )
        return response
