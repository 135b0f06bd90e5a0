"""Signing in through the directory, the management command and the Celery task, against slapd."""

import pytest
from celery.exceptions import Retry
from django.contrib.auth import authenticate, get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

from ldap_sync import tasks
from ldap_sync.auth import EmployeeLDAPBackend
from ldap_sync.models import SyncRun
from ldap_sync.services import directory_sync
from people.models import AuditEntry, Employee

from ..factories import PASSWORD, UserFactory
from .conftest import STAFF, SYNC_DN, SYNC_PW, dn_of, person

pytestmark = pytest.mark.django_db

BACKENDS = ["ldap_sync.auth.EmployeeLDAPBackend", "django.contrib.auth.backends.ModelBackend"]


@pytest.fixture
def ldap_auth(directory, settings):
    settings.AUTH_LDAP_SERVER_URI = directory.uri
    settings.AUTH_LDAP_BIND_DN = SYNC_DN
    settings.AUTH_LDAP_BIND_PASSWORD = SYNC_PW
    settings.LDAP_BASE_DN = STAFF
    settings.LDAP_PROFILE = "openldap"
    settings.AUTHENTICATION_BACKENDS = BACKENDS
    settings.LDAP_SOURCES = {"test-ldap": {k: v for k, v in vars(directory.config()).items() if k != "name"}}
    return directory


def test_directory_sign_in_links_the_synced_employee_and_never_creates_a_second(ldap_auth, org):
    directory_sync(config=ldap_auth.config())
    employee = Employee.objects.get(employee_number="E1000")
    count = Employee.objects.count()

    user = authenticate(None, username="sw00", password="sw00-password")

    employee.refresh_from_db()
    assert user is not None and employee.user == user and Employee.objects.count() == count
    assert user.groups.filter(name="HR").exists()  # sw00 is in the directory's HR group
    assert AuditEntry.objects.filter(action="employee.account_linked", subject=employee).exists()
    # Signing in again (even after a rename in the directory) finds the same account.
    ldap_auth.modify(dn_of("sw00"), sn="Smith-Jones")
    assert authenticate(None, username="sw00", password="sw00-password") == user
    assert get_user_model().objects.filter(username="sw00").count() == 1


def test_wrong_password_unknown_and_leaver_accounts_cannot_sign_in(ldap_auth, org):
    directory_sync(config=ldap_auth.config())
    assert authenticate(None, username="sw01", password="wrong") is None
    ldap_auth.add(*person("late", "Lee", "Late", "E9"))
    assert authenticate(None, username="late", password="late-password") is None  # not synced yet
    Employee.objects.filter(employee_number="E1002").update(is_active=False)
    assert authenticate(None, username="sw02", password="sw02-password") is None
    assert not Employee.objects.filter(employee_number="E9").exists()


def test_local_accounts_still_sign_in_and_are_never_taken_over(ldap_auth, org):
    directory_sync(config=ldap_auth.config())
    local = UserFactory(username="breakglass")
    assert authenticate(None, username="breakglass", password=PASSWORD) == local
    # A local account that happens to share a directory user's name is not handed to that person.
    UserFactory(username="sw03")
    assert EmployeeLDAPBackend().authenticate(None, username="sw03", password="sw03-password") is None
    assert Employee.objects.get(employee_number="E1003").user is None


def test_command_dry_run_prints_what_would_change(directory, org, settings, capsys):
    settings.LDAP_SOURCES = {"test-ldap": {k: v for k, v in vars(directory.config()).items() if k != "name"}}
    call_command("ldap_sync", "--full", "--dry-run", "--source", "test-ldap")
    out = capsys.readouterr().out
    assert "Dry run (nothing changed)" in out and "created 30" in out and "Mary Manager" in out
    assert Employee.objects.count() == 0


