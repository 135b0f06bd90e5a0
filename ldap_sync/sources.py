"""Where entries come from. Both sources yield raw (dn, {attribute: [bytes]}) user entries one at a
time, so the engine never holds a whole directory in memory.

LDAPSource reads with the Simple Paged Results control (RFC 2696), so a directory bigger than the
server's size limit (Active Directory's MaxPageSize is 1,000) comes through whole. LDIFSource reads
an export file record by record with python-ldap's LDIF parser.
"""

import contextlib
import io
import logging
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import ldap
import ldap.dn
import ldap.filter
from django.conf import settings
from ldap.controls import SimplePagedResultsControl
from ldif import LDIFRecordList

from .config import SourceConfig
from .connection import DirectoryMisconfigured, DirectoryUnavailable, check_settings, explain, tls_options
from .profiles import Profile, department_rule_of, dn_key, guid_to_str, is_user_entry, profile_for

log = logging.getLogger(__name__)

# Errors that mean "the directory could not be read": the run changes nothing. `explain` turns each
# into a sentence naming the setting to fix, or says it is worth retrying.
UNAVAILABLE = (ldap.LDAPError,)

__all__ = ["DirectoryMisconfigured", "DirectoryUnavailable", "LDAPSource", "LDIFSource", "Source", "source_for"]


class Source:
    config: SourceConfig
    profile: Profile

    def __init__(self, config: SourceConfig):
        self.config = config
        self.profile = profile_for(config.profile)

    def entries(self, *, since: str = "") -> Iterator[tuple[str, dict]]:
        raise NotImplementedError

    def group_members(self, group_dn: str) -> Iterator[tuple[str, str]]:
        """("dn", dn_key) or ("id", directory_id) for each member of a role group."""
        raise NotImplementedError

    def group_exists(self, group_dn: str) -> bool:
        raise NotImplementedError

    def groups_changed_since(self, group_dns, since: str) -> bool:
        """Has any role group (or, on AD, any group that may nest in one) changed after `since`?
        Sources that cannot tell say yes, so the groups are read again."""
        return True

    def member_of(self, member_dn: str, group_dns) -> dict[str, bool | None]:
        """Is `member_dn` in each group now (AD: nested too)? None for a group that does not exist."""
        raise NotImplementedError

    def server_identity(self) -> str:
        """Which server issues this source's change markers, when they mean nothing to another server
        (AD's uSNChanged counts per domain controller); "" when markers compare across servers."""
        return ""

    def start_marker(self) -> str:
        """The change marker as the run starts: everything changed after it is read next time."""
        if self.profile.name == "ad":
            return ""
        # One second back because modifyTimestamp has one-second resolution: a change in the second
        # the run starts may land after we read that entry. The margin covers clock skew with the server.
        margin = getattr(settings, "LDAP_INCREMENTAL_MARGIN_SECONDS", 5) + 1
        return (datetime.now(UTC) - timedelta(seconds=margin)).strftime("%Y%m%d%H%M%SZ")

    def close(self) -> None:
        pass


