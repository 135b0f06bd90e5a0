import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from reporting.periods import Period


@pytest.fixture
def period():
    """A fixed 3-month window ending today, so dates in fixtures are easy to place in or out of it."""
    today = timezone.localdate()
    return Period("test", "Test period", today - dt.timedelta(days=89), today)


@pytest.fixture
def signed_in(people):
    """Known sign-ins: alice, bob (Adults) and dave (Place) used the intranet this week; nobody else
    ever has. Set after the people fixture so force_login in other fixtures cannot disturb it."""
    User = get_user_model()
    User.objects.update(last_login=None)
    recent = timezone.now() - dt.timedelta(days=2)
    User.objects.filter(username__in=["alice", "bob", "dave"]).update(last_login=recent)
    return people
