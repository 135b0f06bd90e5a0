"""Asking a signed-in person for their password again before a sensitive change (their bank
details), against the way they signed in: the directory for staff who sign in with their network
password, the local password for local accounts."""

from django.conf import settings
from django.contrib.auth import load_backend

from .errors import DomainError


class PasswordCheckUnavailable(DomainError):
    """The password could not be checked (the directory is not answering): not a wrong password."""

    status_code = 503


def password_confirm(*, user, password: str, backend_path: str | None = None) -> bool:
    """True when `password` is the password `user` signs in with.

    `backend_path` is the backend that signed them in (the session's BACKEND_SESSION_KEY); only that
    backend is asked. Without one (an API token), every configured backend that signs people in is
    asked in turn. Backends are loaded by their dotted path from AUTHENTICATION_BACKENDS, as Django
    itself does, so core names no app of ours.

    A backend may offer `password_confirm(user, password) -> bool` and raise
    PasswordCheckUnavailable when it cannot answer; otherwise its `authenticate()` is asked. The
    backends are called directly, not through `django.contrib.auth.authenticate`, so a wrong
    password here is not a failed sign-in (django-axes does not count it): the caller counts and
    audits its own failures."""
    if not password:
        return False
    configured = list(settings.AUTHENTICATION_BACKENDS)
    paths = [backend_path] if backend_path in configured else configured
    unavailable = None
    for path in paths:
        backend = load_backend(path)
        confirm = getattr(backend, "password_confirm", None)
        if confirm is not None:
            try:
                if confirm(user, password):
                    return True
            except PasswordCheckUnavailable as exc:  # another backend may still confirm it
                unavailable = exc
        elif hasattr(backend, "get_user"):  # a backend that signs people in, not a monitor such as axes'
            found = backend.authenticate(None, username=user.get_username(), password=password)
            if found is not None and found.pk == user.pk:
                return True
    if unavailable is not None:
        raise unavailable
    return False
