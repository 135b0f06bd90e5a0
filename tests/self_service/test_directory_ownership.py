"""Who owns each field (issue 11 item 4): the directory's fields are not editable on the intranet
for someone the directory manages, the edit page says where to change them, the sync writes exactly
those fields, and approved personal-details requests are written to the record (audited)."""

import pytest
from django.urls import reverse

from ldap_sync.services import SYNCED_FIELDS
from people import ownership
from people.models import AuditEntry, Employee, PersonalDetails
from self_service import services as ss

pytestmark = pytest.mark.django_db
URL = reverse("people:my_details")


@pytest.fixture
def from_directory(people):
    alice = people["alice"]
    alice.directory_id = "9f1c2d3e-0000-4000-8000-000000000001"
    alice.work_phone = "01632 960 100"
    alice.save(update_fields=["directory_id", "work_phone"])
    return alice


def test_the_sync_writes_exactly_the_fields_the_directory_owns():
    assert set(SYNCED_FIELDS) == {*ownership.synced_columns(), "directory_dn"}
    for intranet_field in ("preferred_name", "location", "work_style"):
        assert intranet_field not in SYNCED_FIELDS


def test_the_edit_page_shows_directory_fields_read_only_with_how_to_change_them(login, from_directory):
    page = login(from_directory).get(URL).content.decode()
    assert "From the council&#x27;s directory" in page or "From the council's directory" in page
    assert 'name="work_phone"' not in page and 'name="mobile_phone"' not in page
    assert "01632 960 100" in page and "Ask the IT service desk" in page
    assert 'name="location"' in page and 'name="preferred_name"' in page


def test_a_directory_phone_cannot_be_changed_on_the_page_or_the_api(login, api_as, from_directory):
    resp = login(from_directory).post(URL, {"preferred_name": "Ally", "work_phone": "01632 960 999",
                                            "location": "Town Hall", "work_style": "agile"})
    assert resp.status_code == 302
    alice = Employee.objects.get(pk=from_directory.pk)
    assert (alice.work_phone, alice.location) == ("01632 960 100", "Town Hall")
    resp = api_as(from_directory).patch("/api/me/", {"work_phone": "01632 960 999"}, format="json")
    assert resp.status_code == 400
    assert "council's directory" in str(resp.json()) and "IT service desk" in str(resp.json())
    assert Employee.objects.get(pk=from_directory.pk).work_phone == "01632 960 100"


def test_someone_the_directory_does_not_manage_still_edits_their_phone(login, people):
    bob = people["bob"]
    assert not bob.directory_id
    login(bob).post(URL, {"preferred_name": "", "work_phone": "01632 960 222", "mobile_phone": "",
                          "location": "", "work_style": "static"})
    assert Employee.objects.get(pk=bob.pk).work_phone == "01632 960 222"


def _approved(people, rtype, who, code, data):
    r = ss.request_create(actor=people[who].user, request_type=rtype(code), employee=people[who], data=data,
                          submit=True)
    return ss.request_approve(actor=people["hr"].user, request=r)


def test_an_approved_change_of_address_is_written_to_the_record_and_audited(people, rtype, login):
    r = _approved(people, rtype, "alice", "home-address",
                  {"address": "1 High Street\nTown", "postcode": "AB1 2CD", "effective_date": "2027-01-04"})
    details = PersonalDetails.objects.get(employee=people["alice"])
    assert (details.home_address, details.home_postcode) == ("1 High Street\nTown", "AB1 2CD")
    entry = AuditEntry.objects.get(action="employee.record_updated", subject=people["alice"])
    assert entry.actor == people["hr"].user and entry.changes["home_postcode"] == ["", "AB1 2CD"]
    assert r.reference in entry.note
    assert "AB1 2CD" in login(people["alice"]).get(URL).content.decode()


def test_emergency_contacts_and_personal_contact_are_written_too(people, rtype):
    _approved(people, rtype, "bob", "emergency-contacts",
              {"contact_name": "Sam Smith", "relationship": "Partner", "contact_phone": "07700 900123"})
    _approved(people, rtype, "bob", "personal-contact", {"personal_phone": "", "personal_email": "bob@home.example"})
    details = PersonalDetails.objects.get(employee=people["bob"])
    assert details.emergency_contact_name == "Sam Smith" and details.emergency_contact_phone == "07700 900123"
    assert (details.personal_email, details.personal_phone) == ("bob@home.example", "")


def _name_change(people, rtype, login, who, password_ok=True):
    from django.core.files.uploadedfile import SimpleUploadedFile

    r = ss.request_create(actor=people[who].user, request_type=rtype("name-change"), employee=people[who],
                          # a surname no generated employee has, so both names really change
                          data={"new_first_name": "Alicia", "new_last_name": "Jones-Okafor",
                                "effective_date": "2027-01-04"})
    login(people[who]).post(reverse("self_service:attachment_upload", args=[r.pk]),
                            {"file": SimpleUploadedFile("deed-poll.pdf", b"%PDF-1.4 deed poll")})
    r = ss.request_submit(actor=people[who].user, request=r)
    return ss.request_approve(actor=people["hr"].user, request=r)


def test_an_approved_change_of_name_changes_the_names_on_the_record(people, rtype, login):
    _name_change(people, rtype, login, "alice")
    alice = Employee.objects.get(pk=people["alice"].pk)
    assert (alice.first_name, alice.last_name) == ("Alicia", "Jones-Okafor")
    assert AuditEntry.objects.get(action="employee.record_updated",
                                  subject=alice).changes["last_name"][1] == "Jones-Okafor"


def test_a_change_of_name_for_someone_the_directory_manages_says_to_change_it_there(people, rtype, login,
                                                                                     from_directory):
    before = (from_directory.first_name, from_directory.last_name)
    r = _name_change(people, rtype, login, "alice")
    alice = Employee.objects.get(pk=from_directory.pk)
    assert (alice.first_name, alice.last_name) == before  # the next sync would undo it
    note = AuditEntry.objects.get(action="request.record_updated", object_id=str(r.pk)).note
    assert "directory owns first name and last name" in note
