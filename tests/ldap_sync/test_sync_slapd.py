"""Directory sync against a real slapd: what IT and HR would see after each kind of run."""

import time
from pathlib import Path

import ldap
import pytest
import slapdtest
from django.contrib.auth.models import Group

from ldap_sync import services
from ldap_sync.models import RoleGrant, SourceState, SyncRun
from ldap_sync.services import directory_sync, held_run_confirm
from ldap_sync.sources import DirectoryUnavailable, LDAPSource
from people.models import AuditEntry, Employee, OrgUnit

from ..factories import EmployeeFactory, UserFactory
from .conftest import HR_GROUP, STAFF, SYNC_DN, SYNC_PW, dn_of, person

pytestmark = pytest.mark.django_db


def emp(number) -> Employee:
    return Employee.objects.get(employee_number=number)


def test_the_server_refuses_an_unpaged_read_of_the_whole_directory(directory):
    conn = ldap.initialize(directory.uri)
    conn.simple_bind_s(SYNC_DN, SYNC_PW)
    with pytest.raises(ldap.SIZELIMIT_EXCEEDED):
        conn.search_s(STAFF, ldap.SCOPE_SUBTREE, "(objectClass=inetOrgPerson)")


def test_full_sync_reads_every_page_and_builds_staff_teams_and_managers(directory, org):
    run = directory_sync(config=directory.config(page_size=4))

    assert run.status == SyncRun.Status.APPLIED
    assert run.counts["read"] == 30 and run.counts["created"] == 30 and run.counts["skipped"] == 0
    assert Employee.objects.filter(directory_id__isnull=False).count() == 30
    sw = emp("E1000")
    assert sw.org_unit == org["team_a"] and sw.job_title == "Social Worker" and sw.email == "sw00@council.test"
    # Managers came after their reports in the stream and are still linked; the chain runs to the top.
    assert sw.line_manager == emp("E0003")
    assert emp("E0003").line_manager == emp("E0002") and emp("E0002").line_manager == emp("E0001")
    assert emp("E0001").line_manager is None
    # A department the org tree lacks goes under the holding unit for HR, and the run says so.
    parks = emp("E2002").org_unit
    assert parks.name == "Parks and Open Spaces" and parks.parent.kind == OrgUnit.Kind.HOLDING
    assert run.counts["units_created"] == 1
    assert any(c["action"] == "unit" and c["name"] == "Parks and Open Spaces" for c in run.changes)
    assert AuditEntry.objects.filter(action="employee.created", channel="directory").count() == 30
    assert RoleGrant.objects.filter(role="HR", directory_id=sw.directory_id).exists()
    state = SourceState.objects.get(name="test-ldap")
    assert state.high_water and state.last_full_at and state.locked_by is None


def test_running_the_same_sync_twice_changes_nothing_the_second_time(directory, org):
    directory_sync(config=directory.config())
    audits = AuditEntry.objects.filter(channel="directory").exclude(action__startswith="directory_sync").count()

    second = directory_sync(config=directory.config())

    assert second.counts["unchanged"] == 30
    for key in ("created", "updated", "moved", "deactivated", "reactivated", "managers_changed", "units_created"):
        assert second.counts[key] == 0, key
    assert AuditEntry.objects.filter(channel="directory").exclude(
        action__startswith="directory_sync").count() == audits
    assert [c for c in second.changes if c["action"] != "unit"] == []


def test_incremental_sync_reads_only_what_changed(directory, org, settings):
    settings.LDAP_INCREMENTAL_MARGIN_SECONDS = 0  # slapd runs on this machine's clock
    directory_sync(config=directory.config())
    time.sleep(1.1)  # modifyTimestamp has one-second resolution: let the loaded entries age a second
    settle = directory_sync(config=directory.config(), full=False)
    directory.modify(dn_of("sw01"), title="Senior Social Worker", telephoneNumber="020 7946 1111")

    run = directory_sync(config=directory.config(), full=False)

    assert settle.kind == run.kind == SyncRun.Kind.INCREMENTAL and settle.counts["updated"] == 0
    assert run.counts["read"] == 1 and run.counts["updated"] == 1  # only the entry that changed
    sw = emp("E1001")
    assert sw.job_title == "Senior Social Worker" and sw.work_phone == "020 7946 1111"
    entry = AuditEntry.objects.get(action="employee.updated", subject=sw)
    assert entry.changes["job_title"] == ["Social Worker", "Senior Social Worker"]
    assert entry.channel == "directory"


