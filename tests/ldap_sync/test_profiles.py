"""Reading entries: the Active Directory profile on fake entries (no real AD is available to the
test suite), and the rules every profile shares."""

import uuid

import pytest

from ldap_sync.config import SourceConfig
from ldap_sync.profiles import (
    ACTIVE_DIRECTORY,
    OPENLDAP,
    EntryError,
    dn_key,
    guid_to_str,
    ou_path,
)

AD = SourceConfig(name="ad", kind="ldap", profile="ad")
OL = SourceConfig(name="ol", kind="ldap", profile="openldap")
GUID = uuid.UUID("6f9619ff-8b86-d011-b42d-00c04fc964ff")


def ad_entry(**overrides):
    attrs = {
        "objectGUID": [GUID.bytes_le], "employeeID": [b"100234"], "givenName": [b"Priya"], "sn": [b"Shah"],
        "mail": [b"priya.shah@council.example"], "title": [b"Occupational Therapist"],
        "department": [b"Adult Social Care"], "telephoneNumber": [b"+44 20 7946 0123"],
        "manager": [b"CN=Sam Boss,OU=Staff,DC=council,DC=local"], "userAccountControl": [b"512"],
        "uSNChanged": [b"884213"], "thumbnailPhoto": [b"\xff\xd8\xff\xe0fakejpeg"],
    }
    attrs.update(overrides)
    return "CN=Priya Shah,OU=Adults,OU=Staff,DC=council,DC=local", attrs


def test_ad_entry_is_read_with_the_guid_as_a_uuid_string():
    dn, attrs = ad_entry()
    e = ACTIVE_DIRECTORY.parse(dn, attrs, AD)
    # objectGUID is little-endian in its first three fields: the string form AD tools show.
    assert e.directory_id == "6f9619ff-8b86-d011-b42d-00c04fc964ff"
    assert (e.employee_number, e.first_name, e.last_name) == ("100234", "Priya", "Shah")
    assert e.department == "Adult Social Care" and e.work_phone == "+44 20 7946 0123"
    assert e.manager_key == "cn=sam boss,ou=staff,dc=council,dc=local"
    assert e.change_marker == "884213" and not e.disabled
    assert e.photo.startswith(b"\xff\xd8") and len(e.photo_hash) == 64


@pytest.mark.parametrize(("uac", "disabled"), [(b"512", False), (b"514", True), (b"66050", True), (b"66048", False)])
def test_ad_accountdisable_bit_marks_a_leaver(uac, disabled):
    dn, attrs = ad_entry(userAccountControl=[uac])
    assert ACTIVE_DIRECTORY.parse(dn, attrs, AD).disabled is disabled


def test_ad_attribute_names_are_matched_case_insensitively():
    dn, attrs = ad_entry()
    attrs = {k.upper(): v for k, v in attrs.items()}
    assert ACTIVE_DIRECTORY.parse(dn, attrs, AD).last_name == "Shah"


def test_ad_incremental_filter_reads_after_the_last_usn_and_groups_nest():
    assert ACTIVE_DIRECTORY.incremental_filter("884213") == "(uSNChanged>=884214)"
    flt = ACTIVE_DIRECTORY.nested_member_filter("CN=HR Staff,OU=Groups,DC=council,DC=local")
    assert flt == "(memberOf:1.2.840.113556.1.4.1941:=CN=HR Staff,OU=Groups,DC=council,DC=local)"


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        ({"objectGUID": []}, "no stable id"),
        ({"objectGUID": [b"short"]}, "objectGUID is 5 bytes"),
        ({"sn": []}, "no surname"),
        ({"mail": [b"nope"]}, "not an email address"),
        ({"telephoneNumber": [b"ext. 4"]}, "not a phone number"),
        ({"givenName": [b"\xff\xfe"]}, "not valid UTF-8"),
        ({"userAccountControl": [b"lots"]}, "userAccountControl: not a number"),
        ({"employeeID": [b"9" * 40]}, "longer than 32"),
    ],
)
def test_a_bad_ad_entry_says_why(overrides, reason):
    dn, attrs = ad_entry(**overrides)
    with pytest.raises(EntryError, match=reason):
        ACTIVE_DIRECTORY.parse(dn, attrs, AD)


def test_attribute_map_is_configurable():
    dn, attrs = ad_entry(employeeNumber=[b"X-1"])
    config = AD.with_changes(attributes={"employee_number": "employeeNumber"})
    assert ACTIVE_DIRECTORY.parse(dn, attrs, config).employee_number == "X-1"
    assert "employeeNumber" in ACTIVE_DIRECTORY.requested_attributes(config.attributes)


def test_ou_path_rule_names_the_unit_from_the_dn():
    dn, attrs = ad_entry()
    e = ACTIVE_DIRECTORY.parse(dn, attrs, AD.with_changes(department_rule="ou_path"))
    assert e.department == "Staff/Adults"
    assert ou_path("uid=a,ou=Team A,ou=Social Work,dc=c") == "Social Work/Team A"


def test_openldap_disabled_state_is_a_configurable_attribute():
    attrs = {"entryUUID": [b"1d4c6a9e-0000-4000-8000-000000000001"], "sn": [b"Doe"], "employeeType": [b"Leaver"]}
    assert OPENLDAP.parse("uid=d,dc=x", attrs, OL).disabled
    assert not OPENLDAP.parse("uid=d,dc=x", attrs, OL.with_changes(disabled_values=("suspended",))).disabled
    # Strictly after the mark: LDAP has no ">", so ">=" and not "=".
    assert OPENLDAP.incremental_filter("20261127050000Z") == (
        "(&(modifyTimestamp>=20261127050000Z)(!(modifyTimestamp=20261127050000Z)))"
    )


def test_dns_compare_ignoring_case_and_spacing():
    assert dn_key("CN=Sam Boss, OU=Staff,DC=council, DC=local") == dn_key("cn=sam boss,ou=staff,dc=council,dc=local")
    assert guid_to_str(GUID.bytes_le) == str(GUID)


def test_group_roles_from_the_environment_keep_commas_and_equals_in_dns():
    from ldap_sync.config import parse_group_roles

    assert parse_group_roles("CN=HR Staff,OU=Groups,DC=council,DC=local=HR; CN=Pay,DC=c=Payroll") == {
        "CN=HR Staff,OU=Groups,DC=council,DC=local": "HR", "CN=Pay,DC=c": "Payroll",
    }