class LDAPSource(Source):
    def __init__(self, config: SourceConfig):
        super().__init__(config)
        self._conn = None

    def _connect(self):
        if self._conn is not None:
            return self._conn
        c = self.config
        check_settings(uri=c.uri, ca_file=c.ca_file, uri_setting=self._setting("uri"),
                       ca_setting=self._setting("ca_file"))
        try:
            conn = ldap.initialize(c.uri, bytes_mode=False)
            conn.set_option(ldap.OPT_PROTOCOL_VERSION, 3)
            # Referrals off: AD returns referrals to other domains that would need their own bind.
            conn.set_option(ldap.OPT_REFERRALS, 0)
            conn.set_option(ldap.OPT_NETWORK_TIMEOUT, c.timeout)
            conn.set_option(ldap.OPT_TIMEOUT, c.timeout)
            for option, value in tls_options(c.ca_file).items():
                conn.set_option(option, value)
            if c.start_tls and not c.uri.lower().startswith("ldaps://"):
                conn.start_tls_s()
            conn.simple_bind_s(c.bind_dn, c.bind_password)
        except UNAVAILABLE as exc:
            raise self._explain(exc) from exc
        self._conn = conn
        return conn

    def _paged_search(self, base: str, filterstr: str, attrs: list[str]) -> Iterator[tuple[str, dict]]:
        """Every entry, a page at a time. The next page is asked for as soon as this one has
        arrived, before its entries are handed on: the server reads it while the caller applies
        this one, rather than the two waiting for each other (the sync's time in the directory
        overlaps its time in the database)."""
        conn = self._connect()
        page = SimplePagedResultsControl(criticality=True, size=self.config.page_size, cookie="")
        pending = None
        try:
            pending = conn.search_ext(base, ldap.SCOPE_SUBTREE, filterstr, attrs, serverctrls=[page])
            while pending is not None:
                _rtype, rdata, _msgid, controls = conn.result3(pending, all=1, timeout=self.config.timeout * 6)
                pending = None
                cookie = next(
                    (ctl.cookie for ctl in controls if ctl.controlType == SimplePagedResultsControl.controlType),
                    b"",
                )
                if cookie:
                    page.cookie = cookie
                    pending = conn.search_ext(base, ldap.SCOPE_SUBTREE, filterstr, attrs, serverctrls=[page])
                for dn, entry in rdata:
                    if dn is not None:  # search references (referrals) carry no dn
                        yield dn, entry
        except UNAVAILABLE as exc:
            self._conn = None
            raise self._explain(exc, base=base, reading=True) from exc
        finally:
            if pending is not None and self._conn is not None:
                # The caller stopped early (or failed) with a page still asked for: drop it.
                with contextlib.suppress(ldap.LDAPError):
                    conn.abandon(pending)

    def _setting(self, key: str) -> str:
        """The name an admin sets `key` by: the LDAP_* variable for the default source."""
        env = {"uri": "LDAP_URI", "ca_file": "LDAP_CA_FILE", "start_tls": "LDAP_START_TLS",
               "base_dn": "LDAP_BASE_DN", "user_filter": "LDAP_USER_FILTER",
               "bind": "LDAP_BIND_DN / LDAP_BIND_PASSWORD"}
        if self.config.name == "default":
            return env[key]
        keys = "bind_dn / bind_password" if key == "bind" else key
        return f"{keys} of LDAP_SOURCES['{self.config.name}']"

    def _explain(self, exc: Exception, *, base: str = "", reading: bool = False) -> DirectoryUnavailable:
        names = {k: self._setting(k) for k in ("uri", "ca_file", "start_tls", "base_dn", "user_filter", "bind")}
        base = base or self.config.base_dn
        return explain(exc, uri=self.config.uri, ca_file=self.config.ca_file, start_tls=self.config.start_tls,
                       base_dn=base, settings_names=names, reading=base if reading else "")

    def _user_filter(self, extra: str = "") -> str:
        base = self.config.user_filter or self.profile.default_filter
        if not base.startswith("("):
            base = f"({base})"
        return f"(&{base}{extra})" if extra else base

    def entries(self, *, since: str = "") -> Iterator[tuple[str, dict]]:
        extra = self.profile.incremental_filter(since) if since else ""
        attrs = self.profile.requested_attributes(self.config.attributes)
        if self.config.profile != "ad":
            attrs = sorted({*attrs, self.config.disabled_attribute})
        if department_rule_of(self.config) == "auto":
            attrs = sorted({*attrs, "ou"})  # the rule's fallback when the department attribute is empty
        yield from self._paged_search(self.config.base_dn, self._user_filter(extra), attrs)

    def start_marker(self) -> str:
        if self.profile.name != "ad":
            return super().start_marker()
        # AD: the domain controller's highest committed USN before we read anything.
        conn = self._connect()
        try:
            rows = conn.search_s("", ldap.SCOPE_BASE, "(objectClass=*)", ["highestCommittedUSN"])
        except UNAVAILABLE as exc:
            raise self._explain(exc) from exc
        values = {k.lower(): v for k, v in (rows[0][1] if rows else {}).items()}.get("highestcommittedusn")
        return values[0].decode() if values else ""

    def server_identity(self) -> str:
        """AD: "<server name> <invocationId>" of the domain controller this connection reached (the
        root DSE's dsServiceName names its NTDS Settings object, which holds the invocationId; a DC
        restored from a backup gets a new one, and its USNs cannot be trusted either)."""
        if self.profile.name != "ad":
            return ""
        conn = self._connect()
        try:
            rows = conn.search_s("", ldap.SCOPE_BASE, "(objectClass=*)", ["dsServiceName"])
            values = {k.lower(): v for k, v in (rows[0][1] if rows else {}).items()}.get("dsservicename")
            if not values:
                return ""
            service = values[0].decode()
            found = conn.search_s(service, ldap.SCOPE_BASE, "(objectClass=*)", ["invocationId"])
        except UNAVAILABLE as exc:
            raise self._explain(exc) from exc
        invocation = {k.lower(): v for k, v in (found[0][1] if found else {}).items()}.get("invocationid")
        rdns = ldap.dn.str2dn(service)
        server = rdns[1][0][1] if len(rdns) > 1 else service
        return f"{server} {guid_to_str(invocation[0])}" if invocation else service

    def group_members(self, group_dn: str) -> Iterator[tuple[str, str]]:
        if self.profile.name == "ad":
            # Nested membership: AD walks the group chain itself with LDAP_MATCHING_RULE_IN_CHAIN.
            id_attr = self.profile.attribute_map(self.config.attributes)["directory_id"]
            flt = self._user_filter(self.profile.nested_member_filter(group_dn))
            for _dn, entry in self._paged_search(self.config.base_dn, flt, [id_attr]):
                values = {k.lower(): v for k, v in entry.items()}.get(id_attr.lower())
                if values:
                    yield "id", self.profile.stable_id(values[0])
            return
        conn = self._connect()
        try:
            rows = conn.search_s(group_dn, ldap.SCOPE_BASE, "(objectClass=*)", ["member", "uniqueMember"])
        except ldap.NO_SUCH_OBJECT:
            log.warning("Role group %s not found in the directory", group_dn)
            return
        except UNAVAILABLE as exc:
            raise self._explain(exc, base=group_dn) from exc
        for _dn, entry in rows:
            for attr, values in entry.items():
                if attr.lower() in ("member", "uniquemember"):
                    for v in values:
                        yield "dn", dn_key(v.decode("utf-8"))

    def group_exists(self, group_dn: str) -> bool:
        conn = self._connect()
        try:
            return bool(conn.search_s(group_dn, ldap.SCOPE_BASE, "(objectClass=*)", ["1.1"]))
        except ldap.NO_SUCH_OBJECT:
            return False
        except UNAVAILABLE as exc:
            raise self._explain(exc, base=group_dn) from exc

    def groups_changed_since(self, group_dns, since: str) -> bool:
        if not since:
            return True
        conn = self._connect()
        flt = self.profile.incremental_filter(since)
        try:
            if self.profile.name == "ad":
                # A change to a nested group changes that group, not the role group: look at every group
                # of the domain changed after the mark (a handful an hour).
                bases = {",".join(r for r in dn.split(",") if r.strip().lower().startswith("dc=")) for dn in group_dns}
                return any(conn.search_ext_s(b, ldap.SCOPE_SUBTREE, f"(&(objectClass=group){flt})", ["1.1"],
                                             sizelimit=1) for b in bases if b)
            for group_dn in group_dns:
                with contextlib.suppress(ldap.NO_SUCH_OBJECT):
                    if conn.search_s(group_dn, ldap.SCOPE_BASE, flt, ["1.1"]):
                        return True
        except ldap.SIZELIMIT_EXCEEDED:
            return True
        except UNAVAILABLE as exc:
            raise self._explain(exc) from exc
        return False

    def member_of(self, member_dn: str, group_dns) -> dict[str, bool | None]:
        conn = self._connect()
        dn = ldap.filter.escape_filter_chars(member_dn)
        out: dict[str, bool | None] = {}
        try:
            for group_dn in group_dns:
                try:
                    if self.profile.name == "ad":
                        conn.search_s(group_dn, ldap.SCOPE_BASE, "(objectClass=*)", ["1.1"])  # does it exist?
                        found = conn.search_s(member_dn, ldap.SCOPE_BASE, self.profile.nested_member_filter(group_dn),
                                              ["1.1"])
                    else:
                        found = conn.search_s(group_dn, ldap.SCOPE_BASE, f"(|(member={dn})(uniqueMember={dn}))",
                                              ["1.1"])
                    out[group_dn] = bool(found)
                except ldap.NO_SUCH_OBJECT:
                    out[group_dn] = None
        except UNAVAILABLE as exc:
            raise self._explain(exc, base=member_dn) from exc
        return out

    def close(self) -> None:
        if self._conn is not None:
            with contextlib.suppress(ldap.LDAPError):
                self._conn.unbind_s()
            self._conn = None


