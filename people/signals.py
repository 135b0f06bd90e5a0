"""Receivers for Django's own auth signals (connected in PeopleConfig.ready)."""

from django.utils import timezone


def sign_in_record(sender, request, user, **kwargs):
    """Keep every sign-in, not only the latest (User.last_login), so a past period's active users
    can be counted."""
    from .models import SignIn

    SignIn.objects.create(user=user, at=user.last_login or timezone.now())
