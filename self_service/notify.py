"""Email notifications. Sent after the transaction commits, so nobody is told about a change that was
rolled back. The demo uses the console backend; tests read Django's locmem outbox."""

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse


def _send(to: list[str], subject: str, body: str) -> None:
    to = [a for a in to if a]
    if not to:
        return
    transaction.on_commit(
        lambda: send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, to, fail_silently=True)
    )


def _link(request) -> str:
    return reverse("self_service:detail", args=[request.pk])


def waiting_for_approval(request, approver, *, reminder=False, escalated=False) -> None:
    if approver is None:
        return
    lead = "Reminder: a" if reminder else "A"
    if escalated:
        lead = "Escalated: a"
    _send([approver.email], f"{lead} request is waiting for your approval",
          f"{request.employee.display_name}'s {request.type.name.lower()} ({request.reference}) is waiting for "
          f"your decision.\n\nOpen it on the intranet: {_link(request)}")


def waiting_for_role(request, role: str) -> None:
    """A request routed to a role queue (HR, Payroll): tell the people in that role, except the
    employee it concerns."""
    from django.contrib.auth import get_user_model

    emails = list(
        get_user_model().objects.filter(groups__name=role, is_active=True).exclude(pk=request.employee.user_id)
        .exclude(email="").values_list("email", flat=True)
    )
    for email in emails:
        _send([email], f"A {request.type.name.lower()} is waiting in the {role} queue",
              f"{request.reference} is waiting for a decision by {role}.\n\nOpen it on the intranet: {_link(request)}")


def decided(request, decision_label: str) -> None:
    _send([request.employee.email], f"Your {request.type.name.lower()} request was {decision_label}",
          f"Your request {request.reference} was {decision_label}.\n\nSee the details: {_link(request)}")


def bank_details_change_requested(request, email: str) -> None:
    """To the email already on the record (not one given with the change), so a fraudster changing
    someone's bank details cannot hide it from them."""
    _send([email], "A change to your bank details was requested",
          f"Someone asked to change the bank account your pay goes into ({request.reference}).\n\n"
          "If this was you, you need do nothing. If it was not, contact Payroll today.")
