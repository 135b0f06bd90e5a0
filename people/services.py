"""Writes about people. Each function is one atomic change with its audit entry."""

import hashlib
import io

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageOps, UnidentifiedImageError

from .audit import audit_record, diff
from .models import AuditEntry, Employee

# The fields an employee may change on their own record without HR. Everything else (names, job,
# grade, team, manager) comes from HR or the directory.
SELF_EDITABLE_FIELDS = ("preferred_name", "work_phone", "mobile_phone", "location", "work_style")


def _snapshot(employee: Employee, fields) -> dict:
    return {f: getattr(employee, f) for f in fields}


@transaction.atomic
def employee_update_own_details(*, user, employee: Employee, data: dict, channel=AuditEntry.Channel.ONLINE) -> Employee:
    """Change the self-editable fields of the signed-in user's own record.

    Raises ValidationError naming any field outside SELF_EDITABLE_FIELDS, and PermissionDenied when
    the record is not the user's own.
    """
    if employee.user_id != user.pk:
        raise PermissionDenied("You can only change your own details.")
    not_allowed = sorted(set(data) - set(SELF_EDITABLE_FIELDS))
    if not_allowed:
        raise ValidationError(
            dict.fromkeys(not_allowed, "You cannot change this yourself. Ask HR or your line manager to update it.")
        )
    employee = Employee.objects.select_for_update().get(pk=employee.pk)
    before = _snapshot(employee, data.keys())
    for field, value in data.items():
        setattr(employee, field, value)
    # Validate only what the employee changed: a directory-synced value elsewhere on the record that
    # breaks a newer rule must not stop someone fixing their own phone number.
    employee.full_clean(
        exclude=[f.name for f in Employee._meta.concrete_fields if f.name not in data], validate_unique=False
    )
    changes = diff(before, _snapshot(employee, data.keys()))
    if changes:
        employee.save(update_fields=[*changes.keys(), "updated_at"])
        audit_record(
            actor=user, action="employee.details_updated", target=employee, subject=employee,
            changes=changes, channel=channel,
        )
    return employee


def _resized_jpeg(upload) -> bytes:
    """Validate an uploaded photo and return it as a square-ish JPEG no larger than the setting."""
    if upload.size > settings.PROFILE_PHOTO_MAX_BYTES:
        raise ValidationError({"photo": "The photo must be smaller than 5 MB."})
    try:
        image = Image.open(upload)
        image.verify()  # detects truncated and non-image files
        upload.seek(0)
        image = Image.open(upload)
        if image.format not in {"JPEG", "PNG", "GIF", "WEBP"}:
            raise ValidationError({"photo": "The photo must be a JPG, PNG, GIF or WebP image."})
        if image.width * image.height > 40_000_000:
            raise ValidationError({"photo": "The photo is too large in pixels. Use one under 40 megapixels."})
        image = ImageOps.exif_transpose(image).convert("RGB")
    except (UnidentifiedImageError, OSError, SyntaxError) as exc:
        raise ValidationError({"photo": "The selected file is not an image. Choose a JPG or PNG photo."}) from exc
    image.thumbnail((settings.PROFILE_PHOTO_SIZE, settings.PROFILE_PHOTO_SIZE))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85, optimize=True)
    return out.getvalue()


@transaction.atomic
def employee_set_photo(*, user, employee: Employee, upload, channel=AuditEntry.Channel.ONLINE) -> Employee:
    if employee.user_id != user.pk:
        raise PermissionDenied("You can only change your own photo.")
    data = _resized_jpeg(upload)
    digest = hashlib.sha256(data).hexdigest()
    employee = Employee.objects.select_for_update().get(pk=employee.pk)
    old_name = employee.photo.name if employee.photo else ""
    employee.photo.save(f"{employee.pk}-{digest[:12]}.jpg", ContentFile(data), save=False)
    employee.save(update_fields=["photo", "updated_at"])
    audit_record(
        actor=user, action="employee.photo_updated", target=employee, subject=employee,
        changes={"photo": [old_name, employee.photo.name]}, channel=channel,
    )
    return employee


@transaction.atomic
def employee_deactivate(*, actor, employee: Employee, left_on=None, channel=AuditEntry.Channel.SYSTEM, note="") -> Employee:
    """Mark a leaver. Never deletes: their requests, assessments and history stay."""
    employee = Employee.objects.select_for_update().get(pk=employee.pk)
    if not employee.is_active:
        return employee
    employee.is_active = False
    employee.left_on = left_on or timezone.localdate()
    employee.save(update_fields=["is_active", "left_on", "updated_at"])
    if employee.user_id:
        type(employee.user).objects.filter(pk=employee.user_id).update(is_active=False)
    audit_record(
        actor=actor, action="employee.deactivated", target=employee, subject=employee,
        changes={"is_active": [True, False]}, channel=channel, note=note,
    )
    return employee
