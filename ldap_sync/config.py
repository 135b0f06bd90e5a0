"""Source configuration. The default source comes from the LDAP_* environment settings so IT can
point the sync at their directory without editing code; more sources go in settings.LDAP_SOURCES:

    LDAP_SOURCES = {
        "corp-ad": {"kind": "ldap", "profile": "ad", "uri": "ldaps://dc1.council.local",
                    "bind_dn": "...", "bind_password": "...", "base_dn": "OU=Staff,DC=council,DC=local",
                    "group_roles": {"CN=HR,OU=Groups,DC=council,DC=local": "HR"}},
        "export": {"kind": "ldif", "profile": "openldap", "path": "/data/staff.ldif"},
    }
"""

import re
from dataclasses import dataclass, field, replace

from django.conf import settings

from core.errors import DomainError

from .profiles import DEPARTMENT_RULES, PROFILES

_ATTRIBUTE = re.compile(r"[A-Za-z][A-Za-z0-9-]*|[0-9]+(\.[0-9]+)+")


@dataclass(frozen=True)
class SourceConfig:
    name: str
    kind: str  # "ldap" or "ldif"
    profile: str = "openldap"  # "openldap" or "ad"
    uri: str = ""
    bind_dn: str = ""
    bind_password: str = ""
    base_dn: str = ""
    user_filter: str = ""
    ca_file: str = ""
    start_tls: bool = False
    page_size: int = 500
    timeout: float = 10.0
    path: str = ""
    # Attribute map overrides on top of the profile's defaults, e.g. {"employee_number": "employeeID"}.
    attributes: dict = field(default_factory=dict)
    # "auto": the department attribute, else `ou` on the entry, else the OU path of the DN;
    # "attribute": the department attribute only; "ou_path": the OUs below base_dn only;
    # "": the profile's default (OpenLDAP auto, AD attribute).
    department_rule: str = ""
    # OpenLDAP has no standard disabled flag: an attribute and the values that mean "disabled".
    disabled_attribute: str = "employeeType"
    disabled_values: tuple = ("disabled", "leaver")
    # Group DN -> role name (people.roles). AD groups are matched with nesting.
    group_roles: dict = field(default_factory=dict)

    def with_changes(self, **kwargs) -> "SourceConfig":
        return replace(self, **kwargs)


def parse_group_roles(value) -> dict:
    """"CN=HR,OU=Groups,DC=x=HR;CN=Pay,OU=Groups,DC=x=Payroll" -> {dn: role}. Split on the last "="
    because DNs are full of them (and of commas, so entries are separated by ";")."""
    if isinstance(value, dict):
        return value
    out = {}
    for item in (value or "").split(";"):
        if "=" in item.strip():
            dn, role = item.strip().rsplit("=", 1)
            out[dn.strip()] = role.strip()
    return out


def parse_attributes(value) -> dict:
    """"department=departmentNumber;employee_number=employeeID" -> {logical name: LDAP attribute}.
    Attribute names hold neither "," nor ";", so either separates the pairs."""
    if isinstance(value, dict):
        return value
    out = {}
    for item in (value or "").replace(",", ";").split(";"):
        logical, sep, attribute = item.partition("=")
        if logical.strip() or attribute.strip():
            out[logical.strip()] = attribute.strip() if sep else ""
    return out


def config_problem(config: SourceConfig) -> str:
    """The sentence naming the setting to fix when the department rule or an attribute override
    cannot work, else "". Checked before a run reads anything."""
    env = config.name == "default"
    rule_setting = "LDAP_DEPARTMENT_RULE" if env else f"department_rule of LDAP_SOURCES['{config.name}']"
    map_setting = "LDAP_ATTRIBUTES" if env else f"attributes of LDAP_SOURCES['{config.name}']"
    if config.department_rule and config.department_rule not in DEPARTMENT_RULES:
        return (f"{rule_setting} is '{config.department_rule}': use one of {', '.join(DEPARTMENT_RULES)} "
                "(auto reads the department attribute, else ou on the entry, else the OU path of the DN).")
    known = PROFILES[config.profile].attributes if config.profile in PROFILES else {}
    for logical, attribute in config.attributes.items():
        if known and logical not in known:
            return (f"{map_setting} names '{logical}', which is not one of: {', '.join(sorted(known))} "
                    "(write them as name=attribute;name=attribute, e.g. department=departmentNumber).")
        if not attribute or not _ATTRIBUTE.fullmatch(attribute):
            return (f"{map_setting} gives '{logical}' the attribute '{attribute}', which is not an LDAP attribute "
                    "name (letters, digits and hyphens, e.g. departmentNumber).")
    return ""


def _sign_in_attribute() -> dict:
    """{"username": attribute} when people sign in through the directory by one attribute
    (LDAP_AUTH_USER_FILTER such as (sAMAccountName=%(user)s) or (userPrincipalName=%(user)s)): the sync
    then keeps their account names in that same form, so re-entering a password finds them."""
    if not getattr(settings, "AUTH_LDAP_SERVER_URI", ""):
        return {}
    flt = str(getattr(settings, "AUTH_LDAP_USER_SEARCH_FILTER", "") or "")
    match = re.fullmatch(r"\(\s*([A-Za-z][\w-]*)\s*=\s*%\(user\)s\s*\)", flt.strip())
    return {"username": match.group(1)} if match else {}


def _default_source() -> dict | None:
    common = {"department_rule": getattr(settings, "LDAP_DEPARTMENT_RULE", ""),
              # LDAP_ATTRIBUTES wins over the sign-in attribute (an explicit username=... included).
              "attributes": {**_sign_in_attribute(), **parse_attributes(getattr(settings, "LDAP_ATTRIBUTES", ""))}}
    if getattr(settings, "LDAP_LDIF_PATH", ""):
        return {"kind": "ldif", "path": settings.LDAP_LDIF_PATH, "profile": settings.LDAP_PROFILE,
                "base_dn": settings.LDAP_BASE_DN, **common}
    if getattr(settings, "LDAP_URI", ""):
        return {
            **common,
            "kind": "ldap", "uri": settings.LDAP_URI, "bind_dn": settings.LDAP_BIND_DN,
            "bind_password": settings.LDAP_BIND_PASSWORD, "base_dn": settings.LDAP_BASE_DN,
            "profile": settings.LDAP_PROFILE, "user_filter": settings.LDAP_USER_FILTER,
            "ca_file": settings.LDAP_CA_FILE, "page_size": settings.LDAP_PAGE_SIZE,
            "start_tls": getattr(settings, "LDAP_START_TLS", False),
            "group_roles": parse_group_roles(getattr(settings, "LDAP_GROUP_ROLES", "")),
        }
    return None


def configured_sources() -> dict[str, SourceConfig]:
    raw = dict(getattr(settings, "LDAP_SOURCES", {}) or {})
    if "default" not in raw and (default := _default_source()):
        raw["default"] = default
    out = {}
    for name, options in raw.items():
        options = dict(options)
        if "disabled_values" in options:
            options["disabled_values"] = tuple(options["disabled_values"])
        out[name] = SourceConfig(name=name, **options)
    return out


def source_config(name: str = "default") -> SourceConfig:
    sources = configured_sources()
    if name not in sources:
        known = ", ".join(sorted(sources)) or "none"
        raise DomainError(
            f"No directory source called '{name}'. Configured sources: {known}. "
            "Set LDAP_URI or LDAP_LDIF_PATH for the default source.", field="source",
        )
    return sources[name]