def test_command_confirms_a_held_run(directory, org, settings, capsys):
    settings.LDAP_DEACTIVATION_MAX_COUNT = settings.LDAP_DEACTIVATION_MAX_PERCENT = 0
    settings.LDAP_SOURCES = {"test-ldap": {k: v for k, v in vars(directory.config()).items() if k != "name"}}
    call_command("ldap_sync", "--full", "--source", "test-ldap")
    directory.delete(dn_of("sw05"))
    call_command("ldap_sync", "--full", "--source", "test-ldap")
    held = SyncRun.objects.get(status="held")
    assert "--confirm-held" in capsys.readouterr().out
    call_command("ldap_sync", "--confirm-held", str(held.pk))
    assert not Employee.objects.get(employee_number="E1005").is_active


def test_command_names_an_unknown_source_and_an_unreachable_server(directory, org, settings):
    with pytest.raises(CommandError, match="No directory source called 'nope'"):
        call_command("ldap_sync", "--source", "nope")
    settings.LDAP_SOURCES = {"down": {"kind": "ldap", "uri": "ldap://127.0.0.1:9", "timeout": 1, "base_dn": STAFF}}
    with pytest.raises(CommandError, match="Cannot connect"):
        call_command("ldap_sync", "--source", "down")


def test_task_retries_with_back_off_when_the_directory_is_down(settings, org, monkeypatch):
    settings.LDAP_SOURCES = {"down": {"kind": "ldap", "uri": "ldap://127.0.0.1:9", "timeout": 1, "base_dn": STAFF}}
    seen = {}

    def fake_retry(*, exc, countdown, kwargs):
        seen.update(countdown=countdown, exc=exc, kwargs=kwargs)
        return Retry(exc=exc)

    monkeypatch.setattr(tasks.directory_sync_task, "retry", fake_retry)
    with pytest.raises(Retry):
        tasks.directory_sync_task.run(source="down", full=True)
    assert seen["countdown"] == 60 and seen["kwargs"] == {"source": "down", "full": True}
    assert SyncRun.objects.get().status == SyncRun.Status.FAILED


def test_task_runs_each_configured_source(directory, org, settings):
    settings.LDAP_SOURCES = {"test-ldap": {k: v for k, v in vars(directory.config()).items() if k != "name"}}
    run_ids = tasks.directory_sync_task.delay(full=True).get()
    run = SyncRun.objects.get(pk=run_ids[0])
    assert len(run_ids) == 1 and (run.source, run.kind) == ("test-ldap", "full")
    assert run.counts["created"] == 30 and Employee.objects.filter(is_active=True).count() == 30


def test_beat_schedules_a_nightly_full_and_an_hourly_incremental_run(settings):
    full = settings.CELERY_BEAT_SCHEDULE["ldap-sync-nightly-full"]
    hourly = settings.CELERY_BEAT_SCHEDULE["ldap-sync-hourly-incremental"]
    assert full["task"] == hourly["task"] == tasks.directory_sync_task.name
    assert full["kwargs"] == {"full": True} and hourly["kwargs"] == {"full": False}
    assert full["schedule"].hour == {2} and len(hourly["schedule"].hour) == 24


@pytest.mark.parametrize("leaving", [2, 8])
def test_removing_directory_roles_takes_the_same_queries_for_two_people_or_eight(org, leaving, django_assert_num_queries):
    from ldap_sync.services import apply_directory_roles
    from tests.factories import EmployeeFactory

    for i in range(leaving):
        EmployeeFactory(directory_id=f"gone-{i}", user=UserFactory(username=f"gone{i}", roles=["HR"]))
    # Five, however many lose the role: the HR group (it exists, so get_or_create only selects), the
    # accounts, the directory's grants, the current memberships, one DELETE for HR (nothing to add).
    with django_assert_num_queries(5):
        assert apply_directory_roles(source="test-ldap", roles={"HR"}) == (0, leaving)
    assert not get_user_model().objects.filter(username__startswith="gone", groups__name="HR").exists()
