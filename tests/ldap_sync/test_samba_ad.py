"""The `ad` profile against a real Active Directory: a Samba AD DC provisioned for the session
(samba.py), over LDAPS with the council's own test CA, read by an ordinary (non-admin) account.
Full and incremental (uSNChanged) runs, nested groups, sign-in by sAMAccountName through
/sign-in/, and a group removal revoking the role at sign-in and by the next incremental run."""


import ldap
import pytest
from django.contrib.auth import get_user_model

from ldap_sync.connection import DirectoryMisconfigured
from ldap_sync.models import RoleGrant, SourceState, SyncRun
from ldap_sync.profiles import guid_to_str
from ldap_sync.services import directory_sync
from people.models import AuditEntry, Employee

from .samba import BASE, HR_GROUP, PAYROLL_GROUP, PAYROLL_TEAM_GROUP, SYNC_DN, password_of

pytestmark = pytest.mark.django_db

PAYROLL_PAGE = "/self-service/payroll/export/"


def employee(number) -> Employee:
    return Employee.objects.select_related("user", "line_manager", "org_unit").get(employee_number=number)


def sign_in(client, sam, password=None):
    client.logout()
    return client.post("/sign-in/", {"username": sam, "password": password or password_of(sam)})


def refused(response, client) -> bool:
    """The sign-in page came back with the wrong-details message, and nobody is signed in."""
    return (response.status_code == 200 and "_auth_user_id" not in client.session
            and "Please enter a correct" in response.content.decode())


def has_role(sam, role) -> bool:
    return get_user_model().objects.filter(username=sam, groups__name=role).exists()


def test_the_sync_account_is_an_ordinary_domain_user(ad):
    conn = ad.dc.admin()
    admins = conn.search_s(f"CN=Domain Admins,CN=Users,{BASE}", ldap.SCOPE_BASE, "(objectClass=*)", ["member"])
    conn.unbind_s()
    assert SYNC_DN.encode() not in admins[0][1]["member"]


def test_a_full_run_reads_the_whole_directory_in_pages_with_nested_groups(ad, org):
    run = directory_sync(config=ad.source)

    assert run.status == SyncRun.Status.APPLIED and run.errors == []
    assert run.counts["read"] == 8 and run.counts["created"] == 8  # page size 3: three pages
    sam = employee("E1001")
    assert sam.directory_id == ad.guid("sam.worker") and sam.directory_dn == ad.dns["sam.worker"]
    assert sam.line_manager.employee_number == "E0003" and sam.org_unit == org["team_a"]
    assert sam.email == "sam.worker@council.test" and sam.job_title == "Social Worker"
    assert employee("E0002").line_manager.employee_number == "E0001"
    assert employee("E2001").org_unit == org["highways"]
    assert not employee("E9001").is_active  # userAccountControl 514
    # Payroll comes to Sam through the nested Payroll Team group.
    grants = set(RoleGrant.objects.values_list("directory_id", "role"))
    assert grants == {(ad.guid("sam.worker"), "Payroll"), (ad.guid("sue.worker"), "HR")}
    usn = ad.dc.root_dse("highestCommittedUSN")["highestCommittedUSN"][0].decode()
    assert 0 < int(SourceState.objects.get(name="default").high_water) <= int(usn)


def test_an_incremental_run_reads_only_what_changed_after_the_usn(ad):
    directory_sync(config=ad.source)
    ad.modify(ad.dns["ivy.inspector"], title="Senior Inspector")

    run = directory_sync(config=ad.source, full=False)

    assert run.kind == SyncRun.Kind.INCREMENTAL and run.counts["read"] == 1 and run.counts["updated"] == 1
    assert employee("E2001").job_title == "Senior Inspector"
    assert directory_sync(config=ad.source, full=False).counts["read"] == 0


def test_a_plain_bind_to_the_dc_is_refused_with_the_sentence(ad):
    with pytest.raises(DirectoryMisconfigured, match="This directory needs LDAPS or StartTLS"):
        directory_sync(config=ad.config(uri=ad.plain_uri, ca_file=""))


def test_sign_in_by_samaccountname_through_the_page_over_ldaps_with_only_the_ca_file(ad, client):
    directory_sync(config=ad.source)

    response = sign_in(client, "sam.worker")

    assert response.status_code == 302, response.content.decode()[:500]
    assert employee("E1001").user.username == "sam.worker"
    assert client.get(PAYROLL_PAGE).status_code == 200  # nested group: Payroll Team in Payroll
    assert refused(sign_in(client, "sam.worker", "wrong"), client)
    assert refused(sign_in(client, "old.leaver"), client)  # disabled in AD


