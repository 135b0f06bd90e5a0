"""Writes about people. Each function is one atomic change with its audit entry."""

import hashlib
import io

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageOps, UnidentifiedImageError

from . import ownership, permissions
from .audit import audit_record, diff
from .models import AuditEntry, Employee, OrgUnit, PersonalDetails

# The fields an employee may change on their own record without HR, less those the directory owns
# for them (people.ownership). Everything else (names, job, grade, team, manager) is HR's or the directory's.
SELF_EDITABLE_FIELDS = ownership.SELF_EDITABLE_FIELDS


def _snapshot(employee: Employee, fields) -> dict:
    return {f: getattr(employee, f) for f in fields}


@transaction.atomic
def employee_update_own_details(*, user, employee: Employee, data: dict, channel=AuditEntry.Channel.ONLINE) -> Employee:
    """Change the self-editable fields of the signed-in user's own record.

    Raises ValidationError naming any field outside the employee's self-editable fields (a field the
    directory owns for them says where to change it), and PermissionDenied when the record is not
    the user's own.
    """
    if employee.user_id != user.pk:
        raise PermissionDenied("You can only change your own details.")
    employee = Employee.objects.select_for_update().get(pk=employee.pk)
    owned = ownership.directory_owned(employee)
    not_allowed = sorted(set(data) - set(ownership.self_editable_fields(employee)))
    if not_allowed:
        raise ValidationError({
            f: f"This comes from the council's directory, so a change here would be undone. {owned[f]}" if f in owned
            else "You cannot change this yourself. Ask HR or your line manager to update it."
            for f in not_allowed
        })
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


# Where each kind sits in the council's structure; a unit's parent must sit higher (a smaller number).
# Holding units are outside the order: they hold anything until HR places it.
KIND_LEVEL = {
    OrgUnit.Kind.COUNCIL: 0,
    OrgUnit.Kind.PORTFOLIO: 1,
    OrgUnit.Kind.DEPARTMENT: 2,
    OrgUnit.Kind.TEAM: 3,
}


def _fits_under(parent_kind: str, kind: str) -> bool:
    if OrgUnit.Kind.HOLDING in (parent_kind, kind):
        return True
    return KIND_LEVEL[parent_kind] < KIND_LEVEL[kind]


def _unit_snapshot(unit: OrgUnit) -> dict:
    head = unit.head
    return {
        "parent": unit.parent.code if unit.parent_id else None,
        "name": unit.name,
        "kind": unit.kind,
        "head": f"{head.display_name} ({head.employee_number})" if head and head.employee_number
        else (str(head) if head else None),
    }


@transaction.atomic
def org_unit_update(
    *,
    actor,
    unit: OrgUnit,
    name: str | None = None,
    parent: OrgUnit | None = None,
    kind: str | None = None,
    head: Employee | None = None,
    clear_head: bool = False,
    channel=AuditEntry.Channel.ONLINE,
) -> OrgUnit:
    """Rename, re-kind, re-head or move a unit (with everything within it) in the org tree.

    An argument left as None keeps its current value; `clear_head=True` removes the head. Raises
    PermissionDenied unless the actor is HR or an intranet admin, and ValidationError naming the field
    for a move inside the unit itself, a move of the council, or a kind that does not fit.
    """
    if not permissions.can_manage_org_units(actor):
        raise PermissionDenied("Only HR can change how the council is organised.")
    # Moving a unit renumbers the MPTT ranges of its whole tree, so two moves in one tree at once would
    # corrupt it: lock the roots of the trees involved first, then read the unit and parent afresh.
    tree_ids = {unit.tree_id} | ({parent.tree_id} if parent is not None else set())
    list(OrgUnit.objects.select_for_update().filter(tree_id__in=tree_ids, parent=None).values_list("pk", flat=True))
    unit = OrgUnit.objects.select_for_update(of=("self",)).select_related("parent", "head").get(pk=unit.pk)
    if parent is not None:
        parent = OrgUnit.objects.get(pk=parent.pk)
    before = _unit_snapshot(unit)

    new_kind = kind if kind is not None else unit.kind
    if new_kind not in OrgUnit.Kind.values:
        raise ValidationError({"kind": "Select a kind of unit from the list."})
    is_council_root = unit.parent_id is None and unit.kind == OrgUnit.Kind.COUNCIL

    if parent is not None and parent.pk != unit.parent_id:
        if is_council_root:
            raise ValidationError({"parent": "The council is the top of the tree and cannot be moved."})
        if parent.tree_id == unit.tree_id and unit.lft <= parent.lft and parent.rght <= unit.rght:
            raise ValidationError(
                {"parent": f"{unit.name} cannot be placed inside itself or a unit within it. Choose another parent."}
            )
        if not parent.is_active:
            raise ValidationError({"parent": f"{parent.name} is closed. Choose an active unit."})
    new_parent = parent if parent is not None else unit.parent

    if is_council_root and new_kind != OrgUnit.Kind.COUNCIL:
        raise ValidationError({"kind": "The top of the tree must stay the council."})
    if not is_council_root and new_kind == OrgUnit.Kind.COUNCIL:
        raise ValidationError({"kind": "Only the top of the tree can be the council."})
    if new_parent is not None and not _fits_under(new_parent.kind, new_kind):
        raise ValidationError(
            {"parent": f"A {OrgUnit.Kind(new_kind).label.lower()} cannot sit within a "
                       f"{OrgUnit.Kind(new_parent.kind).label.lower()}. Choose a unit higher up."}
        )
    if new_kind != unit.kind:
        misfit = [c for c in unit.get_children() if not _fits_under(new_kind, c.kind)]
        if misfit:
            raise ValidationError(
                {"kind": f"{misfit[0].name} ({misfit[0].get_kind_display().lower()}) sits within this unit, "
                         f"so it cannot become a {OrgUnit.Kind(new_kind).label.lower()}."}
            )

    if name is not None:
        name = name.strip()
        if not name:
            raise ValidationError({"name": "Enter the unit's name."})
        if len(name) > OrgUnit._meta.get_field("name").max_length:
            raise ValidationError({"name": "The name must be 200 characters or fewer."})
    if head is not None and not head.is_active:
        raise ValidationError({"head": f"{head.display_name} has left. Choose someone who works here."})

    updates = []
    if name is not None and name != unit.name:
        unit.name = name
        updates.append("name")
    if new_kind != unit.kind:
        unit.kind = new_kind
        updates.append("kind")
    if clear_head and unit.head_id is not None:
        unit.head = None
        updates.append("head")
    elif head is not None and head.pk != unit.head_id:
        unit.head = head
        updates.append("head")
    if new_parent is not None and new_parent.pk != unit.parent_id:
        # Setting parent and saving (rather than move_to) lets MPTT keep siblings in name order.
        unit.parent = new_parent
        updates.append("parent")
    if not updates:
        return unit
    unit.save(update_fields=updates)
    unit.refresh_from_db()
    changes = diff(before, _unit_snapshot(unit))
    audit_record(actor=actor, action="org_unit.updated", target=unit, subject=None, changes=changes, channel=channel)
    return unit