def test_an_entry_changed_in_the_second_a_run_starts_is_read_again(directory, org, settings):
    settings.LDAP_INCREMENTAL_MARGIN_SECONDS = 0
    directory_sync(config=directory.config())
    directory.modify(dn_of("sw02"), title="Practice Educator")  # quite possibly the same second
    run = directory_sync(config=directory.config(), full=False)
    assert run.counts["read"] >= 1 and emp("E1002").job_title == "Practice Educator"


def test_a_move_keeps_the_same_employee_through_the_stable_id(directory, org):
    directory_sync(config=directory.config())
    before = emp("E1002")
    directory.add(f"ou=Team B,{STAFF}", {"objectClass": [b"organizationalUnit"], "ou": [b"Team B"]})
    directory.rename(dn_of("sw02"), "uid=sw02", new_superior=f"ou=Team B,{STAFF}")
    directory.modify(dn_of("sw02", "Team B"), ou="Team B")

    run = directory_sync(config=directory.config())

    after = Employee.objects.get(pk=before.pk)
    assert run.counts["moved"] == 1 and run.counts["created"] == 0
    assert after.directory_dn == dn_of("sw02", "Team B") and after.org_unit == org["team_b"]
    assert after.directory_id == before.directory_id


def test_a_leaver_is_deactivated_never_deleted_and_a_returner_comes_back(directory, org):
    directory_sync(config=directory.config())
    leaver = emp("E1003")
    leaver.user = UserFactory(username="sw03")
    leaver.save(update_fields=["user"])
    directory.delete(dn_of("sw03"))

    run = directory_sync(config=directory.config())

    leaver.refresh_from_db()
    leaver.user.refresh_from_db()
    assert run.counts["deactivated"] == 1
    assert not leaver.is_active and leaver.left_on and not leaver.user.is_active
    assert AuditEntry.objects.filter(action="employee.deactivated", subject=leaver, channel="directory").exists()

    # Back with a new account (a new stable id) but the same employee number: the same record.
    directory.add(*person("sw03", "Worker03", "Smith", "E1003", title="Social Worker", manager="manager"))
    run = directory_sync(config=directory.config())

    leaver.refresh_from_db()
    leaver.user.refresh_from_db()
    assert run.counts["reactivated"] == 1 and run.counts["created"] == 0
    assert leaver.is_active and leaver.left_on is None and leaver.user.is_active
    assert Employee.objects.filter(employee_number="E1003").count() == 1


def test_a_disabled_account_is_a_leaver_and_enabling_it_brings_them_back(directory, org):
    directory_sync(config=directory.config())
    directory.modify(dn_of("sw04"), employeeType="disabled")
    directory_sync(config=directory.config(), full=False)
    assert not emp("E1004").is_active

    directory.modify(dn_of("sw04"), employeeType=None)
    run = directory_sync(config=directory.config(), full=False)
    assert run.counts["reactivated"] == 1 and emp("E1004").is_active


def test_a_manager_loop_and_a_self_reference_are_reported_not_followed(directory, org):
    entries = [
        person("a", "Ann", "Loop", "L1", manager="b"),
        person("b", "Ben", "Loop", "L2", manager="a"),
        person("self", "Sal", "Self", "L3", manager="self"),
        person("ok", "Olu", "Fine", "L4", manager="a"),
    ]
    directory.reset(entries)

    run = directory_sync(config=directory.config())

    assert run.status == SyncRun.Status.APPLIED
    assert emp("L1").line_manager is None and emp("L2").line_manager is None
    assert emp("L3").line_manager is None
    assert emp("L4").line_manager == emp("L1")  # leading into a loop is fine once the loop is cut
    reasons = " ".join(e["reason"] for e in run.errors)
    assert "manager loop: Ann Loop → Ben Loop → Ann Loop" in reasons or "manager loop: Ben Loop" in reasons
    assert "own manager" in reasons
    assert run.counts["manager_errors"] == 3
    assert {e["dn"] for e in run.errors} == {dn_of("a"), dn_of("b"), dn_of("self")}  # named for IT to fix


