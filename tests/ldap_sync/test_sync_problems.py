"""Problems in the directory are called what they are (on the real slapd): manager references that
cannot be followed are warnings naming the entry's DN, a duplicate employee number keeps the entry
already matched to the record, whatever the page order."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from ldap_sync import alerts
from ldap_sync.models import SyncRun
from ldap_sync.services import directory_sync
from ldap_sync.sources import LDAPSource
from people.models import AuditEntry, Employee

from ..factories import UserFactory
from .conftest import dn_of, person

pytestmark = pytest.mark.django_db


def emp(number) -> Employee:
    return Employee.objects.get(employee_number=number)


def manager_problems():
    return [
        person("a", "Ann", "Loop", "L1", manager="b"),
        person("b", "Ben", "Loop", "L2", manager="a"),
        person("self", "Sal", "Self", "L3", manager="self"),
        person("ghost", "Gus", "Ghost", "L4", manager="nobody-here"),
        person("ok", "Olu", "Fine", "L5", manager="a"),
    ]


def test_manager_references_to_nobody_oneself_or_a_loop_are_warnings_with_the_dn(directory, people, login,
                                                                                 settings):
    directory.reset(manager_problems())
    settings.LDAP_SOURCES = {"default": {k: v for k, v in vars(directory.config()).items() if k != "name"}}

    out = StringIO()
    call_command("ldap_sync", "--full", stdout=out)
    run = SyncRun.objects.get()

    # Every entry was synced: nothing was skipped; four were warned about.
    assert run.counts["skipped"] == 0 and run.counts["created"] == 5 and run.counts["manager_errors"] == 4
    assert run.skipped_entries() == []
    warnings = {w["dn"]: w["reason"] for w in run.warnings()}
    assert set(warnings) == {dn_of("a"), dn_of("b"), dn_of("self"), dn_of("ghost")}
    assert "manager loop" in warnings[dn_of("a")] and "own manager" in warnings[dn_of("self")]
    assert dn_of("nobody-here").lower() in warnings[dn_of("ghost")]
    text = out.getvalue()
    assert f"warning {dn_of('ghost')}: unknown manager {dn_of('nobody-here').lower()}: not an entry" in text
    assert "skipped" not in text
    assert emp("L5").line_manager == emp("L1")

    page = login(people["admin"]).get(reverse("ldap_sync:run_detail", args=[run.pk])).content.decode()
    assert "Entries skipped (0)" in page and "Warnings (4)" in page and dn_of("ghost") in page


@pytest.mark.parametrize("order", ["directory order", "reversed"])
def test_a_duplicate_employee_number_stays_with_the_entry_already_matched_whatever_the_page_order(
        directory, org, monkeypatch, order):
    # A leaver whose old account is still in the directory (disabled), and a new account with the
    # same employee number: the record stays with the entry it is matched to, whichever comes first.
    directory.reset([person("old", "Olga", "Old", "D1", employeeType="disabled"), person("x", "Xan", "X", "D2")])
    directory_sync(config=directory.config())
    record = emp("D1")
    matched_to = record.directory_id
    directory.add(*person("new", "Olga", "New", "D1"))
    if order == "reversed":
        real = LDAPSource._paged_search
        monkeypatch.setattr(LDAPSource, "_paged_search", lambda self, *a, **kw: iter(list(real(self, *a, **kw))[::-1]))

    run = directory_sync(config=directory.config())

    record.refresh_from_db()
    assert record.directory_id == matched_to and not record.is_active and record.last_name == "Old"
    assert Employee.objects.filter(employee_number="D1").count() == 1 and run.counts["reactivated"] == 0
    reason = {e["dn"]: e["reason"] for e in run.skipped_entries()}[dn_of("new")]
    assert reason == (f"duplicate employee number D1: Olga Old stays with the entry already matched to it, "
                      f"{dn_of('old')}, so this entry was not synced")


def test_a_held_run_applies_nothing_and_lists_whom_it_would_deactivate_with_their_ids(directory, people, login,
                                                                                      settings):
    settings.LDAP_DEACTIVATION_MAX_COUNT, settings.LDAP_DEACTIVATION_MAX_PERCENT = 3, 50
    directory_sync(config=directory.config())
    ids = dict(Employee.objects.filter(directory_id__isnull=False).values_list("employee_number", "directory_id"))
    for i in range(5, 10):
        directory.delete(dn_of(f"sw{i:02d}"))
    directory.modify(dn_of("sw10"), title="Lead Social Worker")
    directory.modify(dn_of("sw11"), manager=dn_of("head"))  # a manager change used to go through regardless
    audits = AuditEntry.objects.count()

    run = directory_sync(config=directory.config())

    assert run.status == SyncRun.Status.HELD
    # Nothing applied: not the update, not the manager change, no audit of either.
    assert emp("E1010").job_title == "Social Worker" and emp("E1011").line_manager == emp("E0003")
    assert AuditEntry.objects.exclude(action="directory_sync.held").count() == audits
    assert not AuditEntry.objects.filter(action__in=["employee.updated", "employee.manager_changed"]).exists()
    assert run.counts["updated"] == run.counts["managers_changed"] == 0 and run.counts["read"] == 25
    assert "Nothing from this run was applied" in run.message
    assert "updated 1" in run.message and "managers changed 1" in run.message
    held = {p["employee_number"]: p for p in run.held_deactivations}
    assert set(held) == {f"E1{i:03d}" for i in range(5, 10)}
    assert held["E1005"] == {"pk": emp("E1005").pk, "name": "Worker05 Smith", "employee_number": "E1005",
                             "directory_id": ids["E1005"], "dn": dn_of("sw05")}

    client = login(people["admin"])
    page = client.get(reverse("ldap_sync:run_detail", args=[run.pk])).content.decode()
    assert "Nothing from this run has been applied" in page and "Confirm 5 leavers" in page
    for number in held:
        assert number in page and ids[number] in page and held[number]["dn"] in page
    assert "What would change (nothing was applied)" in page

    client.post(reverse("ldap_sync:run_confirm", args=[run.pk]))

    # Exactly the listed people, and nobody else.
    assert set(Employee.objects.filter(is_active=False).values_list("employee_number", flat=True)) == set(held)
    run.refresh_from_db()
    assert run.status == SyncRun.Status.CONFIRMED and "Confirmed: 5 of 5 listed leavers deactivated." in run.message

    following = directory_sync(config=directory.config())  # the rest of the directory's changes
    assert following.status == SyncRun.Status.APPLIED and following.counts["deactivated"] == 0
    assert emp("E1010").job_title == "Lead Social Worker" and emp("E1011").line_manager == emp("E0002")


def test_a_rebuilt_directory_is_rematched_by_employee_number_and_held_above_the_limit(directory, people, login):
    directory_sync(config=directory.config())
    old_ids = dict(Employee.objects.filter(directory_id__isnull=False).values_list("employee_number", "directory_id"))
    directory.reset()  # every entry deleted and loaded again: every entryUUID is new

    run = directory_sync(config=directory.config())

    assert run.status == SyncRun.Status.HELD and run.held_deactivations == []
    assert run.counts["created"] == run.counts["deactivated"] == run.counts["skipped"] == 0
    assert "30 active staff re-matched by employee number" in run.message and "rematched 30" not in run.message
    assert dict(Employee.objects.filter(directory_id__isnull=False).values_list(
        "employee_number", "directory_id")) == old_ids  # nothing applied yet
    held = {p["employee_number"]: p for p in run.held_rematches}
    assert set(held) == set(old_ids)
    assert held["E1000"]["old_directory_id"] == old_ids["E1000"] and held["E1000"]["dn"] == dn_of("sw00")
    assert held["E1000"]["directory_id"] != old_ids["E1000"]

    client = login(people["admin"])
    page = client.get(reverse("ldap_sync:run_detail", args=[run.pk])).content.decode()
    assert "Confirm 30 re-matches" in page and held["E1000"]["directory_id"] in page
    client.post(reverse("ldap_sync:run_confirm", args=[run.pk]))

    new_ids = dict(Employee.objects.filter(directory_id__isnull=False).values_list("employee_number", "directory_id"))
    assert new_ids == {number: p["directory_id"] for number, p in held.items()}
    assert AuditEntry.objects.filter(action="employee.rematched", channel="directory").count() == 30

    following = directory_sync(config=directory.config())
    assert following.status == SyncRun.Status.APPLIED and following.counts["unchanged"] == 30
    for key in ("created", "deactivated", "rematched", "skipped"):
        assert following.counts[key] == 0, key
    assert Employee.objects.filter(directory_id__isnull=False, is_active=True).count() == 30


def test_one_recreated_account_is_rematched_at_once_and_counted(directory, org):
    directory_sync(config=directory.config())
    record = emp("E1007")
    old_id = record.directory_id
    directory.delete(dn_of("sw07"))
    directory.add(*person("sw07", "Worker07", "Smith", "E1007", title="Social Worker", manager="manager"))

    run = directory_sync(config=directory.config())

    record.refresh_from_db()
    assert run.status == SyncRun.Status.APPLIED and run.counts["rematched"] == 1
    assert run.counts["created"] == run.counts["deactivated"] == run.counts["skipped"] == 0
    assert record.is_active and record.directory_id not in (None, old_id)
    audit = AuditEntry.objects.get(action="employee.rematched", subject=record)
    assert audit.changes["directory_id"] == [old_id, record.directory_id]

    # An incremental run cannot tell that the old entry has gone: it says so and leaves it to a full run.
    record = emp("E1008")
    directory.delete(dn_of("sw08"))
    directory.add(*person("sw08", "Worker08", "Smith", "E1008", title="Social Worker", manager="manager"))
    run = directory_sync(config=directory.config(), full=False)
    assert run.kind == SyncRun.Kind.INCREMENTAL and run.counts["rematched"] == 0 and run.counts["created"] == 0
    reason = {e["dn"]: e["reason"] for e in run.errors}[dn_of("sw08")]
    assert "the next full run re-matches the record" in reason
    assert directory_sync(config=directory.config()).counts["rematched"] == 1


def test_the_alert_for_a_held_rebuild_names_the_rematches(directory, org, mailoutbox,
                                                          django_capture_on_commit_callbacks):
    UserFactory(username="root", email="root@council.example", is_superuser=True)
    directory_sync(config=directory.config())
    directory.reset()
    run = directory_sync(config=directory.config())

    with django_capture_on_commit_callbacks(execute=True):
        assert alerts.sync_run_alert(run)

    assert mailoutbox[0].subject == "Directory sync held: 30 re-matches need confirming (test-ldap)"
    assert "would re-match 30 records to new directory entries" in mailoutbox[0].body
