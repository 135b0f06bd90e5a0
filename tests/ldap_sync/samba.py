"""A throwaway Samba AD domain controller for the Active Directory tests: provisioned into a
temporary folder with its own smb.conf, private, lock, state and cache directories (nothing under
/etc or /var/lib is read or written), serving LDAP and LDAPS with a test CA's certificate on a
loopback address of its own, and run as a child process (`samba -i`) stopped at the end.

Samba's LDAP server listens on 389 and 636 and has no option to move them, so each DC takes a free
127.0.0.N (claimed while it runs, so two test runs on one machine never pick the same), with `interfaces = 127.0.0.N/8` and `bind interfaces only`. Binding those ports needs root;
without root or without the Debian packages (`samba`, `samba-ad-dc`, `samba-ad-provision`, which
scripts/system-deps.sh installs) `unavailable()` gives the reason and the tests skip.
"""

import contextlib
import os
import random
import shutil
import socket
import subprocess
import time

import ldap
import ldap.controls
import ldap.dn
import ldap.modlist

from ldap_sync.config import SourceConfig
from ldap_sync.connection import tls_options
from ldap_sync.profiles import guid_to_str

from .tls import make_ca, make_server_cert

REALM = "COUNCIL.TEST"
DOMAIN = "COUNCIL"
BASE = "DC=council,DC=test"
ADMIN_PW = "Admin-Pass-2026!"
START_TIMEOUT = 90
# A DC left behind by a test run that was killed stops by itself after this long.
MAX_RUNTIME = 3 * 3600


def tool(name: str) -> str | None:
    """The path of a Samba program (`samba` lives in /usr/sbin, which a user's PATH may lack)."""
    return shutil.which(name, path=os.pathsep.join([os.environ.get("PATH", ""), "/usr/sbin", "/sbin"]))


def unavailable() -> str:
    """Why a Samba DC cannot run here, or "" when it can."""
    missing = [name for name in ("samba", "samba-tool") if tool(name) is None]
    if missing:
        return (f"Samba AD DC not installed ({', '.join(missing)} missing): install the Debian packages samba, "
                "samba-ad-dc and samba-ad-provision (scripts/system-deps.sh does)")
    if os.geteuid() != 0:
        return "a Samba AD DC must run as root (its LDAP server binds ports 389 and 636)"
    return ""


def _port_free(ip: str, port: int) -> bool:
    with contextlib.closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as sock:
        try:
            sock.bind((ip, port))
        except OSError:
            return False
    return True


def claim_loopback_address():
    """(address, claim) of a 127.0.0.N with the DC's ports free, claimed for this run. The claim is a
    socket bound to an abstract name (Linux): held while the DC runs, gone with the process, no file."""
    candidates = list(range(20, 250))
    random.shuffle(candidates)
    for n in candidates:
        ip = f"127.0.0.{n}"
        claim = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            claim.bind(f"\0intranet-test-samba-{ip}")
        except OSError:
            claim.close()
            continue
        if all(_port_free(ip, port) for port in (389, 636, 3268, 3269)):
            return ip, claim
        claim.close()
    raise RuntimeError("no free loopback address for a Samba DC (127.0.0.20-249 all busy)")


