"""The sign-in account a first directory sign-in creates, linked to the synced employee."""

from django.db import transaction

from people.audit import audit_record
from people.models import AuditEntry, Employee


@transaction.atomic
def employee_account_link(*, employee: Employee, user) -> bool:
    """Link the account a first directory sign-in created to the synced employee, and audit it. The
    conditional UPDATE means two first sign-ins at once cannot both link; returns whether this one did."""
    if not Employee.objects.filter(pk=employee.pk, user__isnull=True).update(user=user):
        return False
    employee.user = user
    audit_record(actor=user, action="employee.account_linked", target=employee, subject=employee,
                 changes={"user": [None, user.get_username()]}, channel=AuditEntry.Channel.DIRECTORY,
                 note="First sign-in through the directory")
    return True
