"""Pay periods, managed by payroll on their own page (and in the Django admin by intranet admins):
create, change while open, close once paid. Each write is audited."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from core.errors import DomainError
from people.audit import audit_record, diff

from .. import permissions, selectors
from ..models import PayPeriod

PERIOD_FIELDS = ("code", "name", "starts_on", "ends_on", "cutoff_on", "pay_date")


def _values(period: PayPeriod) -> dict:
    return {f: getattr(period, f) for f in PERIOD_FIELDS}


@transaction.atomic
def pay_period_save(*, actor, period: PayPeriod | None, data: dict) -> PayPeriod:
    """Create a period (`period` None) or change an open one. Dates in order, the cut-off within the
    period, the pay date on or after the cut-off, no overlap with another period, a unique code
    (`PayPeriod.clean`); a ValidationError names the field."""
    if not permissions.can_use_payroll(actor):
        raise PermissionDenied("Only payroll can manage pay periods.")
    if period is None:
        period, before = PayPeriod(), {}
    else:
        period = PayPeriod.objects.select_for_update().get(pk=period.pk)
        if period.is_closed:
            raise DomainError(f"{period.name} is closed and can no longer be changed.")
        before = _values(period)
    for field in PERIOD_FIELDS:
        if field in data:
            setattr(period, field, data[field])
    period.full_clean(exclude=["closed_by"])
    period.save()
    audit_record(actor=actor, action="pay_period.saved", target=period, changes=diff(before, _values(period)))
    return period


@transaction.atomic
def pay_period_close(*, actor, period: PayPeriod) -> PayPeriod:
    """Close a paid period: no more imports or exports into it, no more changes. Refused while
    approved changes are still waiting for its export."""
    if not permissions.can_use_payroll(actor):
        raise PermissionDenied("Only payroll can close pay periods.")
    period = PayPeriod.objects.select_for_update().get(pk=period.pk)
    if period.is_closed:
        raise DomainError(f"{period.name} is already closed.")
    waiting = selectors.export_candidates(period).count()
    if waiting:
        raise DomainError(f"{waiting} approved change{'s are' if waiting != 1 else ' is'} still waiting for "
                          f"{period.name}'s export: export {'them' if waiting != 1 else 'it'} before closing the period.")
    period.closed_at, period.closed_by = timezone.now(), actor
    period.save(update_fields=["closed_at", "closed_by"])
    audit_record(actor=actor, action="pay_period.closed", target=period, changes={"closed": [False, True]})
    return period
