"""A real OpenLDAP server for the directory sync tests (python-ldap's slapdtest), started once per
session and refilled before each test.

The server's size limit (SIZE_LIMIT) is smaller than the test directory, as Active Directory's
MaxPageSize is, so a sync that forgets to page fails here rather than in production.
"""

import os

import ldap
import ldap.modlist
import pytest
import slapdtest

from ldap_sync.config import SourceConfig
from ldap_sync.connection import tls_options

from . import samba
from .tls import TLSMixin, make_ca, make_server_cert

SIZE_LIMIT = 10
SUFFIX = "dc=council,dc=test"
STAFF = f"ou=staff,{SUFFIX}"
GROUPS = f"ou=groups,{SUFFIX}"
SYNC_DN = f"cn=intranet-sync,{SUFFIX}"
SYNC_PW = "sync-password"
HR_GROUP = f"cn=hr,{GROUPS}"


class CouncilSlapd(slapdtest.SlapdObject):
    suffix = SUFFIX
    openldap_schema_files = ("core.ldif", "cosine.ldif", "inetorgperson.ldif")
    slapd_loglevel = "0"
    # The root DN is exempt from limits; the sync binds as a service account, which is not.
    # prtotal stays unlimited so that paged searches (and only those) can read everything.
    slapd_conf_template = slapdtest.SlapdObject.slapd_conf_template + (
        f"olcSizeLimit: size.soft={SIZE_LIMIT} size.hard={SIZE_LIMIT} size.prtotal=unlimited\n"
    )


def dn_of(uid: str, ou: str = "") -> str:
    return f"uid={uid},{f'ou={ou},' if ou else ''}{STAFF}"


def person(uid, given, sn, number, *, ou="Team A", title="Officer", manager=None, mail=None, **extra):
    attrs = {
        "objectClass": [b"inetOrgPerson"],
        "uid": [uid.encode()], "cn": [f"{given} {sn}".encode()], "givenName": [given.encode()],
        "sn": [sn.encode()], "title": [title.encode()], "ou": [ou.encode()],
        "mail": [(mail or f"{uid}@council.test").encode()],
        "telephoneNumber": [b"020 7946 0000"], "userPassword": [f"{uid}-password".encode()],
    }
    if number:
        attrs["employeeNumber"] = [number.encode()]
    if manager:
        attrs["manager"] = [dn_of(manager).encode()]
    for key, value in extra.items():
        attrs[key] = [value if isinstance(value, bytes) else str(value).encode()]
    return dn_of(uid), attrs


def base_directory() -> list[tuple[str, dict]]:
    """30 people: reports come BEFORE their managers in the stream, as they may in a real directory.

    director (Social Work) <- head <- manager <- 24 social workers; 3 in Highways under hw-lead.
    """
    out = []
    for i in range(24):
        out.append(person(f"sw{i:02d}", f"Worker{i:02d}", "Smith", f"E1{i:03d}", title="Social Worker",
                          manager="manager"))
    out.append(person("manager", "Mary", "Manager", "E0003", title="Team Manager", manager="head"))
    out.append(person("head", "Harriet", "Head", "E0002", ou="Social Work", title="Head of Service",
                      manager="director"))
    out.append(person("director", "Dan", "Director", "E0001", ou="Adults and Health", title="Director"))
    out.append(person("hw-lead", "Hugh", "Lead", "E2000", ou="Highways", title="Highways Manager"))
    out.append(person("hw1", "Ivy", "Inspector", "E2001", ou="Highways", manager="hw-lead"))
    out.append(person("hw2", "Ian", "Inspector", "E2002", ou="Parks and Open Spaces", manager="hw-lead"))
    return out