class SambaDC:
    """One provisioned, running domain controller. `provision_seconds` and `start_seconds` say how
    long each step took."""

    def __init__(self, root: str):
        self.root = root
        self.conf = os.path.join(root, "etc", "smb.conf")
        self.ip, self._claim = claim_loopback_address()
        self.uri = f"ldaps://{self.ip}"
        self.plain_uri = f"ldap://{self.ip}"
        certs = os.path.join(root, "tls")
        os.makedirs(certs)
        self.ca_file, ca_key, ca_cert = make_ca(certs, "Council Test CA")
        self.other_ca_file, _, _ = make_ca(certs, "Some Other CA")
        self.cert_file, self.key_file = make_server_cert(certs, ca_key, ca_cert, self.ip)
        os.chmod(self.key_file, 0o600)  # Samba refuses a key others may read
        self.process = None
        self.council = None  # the Council handle the tests share (conftest)
        self.provision_seconds = self.start_seconds = 0.0

    def provision(self) -> None:
        os.makedirs(os.path.dirname(self.conf))
        open(self.conf, "w").close()  # an empty file: nothing is read from /etc/samba/smb.conf
        options = {
            "interfaces": f"{self.ip}/8", "bind interfaces only": "yes", "server services": "ldap",
            "log file": os.path.join(self.root, "log.%m"), "tls enabled": "yes", "tls keyfile": self.key_file,
            "tls certfile": self.cert_file, "tls cafile": self.ca_file,
            # Everything else Samba keeps under /run/samba by default, so two DCs never share a pid file.
            **{option: os.path.join(self.root, "run", folder) for option, folder in (
                ("pid directory", "pid"), ("ncalrpc dir", "ncalrpc"), ("winbindd socket directory", "winbindd"),
                ("ntp signd socket directory", "ntp_signd"))},
        }
        for option in ("pid directory", "ncalrpc dir", "winbindd socket directory", "ntp signd socket directory"):
            os.makedirs(options[option])
        started = time.monotonic()
        subprocess.run(
            [tool("samba-tool"), "domain", "provision", "-s", self.conf, f"--targetdir={self.root}", f"--realm={REALM}",
             f"--domain={DOMAIN}", "--server-role=dc", "--dns-backend=NONE", "--use-rfc2307",
             f"--adminpass={ADMIN_PW}", f"--host-ip={self.ip}", "--host-name=dc1", "--quiet",
             *(f"--option={k}={v}" for k, v in options.items())],
            check=True, capture_output=True, timeout=300,
        )
        self.provision_seconds = time.monotonic() - started

    def start(self) -> None:
        started = time.monotonic()
        self._log = open(os.path.join(self.root, "samba.out"), "wb")  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            [tool("samba"), "-i", "-M", "single", "-s", self.conf, f"--maximum-runtime={MAX_RUNTIME}"],
            stdout=self._log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
        )
        deadline = started + START_TIMEOUT
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"samba exited with {self.process.returncode}: {self.log_tail()}")
            try:
                self.admin().unbind_s()
                break
            except ldap.LDAPError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"samba did not answer on {self.uri} in {START_TIMEOUT}s: "
                                       f"{self.log_tail()}") from None
                time.sleep(0.2)
        self.start_seconds = time.monotonic() - started

    def log_tail(self) -> str:
        with open(os.path.join(self.root, "samba.out"), "rb") as fh:
            return fh.read()[-2000:].decode("utf-8", "replace")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.process is not None:
            self._log.close()
        self._claim.close()

    def connect(self, who: str, password: str):
        conn = ldap.initialize(self.uri, bytes_mode=False)
        conn.set_option(ldap.OPT_REFERRALS, 0)
        conn.set_option(ldap.OPT_NETWORK_TIMEOUT, 5)
        for option, value in tls_options(self.ca_file).items():
            conn.set_option(option, value)
        conn.simple_bind_s(who, password)
        return conn

    def admin(self):
        return self.connect(f"Administrator@{REALM.lower()}", ADMIN_PW)

    def root_dse(self, *attrs: str) -> dict:
        conn = self.admin()
        try:
            return conn.search_s("", ldap.SCOPE_BASE, "(objectClass=*)", list(attrs))[0][1]
        finally:
            conn.unbind_s()


# The council's directory on the DC: staff in OUs under STAFF, role groups (one nested) under
# GROUPS, and an ordinary (non-admin) account the sync binds as.
STAFF = f"OU=Staff,{BASE}"
GROUPS = f"OU=Groups,{BASE}"
SYNC_DN = f"CN=intranet-sync,OU=Service Accounts,{BASE}"
SYNC_PW = "sync-password-2026"
PAYROLL_GROUP = f"CN=Payroll,{GROUPS}"
PAYROLL_TEAM_GROUP = f"CN=Payroll Team,{GROUPS}"  # nested in PAYROLL_GROUP
HR_GROUP = f"CN=HR,{GROUPS}"
NORMAL_ACCOUNT, DISABLED_ACCOUNT = 512, 514  # userAccountControl
TREE_DELETE = ldap.controls.LDAPControl("1.2.840.113556.1.4.805", True, None)