def test_removing_someone_from_the_nested_group_revokes_the_role_at_sign_in(ad, client):
    directory_sync(config=ad.source)
    sign_in(client, "sam.worker")
    assert has_role("sam.worker", "Payroll")

    ad.group_remove(PAYROLL_TEAM_GROUP, ad.dns["sam.worker"])

    assert sign_in(client, "sam.worker").status_code == 302
    assert client.get(PAYROLL_PAGE).status_code == 403 and not has_role("sam.worker", "Payroll")
    assert AuditEntry.objects.filter(action="employee.directory_role_removed", subject=employee("E1001"),
                                     changes={"role": ["Payroll", None]}).exists()


def test_an_incremental_run_revokes_a_role_removed_in_a_nested_group_and_audits_it(ad, client):
    directory_sync(config=ad.source)
    sign_in(client, "sam.worker")
    ad.group_remove(PAYROLL_TEAM_GROUP, ad.dns["sam.worker"])
    ad.group_add(HR_GROUP, ad.dns["ivy.inspector"])

    run = directory_sync(config=ad.source, full=False)

    # (Sam's sign-in set lastLogonTimestamp, so the run may read Sam again, unchanged.)
    assert run.kind == SyncRun.Kind.INCREMENTAL and run.counts["updated"] == 0
    assert run.counts["roles_removed"] == 1 and not has_role("sam.worker", "Payroll")
    assert not RoleGrant.objects.filter(role="Payroll").exists()
    assert RoleGrant.objects.filter(role="HR", directory_id=ad.guid("ivy.inspector")).exists()
    assert AuditEntry.objects.filter(action="employee.directory_role_removed", subject=employee("E1001")).exists()


def test_a_role_group_dn_with_a_typo_keeps_the_grants_on_the_dc(ad):
    directory_sync(config=ad.source)
    typo = ad.config(group_roles={PAYROLL_GROUP.replace("Payroll", "Payrol"): "Payroll", HR_GROUP: "HR"})

    run = directory_sync(config=typo)

    assert run.counts["role_groups_missing"] == 1 and run.counts["roles_removed"] == 0
    assert RoleGrant.objects.filter(role="Payroll").count() == 1


def test_the_mark_names_its_domain_controller_and_another_dc_means_a_full_run(ad):
    directory_sync(config=ad.source)
    service = ad.dc.root_dse("dsServiceName")["dsServiceName"][0].decode()
    conn = ad.dc.admin()
    invocation = conn.search_s(service, ldap.SCOPE_BASE, "(objectClass=*)", ["invocationId"])[0][1]["invocationId"][0]
    conn.unbind_s()
    state = SourceState.objects.get(name="default")
    assert state.high_water_dc == f"DC1 {guid_to_str(invocation)}"

    # As if the last run had reached DC2 behind the same LDAP_URI: its USNs mean nothing here.
    SourceState.objects.filter(pk=state.pk).update(high_water_dc="DC2 0f6b3c1e-0000-4000-8000-000000000002",
                                                   high_water="999999")
    ad.modify(ad.dns["hugh.lead"], title="Head of Highways")
    run = directory_sync(config=ad.source, full=False)

    assert run.kind == SyncRun.Kind.FULL and run.counts["read"] == 8
    assert employee("E2000").job_title == "Head of Highways"  # below the other DC's mark, read all the same
    assert run.message.startswith("The incremental mark was issued by domain controller DC2 0f6b3c1e")
    assert f"{ad.uri} answered from DC1" in run.message and "(a full run) instead" in run.message
    assert SourceState.objects.get(pk=state.pk).high_water_dc == f"DC1 {guid_to_str(invocation)}"
    assert directory_sync(config=ad.source, full=False).kind == SyncRun.Kind.INCREMENTAL


def test_a_dc_whose_certificate_the_ca_file_does_not_sign_is_not_called_a_wrong_password(ad, client, settings, caplog):
    directory_sync(config=ad.source)
    settings.LDAP_CA_FILE = ad.other_ca_file

    page = sign_in(client, "sam.worker").content.decode()

    assert "council directory cannot be reached" in page and "correct username and password" not in page
    assert "not trusted" in caplog.text and "LDAP_CA_FILE" in caplog.text


def test_starttls_on_the_plain_port_for_the_sync_and_sign_in(ad, client, settings):
    run = directory_sync(config=ad.config(uri=ad.plain_uri, start_tls=True))
    assert run.status == SyncRun.Status.APPLIED and run.counts["created"] == 8

    settings.AUTH_LDAP_SERVER_URI, settings.LDAP_START_TLS = ad.plain_uri, True
    assert sign_in(client, "mary.manager").status_code == 302
