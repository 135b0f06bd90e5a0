"""A member of staff who signs in with their directory password changes their bank details: the
"enter your password again" step asks the directory (they have no local password), on slapd."""

import pytest
from django.contrib.auth import BACKEND_SESSION_KEY
from django.urls import reverse

from ldap_sync.services import directory_sync
from people.models import AuditEntry, Employee
from self_service import services
from self_service.models import BankDetailsChange, Request

from .conftest import STAFF, SYNC_DN, SYNC_PW

pytestmark = pytest.mark.django_db

LDAP_BACKEND = "ldap_sync.auth.EmployeeLDAPBackend"
BANK = {"account_name": "W Smith", "sort_code": "30-94-30", "account_number": "00733445"}


@pytest.fixture
def signed_in_from_directory(directory, settings, client, org):
    """sw01 synced from slapd and signed in at /sign-in/ with their directory password, as in production
    (axes first, then the directory, then local accounts)."""
    settings.AUTH_LDAP_SERVER_URI = directory.uri
    settings.AUTH_LDAP_BIND_DN, settings.AUTH_LDAP_BIND_PASSWORD = SYNC_DN, SYNC_PW
    settings.LDAP_BASE_DN, settings.LDAP_PROFILE = STAFF, "openldap"
    settings.AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", LDAP_BACKEND,
                                        "django.contrib.auth.backends.ModelBackend"]
    directory_sync(config=directory.config(group_roles={}))
    resp = client.post(reverse("login"), {"username": "sw01", "password": "sw01-password"})
    assert resp.status_code == 302, resp.content.decode()[:2000]
    assert client.session[BACKEND_SESSION_KEY] == LDAP_BACKEND
    employee = Employee.objects.select_related("user").get(employee_number="E1001")
    assert not employee.user.has_usable_password()  # nothing local to check the password against
    return client, employee, directory


def _post(client, password):
    return client.post(reverse("self_service:bank_details_new"), {**BANK, "password": password}, follow=True)


def test_directory_user_changes_bank_details_with_their_directory_password(signed_in_from_directory):
    client, employee, _ = signed_in_from_directory
    assert client.get(reverse("self_service:bank_details_new")).status_code == 200
    resp = _post(client, "sw01-password")
    req = Request.objects.get(employee=employee)
    assert resp.redirect_chain[-1][0] == reverse("self_service:detail", args=[req.pk])
    assert req.status == Request.Status.SUBMITTED and BankDetailsChange.objects.filter(request=req).exists()
    assert not AuditEntry.objects.filter(action="bank_details.password_failed").exists()
    # The API with the same session asks the same backend.
    resp = client.post(reverse("self_service_api:bank-details"), {**BANK, "password": "sw01-password"},
                       content_type="application/json")
    assert resp.status_code == 201, resp.content


def test_a_wrong_directory_password_is_refused_clearly_and_counted_for_bank_changes_only(signed_in_from_directory):
    client, employee, _ = signed_in_from_directory
    body = _post(client, "not-my-password").content.decode()
    assert "The password is not correct. Enter the password you sign in with." in body
    assert "After 4 more wrong tries bank changes are locked for 15 minutes." in body
    assert not Request.objects.exists()
    assert AuditEntry.objects.filter(action="bank_details.password_failed", subject=employee).count() == 1
    # Locked after five wrong passwords, even with the right one; signing in is not locked by them.
    for _ in range(services.BANK_PASSWORD_ATTEMPTS - 1):
        _post(client, "guess")
    assert "too many times" in _post(client, "sw01-password").content.decode()
    assert not Request.objects.exists()
    client.logout()
    assert client.post(reverse("login"), {"username": "sw01", "password": "sw01-password"}).status_code == 302


def test_a_directory_that_does_not_answer_is_not_a_wrong_password(signed_in_from_directory, settings):
    client, employee, _ = signed_in_from_directory
    settings.AUTH_LDAP_SERVER_URI = "ldap://127.0.0.1:9"
    body = _post(client, "sw01-password").content.decode()
    assert "council directory is not answering" in body
    assert not AuditEntry.objects.filter(action="bank_details.password_failed").exists()
    assert not Request.objects.exists()


def test_with_a_token_any_configured_backend_confirms_and_a_local_account_is_not_stuck_on_the_directory(
        signed_in_from_directory, settings):
    from core.auth import PasswordCheckUnavailable, password_confirm
    from tests.factories import PASSWORD, UserFactory

    _, employee, _ = signed_in_from_directory
    local = UserFactory(username="breakglass")
    assert password_confirm(user=employee.user, password="sw01-password")  # no backend named: the directory
    assert not password_confirm(user=employee.user, password=PASSWORD)
    assert password_confirm(user=local, password=PASSWORD)
    settings.AUTH_LDAP_SERVER_URI = "ldap://127.0.0.1:9"
    assert password_confirm(user=local, password=PASSWORD)  # the directory being down is no matter here
    with pytest.raises(PasswordCheckUnavailable):
        password_confirm(user=employee.user, password="sw01-password")
