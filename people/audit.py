"""`audit_record` is the one way to write an AuditEntry. Call it inside the transaction that makes
the change; it never commits on its own."""

from django.contrib.contenttypes.models import ContentType
from django.db import models

from .models import AuditEntry, Employee

MASK = "••••"


def mask_value(value) -> str:
    """Show only the last four characters of a sensitive value (bank account, sort code)."""
    text = "" if value is None else str(value)
    return MASK + text[-4:] if len(text) > 4 else MASK


def diff(instance_before: dict, instance_after: dict, *, masked: frozenset = frozenset()) -> dict:
    """{"field": [before, after]} for changed fields, masking the sensitive ones."""
    out = {}
    for key, after in instance_after.items():
        before = instance_before.get(key)
        if before != after:
            if key in masked:
                out[key] = [mask_value(before) if before else "", mask_value(after) if after else ""]
            else:
                out[key] = [_jsonable(before), _jsonable(after)]
    return out


def _jsonable(value):
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, models.Model):
        return str(value)
    return str(value)


def audit_record(
    *,
    actor,
    action: str,
    target: models.Model,
    subject: Employee | None = None,
    changes: dict | None = None,
    channel: str = AuditEntry.Channel.ONLINE,
    note: str = "",
) -> AuditEntry:
    return AuditEntry.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        content_type=ContentType.objects.get_for_model(target),
        object_id=str(target.pk),
        target_repr=str(target)[:300],
        subject=subject,
        changes=changes or {},
        channel=channel,
        note=note,
    )


def audit_bulk(entries: list[AuditEntry]) -> None:
    """For batch jobs (directory sync): entries built by the caller, written in one query."""
    AuditEntry.objects.bulk_create(entries, batch_size=1000)


def active_set(*, actor, obj: models.Model, is_active: bool, action: str) -> models.Model:
    """Retire (or restore) a record that has an `is_active` flag: lock its row, flip the flag, audit
    `action` with before and after. Nothing changes, and nothing is audited, when it is already so.
    Call inside the caller's transaction."""
    obj = type(obj).objects.select_for_update().get(pk=obj.pk)
    if obj.is_active != is_active:
        obj.is_active = is_active
        obj.save(update_fields=["is_active"])
        audit_record(actor=actor, action=action, target=obj, changes={"is_active": [not is_active, is_active]})
    return obj
