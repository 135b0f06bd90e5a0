"""Domain controllers the suite cannot start, stood in for: a second DC behind the same LDAP_URI,
whose USNs are its own. (The `ad` profile against a real DC is test_samba_ad*.py, on Samba.)"""

import uuid

import pytest

from ldap_sync.config import SourceConfig
from ldap_sync.models import SourceState, SyncRun
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
    def __init__(self, config, entries, highest_usn, identity="DC1 6b1c9c52-6a2e-4d3e-9f0a-000000000001"):
        super().__init__(config)
        self.all, self.highest, self.identity = entries, highest_usn, identity
        self.filters = []

    def server_identity(self):
        return self.identity

    def start_marker(self):
        return str(self.highest)

    def entries(self, *, since=""):
        self.filters.append(self.profile.incremental_filter(since) if since else "")
        for dn, attrs in self.all:
            if not since or int(attrs["uSNChanged"][0]) > int(since):
                yield dn, attrs

    def group_members(self, group_dn):
        return iter(())


def test_a_mark_from_another_domain_controller_makes_the_run_a_full_one_and_says_so(org):
    config = SourceConfig(name="ad", kind="ldap", profile="ad", base_dn=BASE)
    entries = [ad_user(1, "Rep One", 1001), ad_user(2, "Boss Lady", 1002)]
    dc = FakeDomainController(config, entries, highest_usn=1002)
    directory_sync(config=config, source=dc)
    state = SourceState.objects.get(name="ad")
    assert (state.high_water, state.high_water_dc) == ("1002", dc.identity)

    # The load balancer sends the next run to DC2, whose USNs are its own (lower here).
    dc2 = FakeDomainController(config, [ad_user(1, "Rep One", 501, dept="Social Work"), ad_user(2, "Boss Lady", 502)],
                               highest_usn=502, identity="DC2 6b1c9c52-6a2e-4d3e-9f0a-000000000002")
    run = directory_sync(config=config, source=dc2, full=False)

    assert run.kind == SyncRun.Kind.FULL and dc2.filters == [""] and run.counts["read"] == 2
    assert "issued by domain controller DC1 6b1c9c52" in run.message and "answered from DC2" in run.message
    assert "a full run" in run.message
    assert Employee.objects.get(employee_number="AD1").org_unit == org["social"]  # USN 501 < 1002: read anyway
    state.refresh_from_db()
    assert (state.high_water, state.high_water_dc) == ("502", dc2.identity)
    assert directory_sync(config=config, source=dc2, full=False).kind == SyncRun.Kind.INCREMENTAL


def test_a_mark_that_names_no_domain_controller_is_not_trusted(org):
    config = SourceConfig(name="ad", kind="ldap", profile="ad", base_dn=BASE)
    dc = FakeDomainController(config, [ad_user(1, "Rep One", 1001)], highest_usn=1001)
    SourceState.objects.create(name="ad", high_water="900")  # stored before marks named their DC

    run = directory_sync(config=config, source=dc, full=False)

    assert run.kind == SyncRun.Kind.FULL and "does not say which domain controller issued it" in run.message
    assert SourceState.objects.get(name="ad").high_water_dc == dc.identity
