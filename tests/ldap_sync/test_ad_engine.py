"""The Active Directory profile through the whole engine, from a stand-in source (no domain
controller is available to the test suite; the wire protocol is covered by the slapd tests)."""

import uuid

import pytest

from ldap_sync.config import SourceConfig
from ldap_sync.models import SourceState
from ldap_sync.services import directory_sync
from ldap_sync.sources import Source
from people.models import Employee

pytestmark = pytest.mark.django_db
BASE = "OU=Staff,DC=council,DC=local"


def guid(n: int) -> bytes:
    return uuid.UUID(int=n).bytes_le


def ad_user(n, name, usn, *, manager=None, uac=512, dept="Highways"):
    dn = f"CN={name},{BASE}"
    attrs = {"objectGUID": [guid(n)], "employeeID": [f"AD{n}".encode()], "givenName": [name.split()[0].encode()],
             "sn": [name.split()[1].encode()], "department": [dept.encode()],
             "userAccountControl": [str(uac).encode()], "uSNChanged": [str(usn).encode()]}
    if manager:
        attrs["manager"] = [f"CN={manager},{BASE}".encode()]
    return dn, attrs


class FakeDomainController(Source):
    def __init__(self, config, entries, highest_usn):
        super().__init__(config)
        self.all, self.highest = entries, highest_usn
        self.filters = []

    def start_marker(self):
        return str(self.highest)

    def entries(self, *, since=""):
        self.filters.append(self.profile.incremental_filter(since) if since else "")
        for dn, attrs in self.all:
            if not since or int(attrs["uSNChanged"][0]) > int(since):
                yield dn, attrs

    def group_members(self, group_dn):
        return iter(())


def test_ad_sync_uses_guids_uac_and_the_usn_high_water_mark(org):
    config = SourceConfig(name="ad", kind="ldap", profile="ad", base_dn=BASE)
    entries = [ad_user(1, "Rep One", 1001, manager="Boss Lady"), ad_user(2, "Boss Lady", 1002),
               ad_user(3, "Gone Person", 1003, uac=514)]
    dc = FakeDomainController(config, entries, highest_usn=1003)

    run = directory_sync(config=config, source=dc)

    rep = Employee.objects.get(employee_number="AD1")
    assert rep.directory_id == str(uuid.UUID(int=1)) and rep.line_manager.employee_number == "AD2"
    assert rep.org_unit == org["highways"]
    assert not Employee.objects.get(employee_number="AD3").is_active  # ACCOUNTDISABLE: created as a leaver
    assert run.counts["created"] == 3
    assert SourceState.objects.get(name="ad").high_water == "1003"

    dc.all = [ad_user(1, "Rep One", 1004, manager="Boss Lady", dept="Social Work"), *entries[1:]]
    dc.highest = 1004
    run = directory_sync(config=config, source=dc, full=False)
    assert dc.filters[-1] == "(uSNChanged>=1004)" and run.counts["read"] == 1
    assert Employee.objects.get(employee_number="AD1").org_unit == org["social"]