# sAMAccountName: (given name, surname, employeeID, department, title, manager, OU under STAFF)
STAFF_LIST = {
    "dan.director": ("Dan", "Director", "E0001", "Adults and Health", "Director", None, ""),
    "harriet.head": ("Harriet", "Head", "E0002", "Social Work", "Head of Service", "dan.director", "Social Work"),
    "mary.manager": ("Mary", "Manager", "E0003", "Team A", "Team Manager", "harriet.head", "Social Work"),
    "sam.worker": ("Sam", "Worker", "E1001", "Team A", "Social Worker", "mary.manager", "Social Work"),
    "sue.worker": ("Sue", "Worker", "E1002", "Team A", "Social Worker", "mary.manager", "Social Work"),
    "hugh.lead": ("Hugh", "Lead", "E2000", "Highways", "Highways Manager", None, "Highways"),
    "ivy.inspector": ("Ivy", "Inspector", "E2001", "Highways", "Inspector", "hugh.lead", "Highways"),
    "old.leaver": ("Olive", "Leaver", "E9001", "Highways", "Inspector", "hugh.lead", "Highways"),
}
DISABLED = {"old.leaver"}


def password_of(sam: str) -> str:
    return f"{sam}-password"


def _unicode_pwd(password: str) -> bytes:
    return f'"{password}"'.encode("utf-16-le")


def _ous(ou: str) -> str:
    return "".join(f"OU={part}," for part in reversed(ou.split("/"))) if ou else ""


