"""Email notifications, through `core.mail`: queued when the transaction commits (nobody is told
about a change that was rolled back) to a task that retries a mail outage, so a failure neither
breaks the request nor is lost silently. The demo uses the console backend; tests read Django's
locmem outbox."""

from django.urls import reverse

from core.mail import mail_each_on_commit, mail_on_commit


def _send(to: list[str], subject: str, body: str) -> None:
    mail_on_commit(subject=subject, body=body, to=to)


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
    subject = f"A {request.type.name.lower()} is waiting in the {role} queue"
    body = f"{request.reference} is waiting for a decision by {role}.\n\nOpen it on the intranet: {_link(request)}"
    # one email each, so one bad address does not hold back the others
    mail_each_on_commit([(subject, body, [email]) for email in emails])


def decided(request, decision_label: str) -> None:
    _send([request.employee.email], f"Your {request.type.name.lower()} request was {decision_label}",
          f"Your request {request.reference} was {decision_label}.\n\nSee the details: {_link(request)}")


def bank_details_change_requested(request, email: str) -> None:
    """To the email already on the record (not one given with the change), so a fraudster changing
    someone's bank details cannot hide it from them."""
    _send([email], "A change to your bank details was requested",
          f"Someone asked to change the bank account your pay goes into ({request.reference}).\n\n"
          "If this was you, you need do nothing. If it was not, contact Payroll today.")