def test_bad_entries_are_skipped_with_a_reason_and_the_run_continues(directory, org):
    entries = [
        person("good1", "Gail", "Good", "G1"),
        person("badphone", "Phil", "Phone", "G2", telephoneNumber="call reception"),
        person("dupe", "Dee", "Dupe", "G1"),
        person("badmail", "Mo", "Mail", "G3", mail="not-an-address"),
        person("ghost-boss", "Gus", "Ghost", "G4", manager="nobody-here"),
        person("good2", "Greg", "Good", "G5", manager="good1"),
    ]
    directory.reset(entries)

    run = directory_sync(config=directory.config())

    assert set(Employee.objects.values_list("employee_number", flat=True)) == {"G1", "G4", "G5"}
    assert run.counts["skipped"] == 3 and run.counts["manager_errors"] == 1
    by_dn = {e["dn"]: e["reason"] for e in run.errors}
    assert "not a phone number" in by_dn[dn_of("badphone")]
    assert "duplicate employee number G1" in by_dn[dn_of("dupe")]
    assert "not an email address" in by_dn[dn_of("badmail")]
    assert any("unknown manager" in e["reason"] for e in run.errors)
    assert emp("G5").line_manager == emp("G1")


def test_unreachable_server_mid_run_applies_nothing(directory, slapd_server, org, monkeypatch):
    monkeypatch.setattr(services.entries, "BATCH_SIZE", 5)  # so some batches are written before the failure
    real = LDAPSource._paged_search

    def dies_after_first_page(self, *args, **kwargs):
        for i, item in enumerate(real(self, *args, **kwargs)):
            if i == 8:
                slapd_server.terminate()
                slapd_server.wait()
            yield item

    monkeypatch.setattr(LDAPSource, "_paged_search", dies_after_first_page)
    try:
        with pytest.raises(DirectoryUnavailable):
            directory_sync(config=directory.config())
    finally:
        slapd_server.resume()

    run = SyncRun.objects.get()
    assert run.status == SyncRun.Status.FAILED and "failed" in run.message
    assert Employee.objects.count() == 0 and not AuditEntry.objects.filter(channel="directory").exists()
    assert SourceState.objects.get(name="test-ldap").locked_by is None


def test_unreachable_or_empty_directory_changes_nothing(directory, org):
    directory_sync(config=directory.config())
    with pytest.raises(DirectoryUnavailable):
        directory_sync(config=directory.config(uri="ldap://127.0.0.1:9", timeout=1))
    with pytest.raises(DirectoryUnavailable, match="no entries"):
        directory_sync(config=directory.config(user_filter="(uid=nobody-at-all)"))
    assert Employee.objects.filter(is_active=True).count() == 30
    assert list(SyncRun.objects.values_list("status", flat=True)[:2]) == ["failed", "failed"]


def test_too_many_leavers_hold_the_run_until_an_admin_confirms(directory, people, settings):
    settings.LDAP_DEACTIVATION_MAX_COUNT, settings.LDAP_DEACTIVATION_MAX_PERCENT = 3, 50
    directory_sync(config=directory.config())
    for i in range(5, 10):
        directory.delete(dn_of(f"sw{i:02d}"))
    directory.modify(dn_of("sw10"), title="Lead Social Worker")

    run = directory_sync(config=directory.config())

    assert run.status == SyncRun.Status.HELD and len(run.held_deactivations) == 5
    assert "5 leavers" in run.message
    held_names = {c["name"] for c in run.changes if c["action"] == "deactivate (held)"}
    assert held_names == {f"Worker{i:02d} Smith" for i in range(5, 10)}  # what the admin checks
    assert Employee.objects.filter(directory_id__isnull=False, is_active=True).count() == 30
    assert emp("E1010").job_title == "Social Worker"  # nothing of a held run is applied

    confirmed = held_run_confirm(run_id=run.pk, actor=people["admin"].user)

    assert confirmed.status == SyncRun.Status.CONFIRMED and confirmed.confirmed_by == people["admin"].user
    assert Employee.objects.filter(directory_id__isnull=False, is_active=False).count() == 5
    assert AuditEntry.objects.filter(action="employee.deactivated", actor=people["admin"].user).count() == 5


def test_dry_run_shows_exactly_what_would_change_and_changes_nothing(directory, org):
    directory_sync(config=directory.config())
    directory.modify(dn_of("sw11"), title="Practice Educator")
    directory.delete(dn_of("sw12"))
    directory.add(*person("new1", "Nia", "New", "E3000", manager="manager"))
    audits = AuditEntry.objects.count()

    run = directory_sync(config=directory.config(), dry_run=True)

    assert run.status == SyncRun.Status.DRY_RUN
    actions = {(c["action"], c["name"]) for c in run.changes}
    assert ("create", "Nia New") in actions and ("deactivate", "Worker12 Smith") in actions
    update = next(c for c in run.changes if c["action"] == "updated")
    assert update["changes"]["job_title"] == ["Social Worker", "Practice Educator"]
    assert AuditEntry.objects.count() == audits
    assert not Employee.objects.filter(employee_number="E3000").exists()
    assert emp("E1012").is_active and emp("E1011").job_title == "Social Worker"


