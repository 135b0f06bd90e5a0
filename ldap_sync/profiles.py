"""Directory profiles: which attributes hold what, and how to read them into a DirectoryEntry.

A profile turns one raw entry (dn, {attribute: [bytes, ...]}) into plain values, or raises
EntryError with a reason an admin can act on. Attribute names are matched case-insensitively, as
LDAP does.
"""

import hashlib
import re
import uuid
from dataclasses import dataclass, field
from typing import NamedTuple

import ldap.dn
import ldap.filter
from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from people.models import phone_validator

# AD userAccountControl flag for a disabled account.
ACCOUNTDISABLE = 0x2
# AD matching rule that follows nested group membership.
LDAP_MATCHING_RULE_IN_CHAIN = "1.2.840.113556.1.4.1941"


class EntryError(ValueError):
    """A directory entry that cannot be synced; the message is the recorded reason."""


class DirectoryEntry(NamedTuple):
    directory_id: str
    dn: str
    dn_key: str  # normalised DN used to match manager references
    employee_number: str | None
    first_name: str
    last_name: str
    email: str
    job_title: str
    department: str
    work_phone: str
    mobile_phone: str
    manager_key: str | None
    disabled: bool
    photo: bytes | None
    photo_hash: str
    change_marker: str  # uSNChanged or modifyTimestamp, for the high-water mark
    # Where `department` came from: the attribute's name, OU_PATH, or "" when the entry gave none.
    department_from: str = ""
    username: str = ""  # the sign-in name (sAMAccountName / uid): a directory account's username follows it


_DN_SEPARATOR_SPACES = re.compile(r"\s*([,=+])\s*")


def dn_key(dn: str) -> str:
    """DNs compare case-insensitively and ignoring spacing around separators. Cheap on purpose (it
    runs twice per entry); both sides go through the same function, so escaped characters match."""
    low = dn.strip().lower()
    if " " not in low:  # the usual case: nothing to normalise beyond case
        return low
    return _DN_SEPARATOR_SPACES.sub(r"\1", low)


OU_PATH = "the OU path of the DN"
DEPARTMENT_RULES = ("auto", "attribute", "ou_path")


def ou_path(dn: str, base_dn: str = "") -> str:
    """'cn=x,ou=Team A,ou=Social Work,dc=c' -> 'Social Work/Team A' (outermost first). The OUs of
    `base_dn` are not part of it: with base 'ou=People,dc=c', 'uid=x,ou=Planning,ou=Place,ou=People,dc=c'
    is 'Place/Planning'."""
    rdns = ldap.dn.str2dn(dn)
    if base_dn:
        base = [[(a.lower(), v.lower()) for a, v, _f in rdn] for rdn in ldap.dn.str2dn(base_dn)]
        tail = [[(a.lower(), v.lower()) for a, v, _f in rdn] for rdn in rdns[len(rdns) - len(base):]]
        if base and tail == base:
            rdns = rdns[: len(rdns) - len(base)]
    parts = []
    for rdn in rdns:
        for attr, value, _flags in rdn:
            if attr.lower() == "ou":
                parts.append(value)
    return "/".join(reversed(parts))


def guid_to_str(raw: bytes) -> str:
    """AD objectGUID is 16 bytes, little-endian in its first three fields."""
    if len(raw) != 16:
        raise EntryError(f"objectGUID is {len(raw)} bytes, expected 16")
    return str(uuid.UUID(bytes_le=raw))


# The same rule as people.models.phone_validator, compiled once (the validator's regex is lazy).
_PHONE = re.compile(phone_validator.regex.pattern)

_FIELD_LIMITS = {"first_name": 100, "last_name": 100, "job_title": 200, "department": 255, "email": 254}


