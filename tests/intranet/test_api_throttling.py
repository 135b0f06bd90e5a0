"""API rate limits are on: per signed-in user and per anonymous IP, a 429 with Retry-After."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from ..factories import EmployeeFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def low_rates(settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK,
                               "DEFAULT_THROTTLE_RATES": {"user": "3/minute", "anon": "2/minute"}}


def _signed_in(username):
    client = APIClient()
    client.force_authenticate(EmployeeFactory(user=UserFactory(username=username)).user)
    return client


def test_a_signed_in_user_over_the_rate_gets_429_with_retry_after(low_rates):
    url = reverse("self_service_api:leave-balance")
    alice, bob = _signed_in("alice"), _signed_in("bob")
    assert [alice.get(url).status_code for _ in range(3)] == [200, 200, 200]
    resp = alice.get(url)
    assert resp.status_code == 429
    assert 0 < int(resp["Retry-After"]) <= 60
    assert bob.get(url).status_code == 200  # per user: someone else is not held up


def test_anonymous_calls_are_limited_per_ip_before_the_401(low_rates):
    url = reverse("self_service_api:types")
    client = APIClient(REMOTE_ADDR="192.0.2.10")
    assert [client.get(url).status_code for _ in range(2)] == [401, 401]
    resp = client.get(url)
    assert resp.status_code == 429 and 0 < int(resp["Retry-After"]) <= 60
    # A forwarded-for header the client writes itself does not buy a fresh allowance...
    assert client.get(url, HTTP_X_FORWARDED_FOR="203.0.113.7").status_code == 429
    # ...but another address has its own.
    assert APIClient(REMOTE_ADDR="192.0.2.11").get(url).status_code == 401
    # A signed-in call from the same address is counted per user, not per IP.
    user = _signed_in("carol")
    assert user.get(url, REMOTE_ADDR="192.0.2.10").status_code == 200


def test_the_shipped_rates_are_on():
    from rest_framework.settings import api_settings
    from rest_framework.views import APIView

    names = {f"{c.__module__}.{c.__name__}" for c in APIView.throttle_classes}
    assert names == {"core.api.throttling.AnonRateThrottle", "core.api.throttling.UserRateThrottle"}
    assert set(api_settings.DEFAULT_THROTTLE_RATES) == {"user", "anon"}