class Directory:
    """The test's handle on the running server: change entries the way IT would."""

    def __init__(self, server: CouncilSlapd):
        self.server = server
        self.uri = server.ldap_uri

    def admin(self):
        conn = ldap.initialize(self.uri)
        conn.simple_bind_s(self.server.root_dn, self.server.root_pw)
        return conn

    def reset(self, entries=None):
        conn = self.admin()
        for base in (STAFF, GROUPS):
            try:
                found = conn.search_s(base, ldap.SCOPE_SUBTREE, "(objectClass=*)", ["1.1"])
            except ldap.NO_SUCH_OBJECT:
                found = []
            for dn, _ in sorted(found, key=lambda r: -len(r[0])):
                conn.delete_s(dn)
        conn.add_s(STAFF, ldap.modlist.addModlist({"objectClass": [b"organizationalUnit"], "ou": [b"staff"]}))
        conn.add_s(GROUPS, ldap.modlist.addModlist({"objectClass": [b"organizationalUnit"], "ou": [b"groups"]}))
        for dn, attrs in entries if entries is not None else base_directory():
            conn.add_s(dn, ldap.modlist.addModlist(attrs))
        conn.add_s(HR_GROUP, ldap.modlist.addModlist({
            "objectClass": [b"groupOfNames"], "cn": [b"hr"], "member": [dn_of("sw00").encode()],
        }))
        conn.unbind_s()

    def add(self, dn, attrs):
        conn = self.admin()
        conn.add_s(dn, ldap.modlist.addModlist(attrs))
        conn.unbind_s()

    def modify(self, dn, **changes):
        conn = self.admin()
        mods = [(ldap.MOD_REPLACE, k, [v if isinstance(v, bytes) else str(v).encode()] if v is not None else None)
                for k, v in changes.items()]
        conn.modify_s(dn, mods)
        conn.unbind_s()

    def delete(self, dn):
        conn = self.admin()
        conn.delete_s(dn)
        conn.unbind_s()

    def rename(self, dn, new_rdn, new_superior=None):
        conn = self.admin()
        conn.rename_s(dn, new_rdn, newsuperior=new_superior)
        conn.unbind_s()

    def config(self, **overrides) -> SourceConfig:
        options = {
            "name": "test-ldap", "kind": "ldap", "profile": "openldap", "uri": self.uri,
            "bind_dn": SYNC_DN, "bind_password": SYNC_PW, "base_dn": STAFF, "page_size": 7, "timeout": 5,
            "group_roles": {HR_GROUP: "HR"},
        }
        options.update(overrides)
        return SourceConfig(**options)


def _root_bound(server):
    conn = ldap.initialize(server.ldap_uri)
    conn.simple_bind_s(server.root_dn, server.root_pw)
    return conn


def _start_with_council(server, tmp_path_factory, name, connect):
    """Start `server` in its own temporary folder and add the council suffix and the sync account.
    `connect()` gives a connection bound as the root DN."""
    server.TMPDIR = str(tmp_path_factory.mktemp(name))
    server.testrundir = os.path.join(server.TMPDIR, f"python-ldap-test-{server.port}")
    server._slapd_conf = os.path.join(server.testrundir, "slapd.d")
    server._db_directory = os.path.join(server.testrundir, "openldap-data")
    if server.ldapi_uri:
        from urllib.parse import quote_plus
        server.ldapi_uri = "ldapi://" + quote_plus(os.path.join(server.testrundir, "ldapi"))
        server.default_ldap_uri = server.ldapi_uri
    server.start()
    conn = connect()
    conn.add_s(SUFFIX, ldap.modlist.addModlist({"objectClass": [b"dcObject", b"organization"],
                                                "dc": [b"council"], "o": [b"Demo Council"]}))
    conn.add_s(SYNC_DN, ldap.modlist.addModlist({"objectClass": [b"person"], "cn": [b"intranet-sync"],
                                                 "sn": [b"sync"], "userPassword": [SYNC_PW.encode()]}))
    conn.unbind_s()


@pytest.fixture(scope="session")
def slapd_server(tmp_path_factory):
    server = CouncilSlapd()
    _start_with_council(server, tmp_path_factory, "slapd-run", lambda: _root_bound(server))
    yield server
    server.stop()


@pytest.fixture
def directory(slapd_server):
    d = Directory(slapd_server)
    d.reset()
    return d


class TLSCouncilSlapd(TLSMixin, CouncilSlapd):
    """The council directory as a domain controller that refuses simple binds without TLS (as AD
    does with LDAP signing required) and serves LDAPS with the council's own CA."""

    slapd_conf_template = CouncilSlapd.slapd_conf_template + "olcSecurity: simple_bind=64\n"


