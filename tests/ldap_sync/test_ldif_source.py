"""The LDIF file source runs the same engine (what `make demo` and offline exports use)."""

import pytest

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
