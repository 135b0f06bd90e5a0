"""Roles from directory groups, against slapd: what sign-in reads is authoritative (revoking as
well as granting), an incremental run picks up a changed group, and a role group that does not
exist never strips a role from everyone."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from ldap_sync.models import RoleGrant, SyncRun
from ldap_sync.services import directory_sync
from people.models import AuditEntry, Employee

from .conftest import GROUPS, HR_GROUP, STAFF, SYNC_DN, SYNC_PW, dn_of

pytestmark = pytest.mark.django_db

PAYROLL_GROUP = f"cn=payroll,{GROUPS}"
TYPO_GROUP = f"cn=payrol,{GROUPS}"
PAYROLL_PAGE = "/self-service/payroll/export/"


@pytest.fixture
def payroll_directory(directory, settings):
    directory.add(PAYROLL_GROUP, {"objectClass": [b"groupOfNames"], "cn": [b"payroll"],
                                  "member": [dn_of("sw02").encode()]})
    settings.AUTH_LDAP_SERVER_URI = directory.uri
    settings.AUTH_LDAP_BIND_DN, settings.AUTH_LDAP_BIND_PASSWORD = SYNC_DN, SYNC_PW
    settings.LDAP_BASE_DN, settings.LDAP_PROFILE, settings.LDAP_CA_FILE = STAFF, "openldap", ""
    settings.AUTHENTICATION_BACKENDS = ["ldap_sync.auth.EmployeeLDAPBackend", "django.contrib.auth.backends.ModelBackend"]
    use(directory, settings, {HR_GROUP: "HR", PAYROLL_GROUP: "Payroll"})
    return directory


def use(directory, settings, group_roles):
    config = directory.config(group_roles=group_roles)
    settings.LDAP_SOURCES = {config.name: {k: v for k, v in vars(config).items() if k != "name"}}
    return config


def sign_in(client, uid):
    client.logout()
    response = client.post("/sign-in/", {"username": uid, "password": f"{uid}-password"})
    assert response.status_code == 302, response.content.decode()[:300]
    return client


def has_role(uid, role):
    return get_user_model().objects.filter(username=uid, groups__name=role).exists()


def test_removing_a_payroll_officer_from_the_group_removes_the_role_at_their_next_sign_in(payroll_directory, org, client):
    directory_sync(config=payroll_directory.config(group_roles={HR_GROUP: "HR", PAYROLL_GROUP: "Payroll"}))
    assert sign_in(client, "sw02").get(PAYROLL_PAGE).status_code == 200

    payroll_directory.modify(PAYROLL_GROUP, member=dn_of("sw03"))  # IT moves the role to sw03

    assert sign_in(client, "sw02").get(PAYROLL_PAGE).status_code == 403
    assert not has_role("sw02", "Payroll")
    employee = Employee.objects.get(employee_number="E1002")
    assert AuditEntry.objects.filter(action="employee.directory_role_removed", subject=employee,
                                     changes={"role": ["Payroll", None]}).exists()
    # ... and granting is as prompt: sw03 has the role before any sync has run.
    assert sign_in(client, "sw03").get(PAYROLL_PAGE).status_code == 200
    assert RoleGrant.objects.filter(directory_id=Employee.objects.get(employee_number="E1003").directory_id,
                                    role="Payroll").exists()


def test_an_incremental_run_re_reads_a_changed_group_and_audits_the_removal(payroll_directory, org, client):
    config = payroll_directory.config(group_roles={HR_GROUP: "HR", PAYROLL_GROUP: "Payroll"})
    directory_sync(config=config)
    sign_in(client, "sw02")
    assert has_role("sw02", "Payroll")

    payroll_directory.modify(PAYROLL_GROUP, member=dn_of("sw03"))
    run = directory_sync(config=config, full=False)

    assert run.kind == SyncRun.Kind.INCREMENTAL and run.status == SyncRun.Status.APPLIED
    assert not has_role("sw02", "Payroll") and run.counts["roles_removed"] == 1
    employee = Employee.objects.get(employee_number="E1002")
    assert AuditEntry.objects.filter(action="employee.directory_role_removed", subject=employee).exists()
    assert {"action": "role removed", "name": employee.display_name, "directory_id": employee.directory_id,
            "changes": {"role": ["Payroll", None]}} in run.changes
    # sw03 (not changed, so not read by the incremental run) is matched by their stored DN.
    assert RoleGrant.objects.filter(role="Payroll").values_list("directory_id", flat=True).get() == (
        Employee.objects.get(employee_number="E1003").directory_id)


def test_a_role_group_that_does_not_exist_keeps_everyones_grants_and_says_so(payroll_directory, org, client, settings,
                                                                            capsys, people, login):
    directory_sync(config=payroll_directory.config(group_roles={HR_GROUP: "HR", PAYROLL_GROUP: "Payroll"}))
    sign_in(client, "sw02")
    typo = use(payroll_directory, settings, {HR_GROUP: "HR", TYPO_GROUP: "Payroll"})

    call_command("ldap_sync", "--full", "--dry-run", "--source", typo.name)
    out = capsys.readouterr().out
    assert f"Role group {TYPO_GROUP} ('Payroll') was not found: its grants were kept. Check LDAP_GROUP_ROLES." in out

    run = directory_sync(config=typo)
    assert run.status == SyncRun.Status.APPLIED and run.counts["role_groups_missing"] == 1
    assert run.counts["roles_removed"] == 0 and has_role("sw02", "Payroll")
    assert RoleGrant.objects.filter(role="Payroll").count() == 1
    page = login(people["admin"]).get(reverse("ldap_sync:run_detail", args=[run.pk])).content.decode()
    assert "was not found: its grants were kept" in page and TYPO_GROUP in page
    runs_page = login(people["admin"]).get(reverse("ldap_sync:runs")).content.decode()
    assert "Role group not found (1): grants kept" in runs_page
    # Signing in with the typo in place keeps the role too.
    assert sign_in(client, "sw02").get(PAYROLL_PAGE).status_code == 200