class TLSDirectory(Directory):
    def __init__(self, server: TLSCouncilSlapd, ca_file: str, other_ca_file: str):
        super().__init__(server)
        self.uri = server.ldaps_uri
        self.plain_uri = server.ldap_uri
        self.ca_file, self.other_ca_file = ca_file, other_ca_file

    def admin(self):
        conn = ldap.initialize(self.uri)
        for option, value in tls_options(self.ca_file).items():
            conn.set_option(option, value)
        conn.simple_bind_s(self.server.root_dn, self.server.root_pw)
        return conn

    def config(self, **overrides) -> SourceConfig:
        return super().config(**{"name": "default", "ca_file": self.ca_file, **overrides})


@pytest.fixture(scope="session")
def tls_directory(tmp_path_factory):
    """One LDAPS directory for the session, filled once (the TLS tests only read it)."""
    certs = str(tmp_path_factory.mktemp("test-ca"))
    ca_file, ca_key, ca_cert = make_ca(certs, "Council CA")
    other_ca_file, _, _ = make_ca(certs, "Some Other CA")
    server = TLSCouncilSlapd()
    server.cafile = ca_file
    server.servercert, server.serverkey = make_server_cert(certs, ca_key, ca_cert, "127.0.0.1")
    server.ldaps_port = server._avail_tcp_port()
    directory = TLSDirectory(server, ca_file, other_ca_file)
    _start_with_council(server, tmp_path_factory, "slapd-tls-run", directory.admin)
    directory.reset()
    # A DN held by another server: searching it answers with a referral.
    directory.add(REFERRAL_DN, {"objectClass": [b"referral", b"extensibleObject"], "ou": [b"elsewhere"],
                                "ref": [b"ldap://dc2.elsewhere.test/ou=staff,dc=elsewhere,dc=test"]})
    yield directory
    server.stop()


REFERRAL_DN = f"ou=elsewhere,{SUFFIX}"


SAMBA_START_UP: dict = {}


@pytest.fixture(scope="session")
def samba_dc(tmp_path_factory):
    """A real Samba AD DC for the session (see samba.py). Skipped, with the reason, only where Samba
    cannot run at all (not installed, not root); installed but failing to provision or start is a
    failure of our set-up, not a skip."""
    reason = samba.unavailable()
    if reason:
        pytest.skip(reason)
    dc = samba.SambaDC(str(tmp_path_factory.mktemp("samba-dc")))
    try:
        dc.provision()
        dc.start()
        dc.council = samba.Council(dc)
        dc.council.prepare_domain()
    except Exception as exc:
        dc.stop()
        detail = getattr(exc, "stderr", b"") or b""
        pytest.fail(f"the Samba AD DC did not start: {exc} {detail.decode('utf-8', 'replace')[-500:]}")
    SAMBA_START_UP.update(ip=dc.ip, provision=dc.provision_seconds, start=dc.start_seconds)
    yield dc
    dc.stop()


@pytest.fixture
def samba_council(samba_dc):
    """The council's staff and groups on the DC as samba.STAFF_LIST says (put back after a test changed them)."""
    council = samba_dc.council
    if council.dirty:
        council.reset()
    return council


@pytest.fixture
def ad(samba_council, settings, org):
    """Sign-in and sync pointed at the DC as IT would set them: LDAPS, only LDAP_CA_FILE for trust."""
    assert "LDAPTLS_CACERT" not in os.environ
    config = samba_council.config()
    settings.AUTH_LDAP_SERVER_URI = samba_council.uri
    settings.AUTH_LDAP_BIND_DN, settings.AUTH_LDAP_BIND_PASSWORD = samba.SYNC_DN, samba.SYNC_PW
    settings.AUTH_LDAP_USER_SEARCH_FILTER = "(sAMAccountName=%(user)s)"
    settings.AUTH_LDAP_START_TLS = False
    settings.LDAP_BASE_DN, settings.LDAP_PROFILE, settings.LDAP_CA_FILE = samba.STAFF, "ad", samba_council.ca_file
    settings.AUTHENTICATION_BACKENDS = ["ldap_sync.auth.EmployeeLDAPBackend", "django.contrib.auth.backends.ModelBackend"]
    settings.LDAP_SOURCES = {config.name: {k: v for k, v in vars(config).items() if k != "name"}}
    samba_council.source = config
    return samba_council


def pytest_terminal_summary(terminalreporter):
    if SAMBA_START_UP:
        t = SAMBA_START_UP
        terminalreporter.write_line(
            f"Samba AD DC start-up: provision {t['provision']:.1f} s + start {t['start']:.1f} s = "
            f"{t['provision'] + t['start']:.1f} s (on {t['ip']})")