def test_directory_groups_grant_roles_to_staff_with_accounts(directory, org):
    sw = EmployeeFactory(employee_number="E1000", user=UserFactory(username="sw00"), org_unit=org["team_a"])
    former = EmployeeFactory(employee_number="E1001", user=UserFactory(username="sw01", roles=["HR"]))

    run = directory_sync(config=directory.config())

    sw.refresh_from_db()
    assert sw.directory_id  # the existing record was adopted by employee number, not duplicated
    assert sw.user.groups.filter(name="HR").exists()
    assert not former.user.groups.filter(name="HR").exists()  # not in the directory's HR group
    assert run.counts["roles_granted"] == 1 and run.counts["roles_removed"] == 1
    assert Group.objects.filter(name="HR").count() == 1


def test_runs_of_one_source_never_overlap(directory, org):
    state = SourceState.objects.create(name="test-ldap")
    other = SyncRun.objects.create(source="test-ldap", kind="full")
    from django.utils import timezone
    state.locked_by, state.lock_expires_at = other, timezone.now() + timezone.timedelta(hours=1)
    state.save()

    run = directory_sync(config=directory.config())

    assert run.status == SyncRun.Status.SKIPPED and Employee.objects.count() == 0


def test_group_of_names_members_are_read_for_roles(directory):
    source = LDAPSource(directory.config())
    members = list(source.group_members(HR_GROUP))
    source.close()
    assert members == [("dn", dn_of("sw00"))]


def test_a_photo_is_stored_once_and_only_replaced_when_it_changes(directory, org, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    directory.modify(dn_of("sw05"), jpegPhoto=b"\xff\xd8\xff\xe0first-photo")
    directory_sync(config=directory.config())
    first = emp("E1005").photo.name
    assert first and (tmp_path / first).read_bytes().endswith(b"first-photo")

    assert directory_sync(config=directory.config()).counts["updated"] == 0

    directory.modify(dn_of("sw05"), jpegPhoto=b"\xff\xd8\xff\xe0second-photo")
    run = directory_sync(config=directory.config())
    assert run.counts["updated"] == 1 and emp("E1005").photo.name != first
    assert AuditEntry.objects.get(action="employee.updated", subject=emp("E1005")).changes["photo"] == [True, True]


def test_start_tls_with_the_councils_ca_file(directory, slapd_server, org):
    run = directory_sync(config=directory.config(start_tls=True, ca_file=slapd_server.cafile))
    assert run.status == SyncRun.Status.APPLIED and run.counts["created"] == 30


def test_start_tls_refuses_a_server_the_ca_file_does_not_vouch_for(directory, org, tmp_path):
    wrong_ca = tmp_path / "other-ca.pem"
    # A certificate that did not sign the server's: the python-ldap test client certificate.
    wrong_ca.write_bytes((Path(slapdtest.__file__).parent / "certs" / "client.pem").read_bytes())
    with pytest.raises(DirectoryUnavailable):
        directory_sync(config=directory.config(start_tls=True, ca_file=str(wrong_ca)))
    assert Employee.objects.count() == 0


def test_a_held_run_overtaken_by_a_later_full_run_cannot_be_confirmed(directory, people, settings):
    settings.LDAP_DEACTIVATION_MAX_COUNT, settings.LDAP_DEACTIVATION_MAX_PERCENT = 0, 0
    directory_sync(config=directory.config())
    directory.delete(dn_of("sw13"))
    held = directory_sync(config=directory.config())
    newer = directory_sync(config=directory.config())
    assert held.status == newer.status == SyncRun.Status.HELD

    from core.errors import IllegalTransition
    with pytest.raises(IllegalTransition, match=f"overtaken by full run {newer.pk}"):
        held_run_confirm(run_id=held.pk, actor=people["admin"].user)
    assert emp("E1013").is_active
    assert held_run_confirm(run_id=newer.pk, actor=people["admin"].user).counts["deactivated"] == 1
