"""What IT does to people in Active Directory, on the Samba DC (samba.py): a rename (new CN,
sAMAccountName and mail) follows through to the sign-in name and email and counts as a rename; a
move to another OU counts as a move; a disabled account is counted once and loses the roles its
groups gave it; the run log names people, never objectGUIDs."""

import re

import pytest
from django.contrib.auth import get_user_model

from ldap_sync.config import source_config
from ldap_sync.models import RoleGrant, SyncRun
from ldap_sync.services import directory_sync, held_run_confirm
from people.models import AuditEntry, Employee

from .samba import PAYROLL_TEAM_GROUP, STAFF, SYNC_DN, SYNC_PW, password_of
from .test_samba_ad import employee, has_role, refused, sign_in

pytestmark = pytest.mark.django_db
GUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-")
BUCKETS = ("created", "updated", "moved", "renamed", "reactivated", "deactivated", "unchanged", "skipped")


@pytest.fixture(autouse=True)
def small_council(settings):
    settings.LDAP_DEACTIVATION_MAX_PERCENT = 100  # one leaver in eight is no mistake here


def test_a_rename_changes_the_sign_in_name_and_email_and_counts_as_a_rename(ad, client):
    directory_sync(config=ad.source)
    assert sign_in(client, "sue.worker").status_code == 302
    user_pk = employee("E1002").user_id

    dn = ad.rename("sue.worker", "CN=Sue Jones")
    ad.modify(dn, sn="Jones", displayName="Sue Jones", sAMAccountName="sue.jones", mail="sue.jones@council.test",
              userPrincipalName="sue.jones@council.test")
    run = directory_sync(config=ad.source, full=False)

    assert (run.counts["renamed"], run.counts["moved"], run.counts["updated"]) == (1, 0, 0)
    assert run.counts["accounts_updated"] == 1
    sue = employee("E1002")
    assert (sue.last_name, sue.email, sue.directory_dn) == ("Jones", "sue.jones@council.test", dn)
    assert (sue.user.username, sue.user.email) == ("sue.jones", "sue.jones@council.test")
    assert AuditEntry.objects.filter(action="employee.renamed", subject=sue).exists()
    assert AuditEntry.objects.filter(action="employee.account_updated", subject=sue, changes__username=[
        "sue.worker", "sue.jones"]).exists()
    assert {"action": "sign-in changed", "name": "Sue Jones", "directory_id": sue.directory_id, "changes": {
        "username": ["sue.worker", "sue.jones"], "email": ["sue.worker@council.test", "sue.jones@council.test"]}
        } in run.changes
    # The same account signs in under the new name, and no longer under the old one.
    assert sign_in(client, "sue.jones", password_of("sue.worker")).status_code == 302
    assert int(client.session["_auth_user_id"]) == user_pk
    assert refused(sign_in(client, "sue.worker"), client)


def test_signing_in_under_the_new_name_before_the_next_run_renames_the_account(ad, client):
    directory_sync(config=ad.source)
    sign_in(client, "sue.worker")
    ad.modify(ad.dns["sue.worker"], sAMAccountName="sue.jones")

    assert sign_in(client, "sue.jones", password_of("sue.worker")).status_code == 302

    sue = employee("E1002")
    assert sue.user.username == "sue.jones"
    assert AuditEntry.objects.filter(action="employee.account_updated", subject=sue,
                                     changes={"username": ["sue.worker", "sue.jones"]}).exists()


def test_a_local_account_keeps_its_own_name(ad, client):
    directory_sync(config=ad.source)
    local = get_user_model().objects.create_user("swork", password="a-local-password-2026")
    Employee.objects.filter(employee_number="E1001").update(user=local)
    ad.modify(ad.dns["sam.worker"], sAMAccountName="sam.worker2", mail="sam.worker2@council.test")

    run = directory_sync(config=ad.source, full=False)

    local.refresh_from_db()
    assert local.username == "swork" and run.counts["accounts_updated"] == 0
    assert employee("E1001").email == "sam.worker2@council.test"


def test_a_move_to_another_ou_counts_as_a_move(ad):
    directory_sync(config=ad.source)
    dn = ad.rename("sam.worker", "CN=Sam Worker", new_superior=f"OU=Highways,{STAFF}")

    run = directory_sync(config=ad.source, full=False)

    assert (run.counts["moved"], run.counts["renamed"]) == (1, 0) and employee("E1001").directory_dn == dn


