"""Authentication for e-learning content providers posting xAPI statements: HTTP Basic with the
provider's key id and secret (stored hashed). `request.auth` is the ContentProvider; no user."""

import base64
import binascii

from django.conf import settings
from django.contrib.auth.hashers import check_password
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.permissions import BasePermission

from ..models import ContentProvider


class ContentProviderAuthentication(BaseAuthentication):
    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != b"basic":
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed("Malformed Basic credentials.")
        try:
            key_id, _, secret = base64.b64decode(parts[1]).decode("utf-8").partition(":")
        except (binascii.Error, UnicodeDecodeError):
            raise exceptions.AuthenticationFailed("Malformed Basic credentials.") from None
        provider = ContentProvider.objects.filter(key_id=key_id, is_active=True).first()
        # Hash even when the key id is unknown, so timing does not reveal which ids exist.
        if not check_password(secret, provider.key_hash if provider else "!"):
            raise exceptions.AuthenticationFailed("Unknown content provider or wrong secret.")
        if provider is None:
            raise exceptions.AuthenticationFailed("Unknown content provider or wrong secret.")
        from django.contrib.auth.models import AnonymousUser

        return AnonymousUser(), provider

    def authenticate_header(self, request):
        return f'Basic realm="{settings.TRAINING_XAPI_REALM}"'


class IsContentProvider(BasePermission):
    message = "Content provider credentials are required."

    def has_permission(self, request, view):
        return isinstance(request.auth, ContentProvider)


class ContentProviderAuthScheme(OpenApiAuthenticationExtension):
    target_class = "training.api.auth.ContentProviderAuthentication"
    name = "contentProviderBasic"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http", "scheme": "basic",
            "description": "Content provider key id as the username and its secret as the password.",
        }
