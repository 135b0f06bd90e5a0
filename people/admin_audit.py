"""The Django admin writes the audit trail as the services do: `AuditedAdmin`, a ModelAdmin mixin
every admin of a record we audit uses (tests/people/test_admin_audit.py checks that every admin of
our models does, or is read-only). Each add, change and delete (one by one or the bulk delete
action) leaves an `AuditEntry` with the fields before and after, in the admin's transaction, with
the employee it concerns as its subject, so it shows in their history and in HR's audit search."""

from django.db import transaction

from .audit import audit_record, diff
from .models import Employee


def _value(obj, field):
    if field.is_relation:
        related = getattr(obj, field.name, None)
        return None if related is None else str(related)
    value = field.value_from_object(obj)
    return value.name if hasattr(value, "name") and hasattr(value, "storage") else value


def record_snapshot(obj) -> dict:
    """The record's own fields (foreign keys by their name), for before/after; not the tree's
    bookkeeping columns (django-mptt's lft, rght, tree_id, level), which say nothing to a reader."""
    mptt = getattr(obj, "_mptt_meta", None)
    skip = {"id", "search_text"}
    if mptt is not None:
        skip |= {mptt.left_attr, mptt.right_attr, mptt.tree_id_attr, mptt.level_attr}
    return {f.name: _value(obj, f) for f in obj._meta.concrete_fields if f.name not in skip}


class AuditedAdmin:
    """Mix in before `admin.ModelAdmin`. `audit_masked`: fields shown only by their last four
    characters in the entry."""

    audit_masked: frozenset = frozenset()

    def audit_subject(self, obj) -> Employee | None:
        if isinstance(obj, Employee):
            return obj
        for name in ("employee", "manager"):
            related = getattr(obj, name, None)
            if isinstance(related, Employee):
                return related
        return None

    def _audit_action(self, obj, what: str) -> str:
        return f"{obj._meta.model_name}.admin_{what}"

    def save_model(self, request, obj, form, change):
        before = {}
        if change and obj.pk:
            old = type(obj)._default_manager.filter(pk=obj.pk).first()
            before = record_snapshot(old) if old is not None else {}
        super().save_model(request, obj, form, change)
        changes = diff(before, record_snapshot(obj), masked=self.audit_masked)
        if change and not changes:
            return
        audit_record(actor=request.user, action=self._audit_action(obj, "changed" if change else "added"),
                     target=obj, subject=self.audit_subject(obj), changes=changes, note="In the Django admin.")

    def _audit_delete(self, request, obj):
        gone = {k: [after, before] for k, (before, after) in
                diff({}, record_snapshot(obj), masked=self.audit_masked).items()}  # each field: [was, None]
        audit_record(actor=request.user, action=self._audit_action(obj, "deleted"), target=obj,
                     subject=self.audit_subject(obj), changes=gone, note="In the Django admin.")

    def delete_model(self, request, obj):
        with transaction.atomic():
            self._audit_delete(request, obj)
            super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for obj in queryset:
                self._audit_delete(request, obj)
            super().delete_queryset(request, queryset)
