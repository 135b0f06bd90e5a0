"""Attachments (fit notes, receipts, evidence) are kept in private storage: never under MEDIA_ROOT,
which a reverse proxy may serve, with no public URL, and readable only through the permission-checked
download view."""

import importlib
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from self_service import services
from self_service.models import Attachment

pytestmark = pytest.mark.django_db

FIT_NOTE = b"%PDF-1.4 fit note for alice"


@pytest.fixture
def attachment(people, login, rtype):
    """alice's expenses claim with a receipt uploaded through the page, then submitted to her manager."""
    alice = people["alice"]
    req = services.request_create(actor=alice.user, request_type=rtype("mileage-expenses"), employee=alice,
                                  data={"date": "2027-01-05", "claim_type": "Expenses", "amount": "12.50",
                                        "description": "Parking"})
    client = login(alice)
    client.post(reverse("self_service:attachment_upload", args=[req.pk]),
                {"file": SimpleUploadedFile("receipt.pdf", FIT_NOTE)})
    assert client.post(reverse("self_service:transition", args=[req.pk, "submit"])).status_code == 302
    return req.attachments.get()


def test_file_is_written_under_private_media_root_not_media_root(attachment):
    private, public = Path(settings.PRIVATE_MEDIA_ROOT).resolve(), Path(settings.MEDIA_ROOT).resolve()
    assert not private.is_relative_to(public)
    stored = Path(attachment.file.path).resolve()
    assert stored.is_relative_to(private)
    assert stored.read_bytes() == FIT_NOTE
    assert not (public / attachment.file.name).exists()


def test_file_has_no_public_url(attachment):
    with pytest.raises(ValueError, match="no public URL"):
        attachment.file.url  # noqa: B018


@pytest.mark.parametrize("who", ["alice", "manager"])
def test_owner_and_approver_download_through_the_view(people, login, attachment, who):
    resp = login(people[who]).get(reverse("self_service:attachment_download", args=[attachment.pk]))
    assert resp.status_code == 200
    assert resp["Content-Type"] == "application/pdf"
    assert resp["Content-Disposition"].startswith("attachment;")
    assert 'filename="receipt.pdf"' in resp["Content-Disposition"]
    assert b"".join(resp.streaming_content) == FIT_NOTE


def test_another_employee_gets_404(people, login, attachment):
    resp = login(people["dave"]).get(reverse("self_service:attachment_download", args=[attachment.pk]))
    assert resp.status_code == 404
    assert FIT_NOTE not in resp.content


def test_request_page_links_the_view_not_a_media_url(people, login, attachment):
    page = login(people["alice"]).get(reverse("self_service:detail", args=[attachment.request_id])).content.decode()
    assert reverse("self_service:attachment_download", args=[attachment.pk]) in page
    assert settings.MEDIA_URL + attachment.file.name not in page
    assert attachment.file.name.rsplit("/", 1)[-1] not in page


def test_missing_file_is_404_not_500(people, login, attachment):
    Path(attachment.file.path).unlink()
    resp = login(people["alice"]).get(reverse("self_service:attachment_download", args=[attachment.pk]))
    assert resp.status_code == 404


def test_migration_moves_earlier_uploads_out_of_media_root(attachment):
    """Attachments uploaded before private storage sit under MEDIA_ROOT; the migration moves them."""
    public = Path(settings.MEDIA_ROOT) / attachment.file.name
    public.parent.mkdir(parents=True, exist_ok=True)
    Path(attachment.file.path).replace(public)
    migration = importlib.import_module("self_service.migrations.0004_attachments_private_storage")
    migration.move_to_private_media(apps, None)
    assert not public.exists()
    assert Attachment.objects.get(pk=attachment.pk).file.read() == FIT_NOTE