@dataclass(frozen=True)
class Profile:
    name: str
    attributes: dict  # logical name -> LDAP attribute
    default_filter: str
    change_attribute: str
    _map_cache: dict = field(default_factory=dict, compare=False, repr=False)
    # The department rule when the source sets none: see department_rule_of().
    default_department_rule: str = "auto"

    def attribute_map(self, overrides: dict) -> dict:
        return {**self.attributes, **(overrides or {})}

    def requested_attributes(self, overrides: dict) -> list[str]:
        # Operational attributes (entryUUID, modifyTimestamp) are only returned when asked for by name.
        return sorted(set(self.attribute_map(overrides).values()))

    def incremental_filter(self, high_water: str) -> str:
        raise NotImplementedError

    def stable_id(self, raw: bytes) -> str:
        return raw.decode("ascii").strip().lower()

    def is_disabled(self, attrs: dict, config) -> bool:
        raise NotImplementedError

    def _maps(self, config) -> tuple[dict, dict]:
        # Once per run, not per entry: the source config is immutable.
        cached = self._map_cache.get(id(config))
        if cached is None or cached[0] is not config:
            amap = self.attribute_map(config.attributes)
            cached = (config, amap, {k: v.lower() for k, v in amap.items() if v})
            self._map_cache[id(config)] = cached
        return cached[1], cached[2]

    def parse(self, dn: str, attrs: dict, config) -> DirectoryEntry:
        amap, lower_map = self._maps(config)
        low = {k.lower(): v for k, v in attrs.items()}

        def first(logical: str) -> bytes | None:
            values = low.get(lower_map.get(logical, ""))
            return values[0] if values else None

        def text(logical: str) -> str:
            value = first(logical)
            if value is None:
                return ""
            try:
                out = value.decode("utf-8").strip()
            except UnicodeDecodeError as exc:
                raise EntryError(f"{amap[logical]}: not valid UTF-8 text") from exc
            limit = _FIELD_LIMITS.get(logical)
            if limit and len(out) > limit:
                raise EntryError(f"{amap[logical]}: longer than {limit} characters")
            return out

        raw_id = first("directory_id")
        if not raw_id:
            raise EntryError(f"no stable id ({amap['directory_id']})")
        try:
            directory_id = self.stable_id(raw_id)
        except EntryError:
            raise
        except (UnicodeDecodeError, ValueError) as exc:
            raise EntryError(f"{amap['directory_id']}: unreadable value") from exc
        first_name, last_name = text("first_name"), text("last_name")
        if not last_name:
            raise EntryError(f"no surname ({amap['last_name']})")
        email = text("email")
        if email:
            try:
                validate_email(email)
            except ValidationError as exc:
                raise EntryError(f"{amap['email']}: '{email}' is not an email address") from exc
        phones = {}
        for logical in ("work_phone", "mobile_phone"):
            phone = text(logical)
            if phone and not _PHONE.search(phone):
                raise EntryError(f"{amap[logical]}: '{phone}' is not a phone number")
            phones[logical] = phone
        number = text("employee_number") or None
        if number and len(number) > 32:
            raise EntryError(f"{amap['employee_number']}: longer than 32 characters")
        department, department_from = self._department(dn, low, text, amap, config)
        manager = text("manager")
        photo = first("photo")
        return DirectoryEntry(
            directory_id=directory_id,
            dn=dn,
            dn_key=dn_key(dn),
            employee_number=number,
            first_name=first_name or last_name,
            last_name=last_name,
            email=email,
            job_title=text("job_title"),
            department=department,
            work_phone=phones["work_phone"],
            mobile_phone=phones["mobile_phone"],
            manager_key=dn_key(manager) if manager else None,
            disabled=self.is_disabled(low, config),
            photo=photo,
            photo_hash=hashlib.sha256(photo).hexdigest() if photo else "",
            change_marker=text("change_marker"),
            department_from=department_from,
            username=text("username"),
        )

    @staticmethod
    def _department(dn: str, low: dict, text, amap: dict, config) -> tuple[str, str]:
        """(department, where it came from). "attribute": the department attribute; "ou_path": the
        OUs between the base DN and the entry; "auto" (the default): the department attribute, else
        `ou` on the entry, else the OU path, which covers the common layouts with no setting."""
        rule = department_rule_of(config)
        if rule == "ou_path":
            path = ou_path(dn, config.base_dn)
            return path, OU_PATH if path else ""
        value = text("department")
        if value or rule == "attribute":
            return value, amap["department"] if value else ""
        if amap["department"].lower() != "ou" and (values := low.get("ou")):
            value = values[0].decode("utf-8", "replace").strip()[: _FIELD_LIMITS["department"]]
            if value:
                return value, "ou"
        path = ou_path(dn, config.base_dn)
        return path, OU_PATH if path else ""


