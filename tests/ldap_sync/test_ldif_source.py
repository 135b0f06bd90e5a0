"""The LDIF file source runs the same engine (what `make demo` and offline exports use)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from ldap_sync.config import SourceConfig
from ldap_sync.models import SyncRun
from ldap_sync.services import directory_sync
from people.models import Employee

pytestmark = pytest.mark.django_db

LDIF = """version: 1

# staff export
dn: ou=staff,dc=council,dc=test
objectClass: organizationalUnit
ou: staff

dn: uid=boss,ou=staff,dc=council,dc=test
objectClass: inetOrgPerson
uid: boss
cn: Bea Boss
givenName: Bea
sn: Boss
employeeNumber: B1
entryUUID: 5d0c8c2e-1111-4000-8000-000000000001
ou: Highways
title: Head of Highways
modifyTimestamp: 20261101090000Z

dn: uid=rep,ou=staff,dc=council,dc=test
objectClass: inetOrgPerson
uid: rep
cn: Rex Report
givenName: Rex
sn:: UmVwb3J0
employeeNumber: B2
entryUUID: 5d0c8c2e-1111-4000-8000-000000000002
ou: Highways
manager: uid=boss,ou=staff,dc=council,dc=test
modifyTimestamp: 20261102090000Z

dn: uid=noid,ou=staff,dc=council,dc=test
objectClass: inetOrgPerson
uid: noid
cn: No Id
sn: Id
"""


def test_ldif_export_syncs_through_the_same_engine(tmp_path, org):
    path = tmp_path / "staff.ldif"
    path.write_text(LDIF)
    config = SourceConfig(name="export", kind="ldif", path=str(path), base_dn="ou=staff,dc=council,dc=test")

    run = directory_sync(config=config)

    assert run.status == SyncRun.Status.APPLIED and run.counts["created"] == 2
    assert run.errors[0]["reason"].startswith("no stable id")
    rex = Employee.objects.get(employee_number="B2")
    assert rex.last_name == "Report" and rex.line_manager.employee_number == "B1"
    assert rex.org_unit == org["highways"]
    assert directory_sync(config=config).counts["unchanged"] == 2


def test_a_missing_ldif_file_changes_nothing(tmp_path, org):
    from ldap_sync.sources import DirectoryUnavailable

    with pytest.raises(DirectoryUnavailable, match="Cannot open LDIF file"):
        directory_sync(config=SourceConfig(name="export", kind="ldif", path=str(tmp_path / "missing.ldif")))
    assert SyncRun.objects.get().status == SyncRun.Status.FAILED


def test_the_sync_names_and_indexes_people_with_peoples_own_functions(tmp_path, org, monkeypatch):
    """The sync writes employees in bulk, without save(), so it must use people's formulas for the
    display name and the search text rather than copies that could drift from them."""
    path = tmp_path / "staff.ldif"
    path.write_text(LDIF)
    config = SourceConfig(name="export", kind="ldif", path=str(path), base_dn="ou=staff,dc=council,dc=test")
    directory_sync(config=config)
    rex = Employee.objects.get(employee_number="B2")
    assert rex.search_text == rex.build_search_text() == "rex report"

    monkeypatch.setattr(Employee, "name_from",
                        staticmethod(lambda first, last, preferred="": f"{last.upper()}, {preferred or first}"))
    monkeypatch.setattr(Employee, "search_text_from", staticmethod(lambda **v: f"indexed {v['last_name']}"))
    Employee.objects.filter(employee_number="B2").update(job_title="Old title", preferred_name="Rexy")
    Employee.objects.filter(employee_number="B1").delete()  # a new starter again
    run = directory_sync(config=config)

    assert {c["name"] for c in run.changes if c["action"] in ("create", "updated")} == {"BOSS, Bea", "REPORT, Rexy"}
    assert set(Employee.objects.values_list("search_text", flat=True)) == {"indexed Boss", "indexed Report"}


# --- directory_sync_applied: the declared event other apps listen to --------------------------------


@pytest.fixture
def heard():
    """What `directory_sync_applied` receivers are sent, in order."""
    from ldap_sync.signals import directory_sync_applied

    calls = []

    def receiver(sender, **kwargs):
        calls.append(kwargs)

    directory_sync_applied.connect(receiver, dispatch_uid="test-heard")
    yield calls
    directory_sync_applied.disconnect(dispatch_uid="test-heard")


@pytest.fixture
def export(tmp_path):
    path = tmp_path / "staff.ldif"
    path.write_text(LDIF)
    return path, SourceConfig(name="export", kind="ldif", path=str(path), base_dn="ou=staff,dc=council,dc=test")


def test_an_applied_run_is_announced_after_commit(export, org, heard, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        run = directory_sync(config=export[1])
    assert heard == []  # not before the commit
    for callback in callbacks:
        callback()
    assert heard == [{"signal": heard[0]["signal"], "run_id": run.pk, "source": "export", "status": "applied"}]


def test_dry_failed_and_skipped_runs_are_not_announced(export, org, heard, tmp_path,
                                                        django_capture_on_commit_callbacks):
    from ldap_sync.models import SourceState
    from ldap_sync.sources import DirectoryUnavailable

    with django_capture_on_commit_callbacks(execute=True):
        assert directory_sync(config=export[1], dry_run=True).status == SyncRun.Status.DRY_RUN
        with pytest.raises(DirectoryUnavailable):
            directory_sync(config=SourceConfig(name="gone", kind="ldif", path=str(tmp_path / "missing.ldif")))
        other = SyncRun.objects.create(source="export", kind="full")
        SourceState.objects.filter(name="export").update(locked_by=other, lock_expires_at=timezone.now() + timedelta(hours=1))
        assert directory_sync(config=export[1]).status == SyncRun.Status.SKIPPED
    assert heard == []


def test_a_held_run_is_announced_when_its_leavers_are_confirmed(export, org, heard, settings,
                                                                 django_capture_on_commit_callbacks):
    from ldap_sync.services import held_run_confirm

    path, config = export
    directory_sync(config=config)
    path.write_text(LDIF.split("dn: uid=rep,")[0])  # Rex has left
    settings.LDAP_DEACTIVATION_MAX_COUNT = 0
    with django_capture_on_commit_callbacks(execute=True):
        held = directory_sync(config=config)
    assert held.status == SyncRun.Status.HELD and heard == []
    with django_capture_on_commit_callbacks(execute=True):
        held_run_confirm(run_id=held.pk, actor=None)
    assert [(h["run_id"], h["status"]) for h in heard] == [(held.pk, "confirmed")]


def test_a_failing_listener_is_logged_and_breaks_neither_the_sync_nor_the_others(
    export, org, heard, caplog, django_capture_on_commit_callbacks
):
    from ldap_sync.signals import directory_sync_applied

    def broken(sender, **kwargs):
        raise RuntimeError("listener down")

    directory_sync_applied.connect(broken, dispatch_uid="test-broken")
    try:
        with django_capture_on_commit_callbacks(execute=True):
            run = directory_sync(config=export[1])
    finally:
        directory_sync_applied.disconnect(dispatch_uid="test-broken")
    assert run.status == SyncRun.Status.APPLIED and len(heard) == 1
    assert "receiver" in caplog.text and "listener down" in caplog.text
