"""Security defaults a user would notice: sign-in lockout and who may open the Django admin."""

import pytest
from django.conf import settings
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _sign_in(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_right_password_signs_in(client, people, password):
    response = _sign_in(client, "alice", password)

    assert response.status_code == 302
    assert response["Location"] == reverse("home")


def test_too_many_bad_passwords_lock_the_account_even_for_the_right_password(client, people, password):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = _sign_in(client, "alice", "not-the-password")
        assert response.status_code == 200
        assert "enter a correct username and password" in response.content.decode().lower()

    # The attempt that reaches the limit is refused with the locked-out page...
    response = _sign_in(client, "alice", "not-the-password")
    assert response.status_code == 429
    assert "Your account is temporarily locked" in response.content.decode()

    # ...and so is the right password until the cool-off ends: guessing gains nothing.
    response = _sign_in(client, "alice", password)
    assert response.status_code == 429
    assert "Your account is temporarily locked" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("home")).status_code == 302


def test_lockout_of_one_account_leaves_others_signing_in(client, people, password):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _sign_in(client, "alice", "not-the-password")

    response = _sign_in(client, "bob", password)

    assert response.status_code == 302


def test_admin_refuses_staff_who_are_not_intranet_admins(client, people):
    hr_user = people["hr"].user
    hr_user.is_staff = True  # the staff flag alone must not open the admin
    hr_user.save(update_fields=["is_staff"])
    client.force_login(hr_user)

    response = client.get("/admin/")

    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")
    assert client.get("/admin/people/employee/").status_code == 302


def test_admin_refuses_intranet_admin_role_without_staff_flag(client, people):
    admin_user = people["admin"].user
    admin_user.is_staff = False
    admin_user.save(update_fields=["is_staff"])
    client.force_login(admin_user)

    assert client.get("/admin/").status_code == 302


def test_admin_opens_for_intranet_admins(client, people):
    client.force_login(people["admin"].user)

    response = client.get("/admin/")

    assert response.status_code == 200
    assert "Intranet administration" in response.content.decode()