class Council:
    """The test's handle on the council's directory: change it the way IT would, as the domain admin.
    `dirty` says whether a test changed it since the last reset (sign-ins do not count: every test
    starts with a full run, so a new lastLogonTimestamp changes nothing it sees)."""

    def __init__(self, dc: SambaDC):
        self.dc = dc
        self.uri, self.plain_uri, self.ca_file, self.other_ca_file = dc.uri, dc.plain_uri, dc.ca_file, dc.other_ca_file
        self.dns: dict[str, str] = {}
        self.dirty = True
        self.source: SourceConfig | None = None

    def _admin(self, do, *, changes: bool = True):
        self.dirty = self.dirty or changes
        conn = self.dc.admin()
        try:
            return do(conn)
        finally:
            conn.unbind_s()

    def prepare_domain(self) -> None:
        """Once per DC: simple passwords allowed, the service OU and the non-admin sync account."""
        def do(conn):
            conn.modify_s(BASE, [(ldap.MOD_REPLACE, "pwdProperties", [b"0"]),
                                 (ldap.MOD_REPLACE, "minPwdLength", [b"0"]),
                                 (ldap.MOD_REPLACE, "minPwdAge", [b"0"]),
                                 (ldap.MOD_REPLACE, "pwdHistoryLength", [b"0"])])
            conn.add_s(f"OU=Service Accounts,{BASE}", ldap.modlist.addModlist(
                {"objectClass": [b"organizationalUnit"], "ou": [b"Service Accounts"]}))
            self._add_user(conn, SYNC_DN, "intranet-sync", SYNC_PW, {"sn": [b"Sync"], "description": [
                b"Intranet directory sync: an ordinary domain user, no admin rights"]})
        self._admin(do)

    @staticmethod
    def _add_user(conn, dn: str, sam: str, password: str, attrs: dict, uac: int = NORMAL_ACCOUNT) -> None:
        conn.add_s(dn, ldap.modlist.addModlist({
            "objectClass": [b"top", b"person", b"organizationalPerson", b"user"],
            "sAMAccountName": [sam.encode()], "userPrincipalName": [f"{sam}@{REALM.lower()}".encode()],
            "unicodePwd": [_unicode_pwd(password)], "userAccountControl": [str(uac).encode()], **attrs,
        }))

    def reset(self) -> None:
        """Staff and groups exactly as STAFF_LIST says (new objectGUIDs each time)."""
        def do(conn):
            for base in (STAFF, GROUPS):
                with contextlib.suppress(ldap.NO_SUCH_OBJECT):
                    conn.delete_ext_s(base, serverctrls=[TREE_DELETE])
            for ou in (STAFF, f"OU=Social Work,{STAFF}", f"OU=Highways,{STAFF}", GROUPS):
                conn.add_s(ou, ldap.modlist.addModlist({"objectClass": [b"organizationalUnit"]}))
            self.dns = {sam: f"CN={given} {sn},{_ous(ou)}{STAFF}"
                        for sam, (given, sn, _n, _d, _t, _m, ou) in STAFF_LIST.items()}
            for sam, (given, sn, number, dept, title, manager, _ou) in STAFF_LIST.items():
                attrs = {"givenName": [given.encode()], "sn": [sn.encode()], "displayName": [f"{given} {sn}".encode()],
                         "employeeID": [number.encode()], "department": [dept.encode()], "title": [title.encode()],
                         "mail": [f"{sam}@council.test".encode()], "telephoneNumber": [b"020 7946 0000"]}
                if manager:
                    attrs["manager"] = [self.dns[manager].encode()]
                self._add_user(conn, self.dns[sam], sam, password_of(sam), attrs,
                               DISABLED_ACCOUNT if sam in DISABLED else NORMAL_ACCOUNT)
            self._add_group(conn, PAYROLL_TEAM_GROUP, [self.dns["sam.worker"]])
            self._add_group(conn, PAYROLL_GROUP, [PAYROLL_TEAM_GROUP])
            self._add_group(conn, HR_GROUP, [self.dns["sue.worker"]])
        self._admin(do)
        self.dirty = False

    @staticmethod
    def _add_group(conn, dn: str, members: list[str]) -> None:
        name = ldap.dn.str2dn(dn)[0][0][1]
        conn.add_s(dn, ldap.modlist.addModlist({"objectClass": [b"top", b"group"], "sAMAccountName": [name.encode()],
                                                "member": [m.encode() for m in members]}))

    def modify(self, dn: str, **changes) -> None:
        mods = [(ldap.MOD_REPLACE, k, None if v is None else [v if isinstance(v, bytes) else str(v).encode()])
                for k, v in changes.items()]
        self._admin(lambda conn: conn.modify_s(dn, mods))

    def group_remove(self, group_dn: str, member_dn: str) -> None:
        self._admin(lambda conn: conn.modify_s(group_dn, [(ldap.MOD_DELETE, "member", [member_dn.encode()])]))

    def group_add(self, group_dn: str, member_dn: str) -> None:
        self._admin(lambda conn: conn.modify_s(group_dn, [(ldap.MOD_ADD, "member", [member_dn.encode()])]))

    def disable(self, sam: str) -> None:
        self.modify(self.dns[sam], userAccountControl=DISABLED_ACCOUNT)

    def rename(self, sam: str, new_rdn: str, new_superior: str | None = None) -> str:
        """Rename (and perhaps move) the person's object; returns the new DN."""
        old = self.dns[sam]
        self._admin(lambda conn: conn.rename_s(old, new_rdn, newsuperior=new_superior))
        self.dns[sam] = f"{new_rdn},{new_superior or old.split(',', 1)[1]}"
        return self.dns[sam]

    def guid(self, sam: str) -> str:
        rows = self._admin(lambda conn: conn.search_s(self.dns[sam], ldap.SCOPE_BASE, "(objectClass=*)",
                                                      ["objectGUID"]), changes=False)
        return guid_to_str(rows[0][1]["objectGUID"][0])

    def config(self, **overrides):
        options = {"name": "default", "kind": "ldap", "profile": "ad", "uri": self.uri, "bind_dn": SYNC_DN,
                   "bind_password": SYNC_PW, "base_dn": STAFF, "ca_file": self.ca_file, "page_size": 3,
                   "timeout": 10, "group_roles": {PAYROLL_GROUP: "Payroll", HR_GROUP: "HR"}}
        options.update(overrides)
        return SourceConfig(**options)
