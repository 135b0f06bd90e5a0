"""What keeps a 100,000-entry first sync near the cost of reading the directory (bench_ldap_sync):
new starters are linked to a manager written by an earlier batch in the insert itself, not by
rewriting every new row afterwards; and the cyclic collector is paused for the run, then resumed."""

import gc

import pytest

from ldap_sync.services import directory_sync, entries
from ldap_sync.services.managers import ManagerLinks
from ldap_sync.services.people_changes import EmployeeChanges
from ldap_sync.sources import DirectoryUnavailable
from people.models import Employee

from .conftest import person

pytestmark = pytest.mark.django_db


def emp(number) -> Employee:
    return Employee.objects.get(employee_number=number)


def test_a_manager_from_an_earlier_batch_is_linked_in_the_insert(directory, org, monkeypatch):
    monkeypatch.setattr(entries, "BATCH_SIZE", 2)
    directory.reset([
        person("boss", "Bea", "Boss", "M1"),
        person("mid", "Max", "Mid", "M2", manager="boss"),
        person("r1", "Rae", "One", "M3", manager="mid"),
        person("r2", "Ray", "Two", "M4", manager="mid"),
        person("late", "Lee", "Late", "M5", manager="last"),  # the manager comes after
        person("last", "Lou", "Last", "M6"),
        person("self", "Sal", "Self", "M7", manager="self"),
    ])
    written = {}
    write = ManagerLinks._write

    def spy(self, wanted):
        written.update(wanted)
        return write(self, wanted)

    monkeypatch.setattr(ManagerLinks, "_write", spy)
    run = directory_sync(config=directory.config())

    assert emp("M2").line_manager == emp("M1")
    assert emp("M3").line_manager == emp("M2") and emp("M4").line_manager == emp("M2")
    assert emp("M5").line_manager == emp("M6") and emp("M7").line_manager is None
    # Only the link whose manager came later is written by the managers step; M2 (same batch as
    # its manager) too, since a batch is written in one go.
    assert written == {emp("M2").pk: emp("M1").pk, emp("M5").pk: emp("M6").pk}
    assert run.counts["managers_changed"] == 4 and run.counts["manager_errors"] == 1
    again = directory_sync(config=directory.config())
    assert again.counts["managers_changed"] == 0 and again.counts["unchanged"] == 7


def test_a_loop_through_a_link_set_in_the_insert_is_still_cut(directory, org, monkeypatch):
    monkeypatch.setattr(entries, "BATCH_SIZE", 1)
    directory.reset([person("a", "Ann", "Loop", "L1", manager="b"), person("b", "Ben", "Loop", "L2", manager="a")])
    run = directory_sync(config=directory.config())
    assert emp("L1").line_manager is None and emp("L2").line_manager is None
    assert "manager loop" in " ".join(e["reason"] for e in run.errors)


def test_the_cyclic_collector_is_paused_for_a_run_and_resumed_after(directory, org, monkeypatch):
    seen = []
    apply_batch = EmployeeChanges.apply_batch

    def spy(self, batch):
        seen.append(gc.isenabled())
        return apply_batch(self, batch)

    monkeypatch.setattr(EmployeeChanges, "apply_batch", spy)
    directory.reset([person("a", "Ann", "One", "G1")])
    directory_sync(config=directory.config())
    assert seen == [False] and gc.isenabled()
    with pytest.raises(DirectoryUnavailable):
        directory_sync(config=directory.config(bind_password="wrong"))
    assert gc.isenabled()


@pytest.mark.parametrize("bad_batch", [0, 2], ids=["first batch", "last batch"])
def test_new_starters_that_the_database_refuses_fail_the_run_and_nothing_is_kept(directory, org, monkeypatch,
                                                                                   bad_batch):
    """New starters are COPYed from a second thread while the next batch is read (bulkcopy.
    CopyBehind); the database refusing one still fails the whole run, whichever batch it is in."""
    from ldap_sync.models import SyncRun
    from ldap_sync.services import people_changes

    monkeypatch.setattr(entries, "BATCH_SIZE", 2)
    directory.reset([person(f"p{i}", "Pat", f"Person{i}", f"P{i}") for i in range(6)])
    real = people_changes.search_text
    # Longer than the column: PostgreSQL refuses the row when it arrives, not when it is planned.
    monkeypatch.setattr(people_changes, "search_text",
                        lambda values: "x" * 700 if values["employee_number"] == f"P{bad_batch * 2}" else real(values))

    with pytest.raises(Exception, match="too long"):
        directory_sync(config=directory.config())

    run = SyncRun.objects.latest("pk")
    assert run.status == SyncRun.Status.FAILED and "too long" in run.message
    assert run.counts.get("created", 0) == 0
    assert not Employee.objects.exists()
    monkeypatch.setattr(people_changes, "search_text", real)
    again = directory_sync(config=directory.config())  # the lock was released and the run repeats
    assert again.status == SyncRun.Status.APPLIED and Employee.objects.count() == 6