PERSONAL_FIELDS = ("home_address", "home_postcode", "personal_phone", "personal_email", "emergency_contact_name",
                   "emergency_contact_relationship", "emergency_contact_phone")
NAME_FIELDS = ("first_name", "last_name")


@transaction.atomic
def employee_record_update_from_request(*, actor, employee: Employee, values: dict, source: str,
                                        channel=AuditEntry.Channel.ONLINE) -> list[str]:
    """Write an approved personal-details request (`source`, its reference) to the employee's record:
    personal details (home address, personal contact, emergency contact) and, for a change of name,
    the legal names. Audited with before and after. A name the directory owns for this employee is
    not written (the next sync would put it back): it is returned, for HR to change in the directory.
    Empty values mean "no change" (optional fields left blank on the request)."""
    unknown = sorted(set(values) - set(PERSONAL_FIELDS) - set(NAME_FIELDS))
    if unknown:
        raise ValidationError(dict.fromkeys(unknown, "Not a field of the employee record."))
    values = {k: v for k, v in values.items() if v not in (None, "")}
    employee = Employee.objects.select_for_update().get(pk=employee.pk)
    owned = ownership.directory_owned(employee)
    left_for_directory = [f for f in NAME_FIELDS if f in values and f in owned and values[f] != getattr(employee, f)]
    names = {f: values[f] for f in NAME_FIELDS if f in values and f not in owned}
    personal = {f: values[f] for f in PERSONAL_FIELDS if f in values}
    changes = {}
    if names:
        before = _snapshot(employee, names)
        for field, value in names.items():
            setattr(employee, field, value)
        employee.full_clean(exclude=[f.name for f in Employee._meta.concrete_fields if f.name not in names],
                            validate_unique=False)
        changes |= diff(before, _snapshot(employee, names))
        if changes:
            employee.save(update_fields=[*changes, "updated_at"])  # save() refreshes search_text
    if personal:
        details, _ = PersonalDetails.objects.select_for_update().get_or_create(employee=employee)
        before = _snapshot(details, personal)
        for field, value in personal.items():
            setattr(details, field, value)
        details.full_clean(exclude=["employee"])
        personal_changes = diff(before, _snapshot(details, personal))
        if personal_changes:
            details.save()
            changes |= personal_changes
    if changes or left_for_directory:
        note = f"From {source}."
        if left_for_directory:
            note += (f" {', '.join(f.replace('_', ' ') for f in left_for_directory).capitalize()} not changed here: "
                     "the council's directory owns it; HR change it there.")
        audit_record(actor=actor, action="employee.record_updated", target=employee, subject=employee,
                     changes=changes, channel=channel, note=note)
    return left_for_directory