class LDIFSource(Source):
    """An LDIF export. Read twice at most (users, then role groups), record by record."""

    def _records(self) -> Iterator[tuple[str, dict]]:
        try:
            handle = open(self.config.path, "rb")  # noqa: SIM115 - closed in finally, generator-owned
        except OSError as exc:
            raise DirectoryUnavailable(f"Cannot open LDIF file {self.config.path}: {exc.strerror}") from exc
        try:
            chunk: list[bytes] = []
            for line in handle:
                if line.strip() == b"":
                    if chunk:
                        yield from _parse_chunk(chunk)
                        chunk = []
                    continue
                if line.startswith(b"#") or line.lower().startswith(b"version:"):
                    continue
                chunk.append(line)
            if chunk:
                yield from _parse_chunk(chunk)
        finally:
            handle.close()

    def entries(self, *, since: str = "") -> Iterator[tuple[str, dict]]:
        base = dn_key(self.config.base_dn) if self.config.base_dn else ""
        for dn, entry in self._records():
            if not is_user_entry(entry, self.profile):
                continue
            if base and not dn_key(dn).endswith(base):
                continue
            if since:
                marker = {k.lower(): v for k, v in entry.items()}.get(self.profile.change_attribute.lower())
                if marker and marker[0].decode() <= since:
                    continue
            yield dn, entry

    def group_exists(self, group_dn: str) -> bool:
        wanted = dn_key(group_dn)
        return any(dn_key(dn) == wanted for dn, _entry in self._records())

    def group_members(self, group_dn: str) -> Iterator[tuple[str, str]]:
        wanted = dn_key(group_dn)
        for dn, entry in self._records():
            if dn_key(dn) == wanted:
                for attr, values in entry.items():
                    if attr.lower() in ("member", "uniquemember"):
                        for v in values:
                            yield "dn", dn_key(v.decode("utf-8"))
                return


def _parse_chunk(lines: list[bytes]) -> list[tuple[str, dict]]:
    try:
        parser = LDIFRecordList(io.BytesIO(b"".join(lines)))
        parser.parse()
    except ValueError as exc:
        raise DirectoryUnavailable(f"The LDIF file is not valid: {exc}") from exc
    return parser.all_records


def source_for(config: SourceConfig) -> Source:
    if config.kind == "ldif":
        return LDIFSource(config)
    if config.kind == "ldap":
        return LDAPSource(config)
    raise ValueError(f"Unknown source kind '{config.kind}'. Use 'ldap' or 'ldif'.")
