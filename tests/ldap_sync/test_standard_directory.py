"""A standard OpenLDAP directory (inetOrgPerson entries under ou=People), built here on the real
slapd, configured with the documented LDAP_* environment variables alone: read through the same
settings module a deployment uses, not a hand-built SourceConfig."""

import importlib.util
import os
import time
from io import StringIO

import ldap
import ldap.modlist
import pytest
from django.core.management import CommandError, call_command

import intranet.settings.base
from ldap_sync.config import parse_group_roles, source_config
from ldap_sync.models import SyncRun
from people.models import AuditEntry, Employee, OrgUnit

from .conftest import SUFFIX, SYNC_DN, SYNC_PW

pytestmark = pytest.mark.django_db
PEOPLE = f"ou=People,{SUFFIX}"


def env_settings(monkeypatch, settings, **env):
    """Set the environment, then run intranet/settings/base.py again and take its LDAP_* values,
    so each variable goes through the parsing a deployment's does."""
    for name in [n for n in os.environ if n.startswith("LDAP_")]:
        monkeypatch.delenv(name)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    spec = importlib.util.spec_from_file_location("settings_from_env", intranet.settings.base.__file__)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    for name in dir(module):
        if name.startswith("LDAP_"):
            setattr(settings, name, getattr(module, name))
    settings.LDAP_SOURCES = {}


def ou(*path):
    """ou("Place", "Planning") -> 'ou=Planning,ou=Place,ou=People,...'."""
    return ",".join([*(f"ou={name}" for name in reversed(path)), PEOPLE])


def inet_person(uid, given, sn, number, parent, **extra):
    attrs = {"objectClass": [b"inetOrgPerson"], "uid": [uid.encode()], "cn": [f"{given} {sn}".encode()],
             "givenName": [given.encode()], "sn": [sn.encode()], "employeeNumber": [number.encode()],
             "mail": [f"{uid}@council.test".encode()]}
    attrs.update({k: [v.encode()] for k, v in extra.items()})
    return f"uid={uid},{parent}", attrs


class StandardDirectory:
    """ou=People with OUs for portfolios and departments, as `slapadd` of a typical council's tree
    would give; cleared before and after each test."""

    def __init__(self, server):
        self.server = server

    def admin(self):
        conn = ldap.initialize(self.server.ldap_uri)
        conn.simple_bind_s(self.server.root_dn, self.server.root_pw)
        return conn

    def clear(self):
        conn = self.admin()
        try:
            found = conn.search_s(PEOPLE, ldap.SCOPE_SUBTREE, "(objectClass=*)", ["1.1"])
        except ldap.NO_SUCH_OBJECT:
            found = []
        for dn, _ in sorted(found, key=lambda r: -len(r[0])):
            conn.delete_s(dn)
        conn.unbind_s()

    def build(self, people, ous=()):
        conn = self.admin()
        conn.add_s(PEOPLE, ldap.modlist.addModlist({"objectClass": [b"organizationalUnit"], "ou": [b"People"]}))
        for path in ous:
            conn.add_s(ou(*path), ldap.modlist.addModlist({"objectClass": [b"organizationalUnit"],
                                                           "ou": [path[-1].encode()]}))
        for dn, attrs in people:
            conn.add_s(dn, ldap.modlist.addModlist(attrs))
        conn.unbind_s()

    def modify(self, dn, **changes):
        conn = self.admin()
        conn.modify_s(dn, [(ldap.MOD_REPLACE, k, [v.encode()]) for k, v in changes.items()])
        conn.unbind_s()

    def move(self, dn, parent):
        conn = self.admin()
        conn.rename_s(dn, dn.split(",", 1)[0], newsuperior=parent)
        conn.unbind_s()


@pytest.fixture
def standard(slapd_server):
    d = StandardDirectory(slapd_server)
    d.clear()
    yield d
    d.clear()


def env_for(server, **more):
    return {"LDAP_URI": server.ldap_uri, "LDAP_BIND_DN": SYNC_DN, "LDAP_BIND_PASSWORD": SYNC_PW,
            "LDAP_BASE_DN": PEOPLE, "LDAP_PAGE_SIZE": "3", "LDAP_INCREMENTAL_MARGIN_SECONDS": "0", **more}


def sync(*args):
    out = StringIO()
    call_command("ldap_sync", *args, stdout=out)
    return SyncRun.objects.order_by("-pk").first(), out.getvalue()


def unit_of(number) -> OrgUnit:
    return Employee.objects.get(employee_number=number).org_unit


