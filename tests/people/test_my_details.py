"""Changing my own details, through the page and through the API: only the allowed fields, each change
audited with before and after, a clear message naming the field otherwise, and nothing half-written."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from people.models import AuditEntry, Employee

pytestmark = pytest.mark.django_db

URL = reverse("people:my_details")
FORM = {
    "preferred_name": "Ally",
    "work_phone": "01632 960 001",
    "mobile_phone": "",
    "location": "Civic Centre, 2nd floor",
    "work_style": "agile",
}


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def png(width=1200, height=800, colour=(200, 30, 30)) -> SimpleUploadedFile:
    buf = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(buf, "PNG")
    return SimpleUploadedFile("me.png", buf.getvalue(), content_type="image/png")


def fresh(employee) -> Employee:
    return Employee.objects.get(pk=employee.pk)


# ---------------------------------------------------------------- page


def test_my_details_page_shows_my_current_values(people, login):
    alice = people["alice"]
    alice.location = "Town Hall"
    alice.save(update_fields=["location"])
    response = login(alice).get(URL)
    assert response.status_code == 200
    assert 'value="Town Hall"' in response.text
    # Only the self-editable fields are on the form.
    for forbidden in ("job_title", "grade", "line_manager", "org_unit"):
        assert f'name="{forbidden}"' not in response.text


def test_allowed_changes_are_saved_and_audited(people, login):
    alice = people["alice"]
    response = login(alice).post(URL, FORM, follow=True)
    assert response.redirect_chain[-1][0] == reverse("people:profile", args=[alice.pk])
    assert "Your details have been updated." in response.text
    alice = fresh(alice)
    assert (alice.preferred_name, alice.work_phone, alice.location, alice.work_style) == (
        "Ally", "01632 960 001", "Civic Centre, 2nd floor", "agile",
    )
    entry = AuditEntry.objects.get(subject=alice, action="employee.details_updated")
    assert entry.actor == alice.user
    assert entry.channel == AuditEntry.Channel.ONLINE
    assert entry.changes["work_phone"] == ["", "01632 960 001"]
    assert entry.changes["work_style"] == ["static", "agile"]
    # The directory search picks up the new preferred name straight away.
    assert "ally" in alice.search_text
    # The history on the profile page says it in words.
    assert "Details updated" in response.text
    assert "Work phone" in response.text


def test_saving_unchanged_details_writes_no_audit_entry(people, login):
    alice = people["alice"]
    client = login(alice)
    client.post(URL, FORM)
    client.post(URL, FORM)
    assert AuditEntry.objects.filter(subject=alice, action="employee.details_updated").count() == 1


def test_invalid_phone_shows_error_summary_naming_the_field(people, login):
    alice = people["alice"]
    response = login(alice).post(URL, {**FORM, "work_phone": "call me maybe"})
    assert response.status_code == 200
    html = response.text
    assert response.context["form"].errors["work_phone"]
    assert "There is a problem" in html
    assert '<a href="#id_work_phone">Enter a phone number' in html
    assert 'aria-describedby="id_work_phone-error"' in html
    assert "<title>Error: Update my details" in html
    # Nothing was written, not even the valid fields posted alongside.
    assert fresh(alice).preferred_name == ""
    assert not AuditEntry.objects.filter(subject=alice).exists()


def test_disallowed_fields_posted_to_the_page_are_ignored(people, login):
    alice = people["alice"]
    login(alice).post(URL, {**FORM, "job_title": "Chief Executive", "grade": "CEX"})
    alice = fresh(alice)
    assert (alice.job_title, alice.grade) == ("Social Worker", "SO1")
    assert set(AuditEntry.objects.get(subject=alice).changes) <= set(FORM)


def test_photo_upload_is_resized_to_a_small_jpeg(people, login):
    alice = people["alice"]
    response = login(alice).post(URL, {**FORM, "photo": png(1200, 800)})
    assert response.status_code == 302
    alice = fresh(alice)
    assert alice.photo.name.endswith(".jpg")
    with Image.open(alice.photo.path) as img:
        assert img.format == "JPEG"
        assert max(img.size) <= 400
        assert img.size == (400, 267)  # aspect ratio kept
    assert AuditEntry.objects.filter(subject=alice, action="employee.photo_updated").exists()


def test_a_text_file_named_png_is_rejected_with_a_clear_message(people, login):
    alice = people["alice"]
    fake = SimpleUploadedFile("me.png", b"this is not a picture\n" * 10, content_type="image/png")
    response = login(alice).post(URL, {**FORM, "photo": fake})
    assert response.status_code == 200
    assert "The selected file must be a JPG, PNG, GIF or WebP photo" in response.text
    assert '<a href="#id_photo">' in response.text
    alice = fresh(alice)
    assert not alice.photo
    assert alice.work_phone == ""  # the rest of the form was not saved either
    assert not AuditEntry.objects.filter(subject=alice).exists()


def test_a_photo_rejected_by_the_service_leaves_nothing_half_written(people, login, settings):
    # The form accepts the image; the service refuses it (too big), after the details were applied
    # inside the same transaction. Both must be rolled back.
    settings.PROFILE_PHOTO_MAX_BYTES = 100
    alice = people["alice"]
    response = login(alice).post(URL, {**FORM, "photo": png(500, 500)})
    assert response.status_code == 200
    assert "The photo must be smaller than" in response.text
    alice = fresh(alice)
    assert (alice.work_phone, alice.photo.name) == ("", "")
    assert not AuditEntry.objects.filter(subject=alice).exists()


def test_staff_without_an_employee_record_are_told_to_contact_hr(db, client):
    from tests.factories import UserFactory

    client.force_login(UserFactory(username="contractor"))
    response = client.get(URL)
    assert response.status_code == 403
    assert "Contact HR" in response.text


# ---------------------------------------------------------------- API


def test_api_patch_own_allowed_fields(people, api_as):
    bob = people["bob"]
    response = api_as(bob).patch("/api/me/", {"mobile_phone": "07700 900 123", "work_style": "mobile"}, format="json")
    assert response.status_code == 200
    assert response.json()["mobile_phone"] == "07700 900 123"
    bob = fresh(bob)
    assert (bob.mobile_phone, bob.work_style) == ("07700 900 123", "mobile")
    entry = AuditEntry.objects.get(subject=bob, action="employee.details_updated")
    assert entry.channel == AuditEntry.Channel.API
    assert entry.changes == {"mobile_phone": ["", "07700 900 123"], "work_style": ["static", "mobile"]}


@pytest.mark.parametrize("field", ["grade", "job_title", "line_manager", "org_unit", "employee_number", "is_active"])
def test_api_patch_rejects_fields_an_employee_may_not_change(people, api_as, field):
    bob = people["bob"]
    response = api_as(bob).patch("/api/me/", {"work_phone": "01632 960 002", field: "X"}, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert "Ask HR" in response.json()[field][0]
    # Nothing written: not the disallowed field, not the allowed one sent with it.
    bob_after = fresh(bob)
    assert bob_after.work_phone == ""
    assert getattr(bob_after, field) == getattr(bob, field)
    assert not AuditEntry.objects.filter(subject=bob).exists()


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"work_phone": "call me"}, "work_phone"),
        ({"mobile_phone": "0" * 40}, "mobile_phone"),
        ({"work_style": "nomadic"}, "work_style"),
        ({"preferred_name": "x" * 101}, "preferred_name"),
    ],
)
def test_api_patch_invalid_values_name_the_field(people, api_as, payload, field):
    bob = people["bob"]
    response = api_as(bob).patch("/api/me/", payload, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not AuditEntry.objects.filter(subject=bob).exists()


def test_api_patch_cannot_reach_someone_elses_record(people, api_as):
    # /api/me/ always means the caller; there is no id to change, and the records endpoint is read-only.
    manager = people["manager"]
    client = api_as(manager)
    response = client.patch(f"/api/employees/{people['alice'].pk}/", {"work_phone": "01632 960 003"}, format="json")
    assert response.status_code == 405
    assert fresh(people["alice"]).work_phone == ""


def test_service_refuses_to_change_another_persons_details(people):
    from django.core.exceptions import PermissionDenied

    from people import services

    with pytest.raises(PermissionDenied):
        services.employee_update_own_details(user=people["manager"].user, employee=people["alice"], data={"location": "X"})


def test_api_me_for_an_account_without_an_employee_record(db):
    from rest_framework.test import APIClient

    from tests.factories import UserFactory

    client = APIClient()
    client.force_authenticate(UserFactory(username="contractor"))
    assert client.get("/api/me/").status_code == 404
    response = client.patch("/api/me/", {"location": "Depot"}, format="json")
    assert response.status_code == 404
    assert "not linked to an employee record" in response.json()["detail"]


@pytest.mark.parametrize("body", [["work_phone"], "work_phone=1", 42])
def test_api_patch_with_a_body_that_is_not_an_object_is_a_clear_400(people, api_as, body):
    response = api_as(people["bob"]).patch("/api/me/", body, format="json")
    assert response.status_code == 400
    assert not AuditEntry.objects.filter(subject=people["bob"]).exists()