def test_a_disabled_account_is_counted_once_and_loses_its_directory_roles(ad, client):
    directory_sync(config=ad.source)
    sign_in(client, "sam.worker")
    assert has_role("sam.worker", "Payroll")

    ad.disable("sam.worker")
    run = directory_sync(config=ad.source, full=False)

    assert run.status == SyncRun.Status.APPLIED and run.counts["deactivated"] == 1
    assert sum(run.counts[k] for k in BUCKETS) == run.counts["read"] == 1
    sam = employee("E1001")
    assert not sam.is_active and not has_role("sam.worker", "Payroll")
    assert not RoleGrant.objects.filter(directory_id=sam.directory_id).exists()
    assert AuditEntry.objects.filter(action="employee.directory_role_removed", subject=sam,
                                     changes={"role": ["Payroll", None]}).exists()
    assert {"action": "role removed", "name": "Sam Worker", "directory_id": sam.directory_id,
            "changes": {"role": ["Payroll", None]}} in run.changes
    # Still in the group in AD, but a leaver: the next full run gives the role back to nobody.
    run = directory_sync(config=ad.source)
    assert run.counts["roles_granted"] == 0 and not RoleGrant.objects.filter(role="Payroll").exists()


def test_a_disabled_account_with_other_changes_is_still_counted_once(ad):
    directory_sync(config=ad.source)
    ad.modify(ad.dns["ivy.inspector"], title="Former Inspector", userAccountControl=514)

    run = directory_sync(config=ad.source, full=False)

    assert run.counts["deactivated"] == 1 and sum(run.counts[k] for k in BUCKETS) == 1
    assert employee("E2001").job_title == "Former Inspector"


def test_role_changes_in_the_run_log_name_people_not_guids(ad):
    ad.modify(ad.dns["hugh.lead"], sn=None)  # an entry the sync skips (no surname)...
    ad.group_add(PAYROLL_TEAM_GROUP, ad.dns["hugh.lead"])  # ...in a role group

    run = directory_sync(config=ad.source)

    roles = [c for c in run.changes if c["action"].startswith("role")]
    assert sorted(c["name"] for c in roles) == ["Sam Worker", "Sue Worker"]
    assert not any(GUID.match(c["name"]) for c in run.changes)
    assert "1 member of role groups is not a synced employee" in run.message
    assert RoleGrant.objects.count() == 2


def test_a_held_leaver_keeps_the_role_until_an_admin_confirms(ad, client, settings):
    directory_sync(config=ad.source)
    sign_in(client, "sam.worker")
    settings.LDAP_DEACTIVATION_MAX_COUNT = 0
    ad.disable("sam.worker")

    run = directory_sync(config=ad.source, full=False)
    assert run.status == SyncRun.Status.HELD and has_role("sam.worker", "Payroll")

    held_run_confirm(run_id=run.pk, actor=None)
    assert not employee("E1001").is_active and not has_role("sam.worker", "Payroll")
    assert not RoleGrant.objects.filter(role="Payroll").exists()
    run.refresh_from_db()
    assert {"action": "role removed", "name": "Sam Worker", "directory_id": ad.guid("sam.worker"),
            "changes": {"role": ["Payroll", None]}} in run.changes


def test_people_who_sign_in_by_upn_keep_upn_account_names(ad, client, settings):
    settings.AUTH_LDAP_USER_SEARCH_FILTER = "(userPrincipalName=%(user)s)"
    settings.LDAP_SOURCES, settings.LDAP_GROUP_ROLES = {}, ""
    settings.LDAP_URI, settings.LDAP_BIND_DN, settings.LDAP_BIND_PASSWORD = ad.uri, SYNC_DN, SYNC_PW
    config = source_config("default")
    assert config.attributes == {"username": "userPrincipalName"}
    directory_sync(config=config)
    assert sign_in(client, "Sue.Worker@council.test", password_of("sue.worker")).status_code == 302
    ad.modify(ad.dns["sue.worker"], title="Senior Social Worker")

    run = directory_sync(config=config, full=False)

    assert run.counts["accounts_updated"] == 0 and employee("E1002").user.username == "sue.worker@council.test"
    ad.modify(ad.dns["sue.worker"], userPrincipalName="sue.jones@council.test")
    directory_sync(config=config, full=False)
    assert employee("E1002").user.username == "sue.jones@council.test"