def ou_path_layout():
    ous = [("Place",), ("Place", "Planning"), ("Place", "Highways"), ("Adults and Health",),
           ("Adults and Health", "Social Work")]
    people = [inet_person("pat", "Pat", "Planner", "P001", ou("Place", "Planning")),
              inet_person("pete", "Pete", "Plans", "P002", ou("Place", "Planning")),
              inet_person("hal", "Hal", "Roads", "P003", ou("Place", "Highways")),
              inet_person("sue", "Sue", "Social", "P004", ou("Adults and Health", "Social Work"))]
    return people, ous


def flat_layout(attribute):
    return [inet_person("pat", "Pat", "Planner", "P001", PEOPLE, **{attribute: "Planning"}),
            inet_person("pete", "Pete", "Plans", "P002", PEOPLE, **{attribute: "Planning"}),
            inet_person("hal", "Hal", "Roads", "P003", PEOPLE, **{attribute: "Highways"}),
            inet_person("sue", "Sue", "Social", "P004", PEOPLE, **{attribute: "Social Work"})]


def test_the_ou_path_of_the_dn_builds_the_unit_tree_and_an_incremental_run_moves_people(
        standard, slapd_server, org, monkeypatch, settings):
    people, ous = ou_path_layout()
    standard.build(people, ous)
    env_settings(monkeypatch, settings, **env_for(slapd_server))  # no department setting at all

    run, _ = sync("--full")

    assert run.status == SyncRun.Status.APPLIED and run.counts["created"] == 4
    planning = unit_of("P001")
    # ou=Planning,ou=Place,ou=People: Planning under Place (the org tree's own Place); ou=People,
    # the base DN, is not a unit.
    assert planning.name == "Planning" and planning.parent == org["place"]
    assert unit_of("P002") == planning
    assert unit_of("P003") == org["highways"]  # Place > Highways is already in the tree
    assert unit_of("P004") == org["social"]  # Adults and Health > Social Work too
    assert run.counts["units_created"] == 1
    assert not OrgUnit.objects.filter(name__in=["People", "Place"]).exclude(pk=org["place"].pk).exists()

    time.sleep(1.1)  # modifyTimestamp has one-second resolution
    standard.move(f"uid=pete,{ou('Place', 'Planning')}", ou("Place", "Highways"))
    run, _ = sync()

    assert run.kind == SyncRun.Kind.INCREMENTAL and run.counts["moved"] == 1 and run.counts["updated"] == 0
    assert unit_of("P002") == org["highways"] and unit_of("P001") == planning
    audit = AuditEntry.objects.get(subject__employee_number="P002", action="employee.moved")
    assert audit.changes["org_unit"] == ["Planning", "Highways"]


def test_with_no_org_tree_the_ou_path_becomes_a_tree_under_the_holding_unit(standard, slapd_server, db,
                                                                              monkeypatch, settings):
    people, ous = ou_path_layout()
    standard.build(people, ous)
    env_settings(monkeypatch, settings, **env_for(slapd_server))

    run, _ = sync("--full")

    planning = unit_of("P001")
    assert planning.name == "Planning" and planning.parent.name == "Place"
    assert planning.parent.parent.kind == OrgUnit.Kind.HOLDING
    assert unit_of("P003").parent == planning.parent  # one Place for both departments
    assert run.counts["units_created"] == 5  # Place, Planning, Highways, Adults and Health, Social Work


@pytest.mark.parametrize("attribute", ["departmentNumber", "ou"])
def test_a_department_attribute_on_the_entry_feeds_units_and_moves_people(
        standard, slapd_server, org, monkeypatch, settings, attribute):
    standard.build(flat_layout(attribute))
    env_settings(monkeypatch, settings, **env_for(slapd_server))

    sync("--full")

    assert unit_of("P003") == org["highways"] and unit_of("P004") == org["social"]
    planning = unit_of("P001")
    assert planning.name == "Planning" and planning.parent.kind == OrgUnit.Kind.HOLDING

    time.sleep(1.1)
    standard.modify(f"uid=pete,{PEOPLE}", **{attribute: "Highways"})
    run, _ = sync()

    assert run.kind == SyncRun.Kind.INCREMENTAL and run.counts["updated"] == 1
    assert unit_of("P002") == org["highways"]