class OpenLDAPProfile(Profile):
    def incremental_filter(self, high_water: str) -> str:
        # Strictly after the high-water mark (LDAP has no ">"): see _Sync._finish_marker for why
        # nothing modified in that same second can be missed.
        hw = ldap.filter.escape_filter_chars(high_water)
        return f"(&({self.change_attribute}>={hw})(!({self.change_attribute}={hw})))"

    def is_disabled(self, low: dict, config) -> bool:
        values = low.get(config.disabled_attribute.lower()) or []
        wanted = {v.lower() for v in config.disabled_values}
        return any(v.decode("utf-8", "replace").strip().lower() in wanted for v in values)


class ActiveDirectoryProfile(Profile):
    def incremental_filter(self, high_water: str) -> str:
        # uSNChanged is an integer that only grows: read what changed after the last applied one.
        return f"({self.change_attribute}>={int(high_water) + 1})"

    def stable_id(self, raw: bytes) -> str:
        return guid_to_str(raw)

    def is_disabled(self, low: dict, config) -> bool:
        values = low.get("useraccountcontrol") or []
        if not values:
            return False
        try:
            return bool(int(values[0]) & ACCOUNTDISABLE)
        except ValueError as exc:
            raise EntryError("userAccountControl: not a number") from exc

    @staticmethod
    def nested_member_filter(group_dn: str) -> str:
        return f"(memberOf:{LDAP_MATCHING_RULE_IN_CHAIN}:={ldap.filter.escape_filter_chars(group_dn)})"


OPENLDAP = OpenLDAPProfile(
    name="openldap",
    attributes={
        "directory_id": "entryUUID",
        "employee_number": "employeeNumber",
        "first_name": "givenName",
        "last_name": "sn",
        "email": "mail",
        "job_title": "title",
        "department": "departmentNumber",  # the "auto" rule falls back to ou, then the DN's OUs
        "work_phone": "telephoneNumber",
        "mobile_phone": "mobile",
        "manager": "manager",
        "photo": "jpegPhoto",
        "change_marker": "modifyTimestamp",
        "disabled": "employeeType",
        "username": "uid",
    },
    default_filter="(objectClass=inetOrgPerson)",
    change_attribute="modifyTimestamp",
)

ACTIVE_DIRECTORY = ActiveDirectoryProfile(
    name="ad",
    attributes={
        "directory_id": "objectGUID",
        "employee_number": "employeeID",
        "first_name": "givenName",
        "last_name": "sn",
        "email": "mail",
        "job_title": "title",
        "department": "department",
        "work_phone": "telephoneNumber",
        "mobile_phone": "mobile",
        "manager": "manager",
        "photo": "thumbnailPhoto",
        "change_marker": "uSNChanged",
        "disabled": "userAccountControl",
        "username": "sAMAccountName",
    },
    default_filter="(&(objectCategory=person)(objectClass=user))",
    change_attribute="uSNChanged",
    # AD fills `department`; its OUs are as often sites or account types ("Disabled Users") as teams.
    default_department_rule="attribute",
)

PROFILES = {p.name: p for p in (OPENLDAP, ACTIVE_DIRECTORY)}


def profile_for(name: str) -> Profile:
    try:
        return PROFILES[name]
    except KeyError:
        raise ValueError(f"Unknown directory profile '{name}'. Use one of: {', '.join(PROFILES)}") from None


def department_rule_of(config) -> str:
    """The source's department rule, or its profile's default (OpenLDAP auto, AD attribute)."""
    return config.department_rule or PROFILES[config.profile].default_department_rule


def is_user_entry(attrs: dict, profile: Profile) -> bool:
    """For LDIF files, which hold groups and OUs too."""
    classes = {v.lower() for k, vs in attrs.items() if k.lower() == "objectclass" for v in vs}
    if profile.name == "ad":
        return b"user" in classes and b"computer" not in classes
    return b"inetorgperson" in classes or b"person" in classes