def test_env_vars_set_the_department_rule_and_attribute_overrides(standard, slapd_server, org, monkeypatch,
                                                                   settings):
    people, ous = ou_path_layout()
    # Each entry also carries an ou and a businessCategory that are not its department.
    people = [(dn, {**attrs, "ou": [b"Staff"], "businessCategory": [b"Highways"]}) for dn, attrs in people]
    standard.build(people, ous)

    env_settings(monkeypatch, settings, **env_for(slapd_server, LDAP_DEPARTMENT_RULE="ou_path"))
    sync("--full")
    assert unit_of("P001").name == "Planning" and unit_of("P004") == org["social"]

    env_settings(monkeypatch, settings, **env_for(
        slapd_server, LDAP_DEPARTMENT_RULE="attribute", LDAP_ATTRIBUTES="department=businessCategory; mobile_phone=pager"))
    assert source_config().attributes == {"department": "businessCategory", "mobile_phone": "pager"}
    sync("--full")
    assert unit_of("P001") == unit_of("P004") == org["highways"]


def test_a_wrong_department_rule_or_attribute_name_is_a_sentence_and_a_failed_run(standard, slapd_server, org,
                                                                                    monkeypatch, settings):
    standard.build(flat_layout("departmentNumber"))
    env_settings(monkeypatch, settings, **env_for(slapd_server, LDAP_DEPARTMENT_RULE="ou-path"))
    with pytest.raises(CommandError, match="LDAP_DEPARTMENT_RULE is 'ou-path': use one of auto, attribute, ou_path"):
        sync("--full")
    assert SyncRun.objects.get().status == SyncRun.Status.FAILED

    env_settings(monkeypatch, settings, **env_for(slapd_server, LDAP_ATTRIBUTES="departmnt=departmentNumber"))
    with pytest.raises(CommandError, match="LDAP_ATTRIBUTES names 'departmnt', which is not one of"):
        sync("--check")
    assert not Employee.objects.exists()


def test_check_prints_which_attribute_fed_units_and_how_many_had_none(standard, slapd_server, org, monkeypatch,
                                                                      settings):
    people = [*flat_layout("departmentNumber")[:3],
              inet_person("nod", "Nia", "Nodept", "P009", PEOPLE),
              inet_person("sue", "Sue", "Social", "P004", ou("Adults and Health", "Social Work"))]
    standard.build(people, [("Adults and Health",), ("Adults and Health", "Social Work")])
    env_settings(monkeypatch, settings, **env_for(slapd_server))

    _, out = sync("--check")

    assert "Read 5 entries" in out
    assert "Org units came from: departmentNumber (3 entries), the OU path of the DN (1 entries)." in out
    assert "1 entries had no department (departmentNumber, ou or an OU below the base DN)" in out
    assert f"no department: uid=nod,{PEOPLE}" in out
    assert "3 units: Planning (2)" in out and "Adults and Health/Social Work (1)" in out
    assert not SyncRun.objects.exists() and not Employee.objects.exists()  # a check changes nothing

    call_command("sync_directory", "--check", stdout=(again := StringIO()))  # the name for it
    assert "Org units came from: departmentNumber" in again.getvalue()


def test_group_roles_separator_agrees_with_the_readme():
    readme = (intranet.settings.base.BASE_DIR / "README.md").read_text()
    example = next(line for line in readme.splitlines() if line.startswith("| `LDAP_GROUP_ROLES`"))
    value = example.split("`")[3]
    assert parse_group_roles(value) == {"CN=HR,OU=Groups,DC=council,DC=local": "HR",
                                        "CN=Payroll,OU=Groups,DC=council,DC=local": "Payroll"}
    env_example = (intranet.settings.base.BASE_DIR / ".env.example").read_text()
    assert "LDAP_DEPARTMENT_RULE=" in env_example and "LDAP_ATTRIBUTES=" in env_example


def test_the_default_rule_is_auto_on_openldap_and_the_department_attribute_on_ad():
    from ldap_sync.config import SourceConfig
    from ldap_sync.profiles import ACTIVE_DIRECTORY, OPENLDAP, OU_PATH

    dn = "CN=Priya Shah,OU=Disabled Users,OU=Staff,DC=council,DC=local"
    ad = {"objectGUID": [bytes(16)], "sn": [b"Shah"], "userAccountControl": [b"512"]}
    config = SourceConfig(name="ad", kind="ldap", profile="ad", base_dn="OU=Staff,DC=council,DC=local")
    assert ACTIVE_DIRECTORY.parse(dn, ad, config).department == ""  # not the OU "Disabled Users"

    ol = {"entryUUID": [b"1d4c6a9e-0000-4000-8000-000000000001"], "sn": [b"Shah"]}
    config = SourceConfig(name="ol", kind="ldap", profile="openldap", base_dn="OU=Staff,DC=council,DC=local")
    entry = OPENLDAP.parse(dn.replace("CN=", "uid="), ol, config)
    assert (entry.department, entry.department_from) == ("Disabled Users", OU_PATH)
