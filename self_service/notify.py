"""Email notifications, through `core.mail`: queued when the transaction commits (nobody is told
about a change that was rolled back) to a task that retries a mail outage, so a failure neither
breaks the request nor is lost silently. Links are absolute (`settings.SITE_URL`): an email has no
page to be relative to. The demo uses the console backend; tests read Django's locmem outbox.

A reminder passes `on_sent` (core.mail): it is recorded as sent only once the mail server accepted
it, so an outage leaves it due and the next run sends it again."""

from django.urls import reverse

from core.mail import absolute_url, mail_each_on_commit, mail_on_commit
from people.models import Employee

from .permissions import acting_managers_of


def _send(to: list[str], subject: str, body: str, on_sent=None) -> None:
    mail_on_commit(subject=subject, body=body, to=to, on_sent=on_sent)


def _link(request) -> str:
    return absolute_url(reverse("self_service:detail", args=[request.pk]))


def _lead(reminder: bool, escalated: bool) -> str:
    return "Escalated: a" if escalated else "Reminder: a" if reminder else "A"


def waiting_for_approval(request, approver, *, reminder=False, escalated=False, on_sent=None) -> None:
    """To the approver and whoever is acting manager for them today (one message to all)."""
    if approver is None:
        return
    acting = [e.email for e in acting_managers_of(approver) if e.pk != request.employee_id]
    _send([approver.email, *acting], f"{_lead(reminder, escalated)} request is waiting for your approval",
          f"{request.employee.display_name}'s {request.type.name.lower()} ({request.reference}) is waiting for "
          f"your decision.\n\nOpen it on the intranet: {_link(request)}"
          + (f"\n\nSent to {approver.display_name} and to their acting manager." if acting else ""),
          on_sent=on_sent)


def waiting_for_role(request, role: str, *, reminder=False, escalated=False, on_sent=None) -> None:
    """A request routed to a role queue (HR, Payroll): tell the people in that role, except the
    employee it concerns; escalated, their line managers too (once each)."""
    from django.contrib.auth import get_user_model

    users = get_user_model().objects.filter(groups__name=role, is_active=True).exclude(pk=request.employee.user_id)
    emails = set(users.exclude(email="").values_list("email", flat=True))
    if escalated:
        managers = Employee.objects.filter(direct_reports__user__in=users, is_active=True).exclude(
            pk=request.employee_id).exclude(email="")
        emails |= set(managers.values_list("email", flat=True))
    subject = f"{_lead(reminder, escalated)} {request.type.name.lower()} is waiting in the {role} queue"
    body = f"{request.reference} is waiting for a decision by {role}.\n\nOpen it on the intranet: {_link(request)}"
    # one email each, so one bad address does not hold back the others
    mail_each_on_commit([(subject, body, [email], *([on_sent] if on_sent else [])) for email in sorted(emails)])


def decided(request, decision_label: str) -> None:
    _send([request.employee.email], f"Your {request.type.name.lower()} request was {decision_label}",
          f"Your request {request.reference} was {decision_label}.\n\nSee the details: {_link(request)}")


def delegation_made(delegation) -> None:
    """Tell the acting manager, who otherwise would not know requests are coming to them."""
    d = delegation
    _send([d.delegate.email], f"You are acting manager for {d.manager.display_name}",
          f"{d.manager.display_name} named you acting manager from {d.starts_on:%d %B %Y} to {d.ends_on:%d %B %Y}. "
          "Requests waiting for their decision come to you too, with their reminders.\n\n"
          f"Your approvals: {absolute_url(reverse('self_service:approvals'))}")


def bank_details_change_requested(request, email: str) -> None:
    """To the email already on the record (not one given with the change), so a fraudster changing
    someone's bank details cannot hide it from them."""
    _send([email], "A change to your bank details was requested",
          f"Someone asked to change the bank account your pay goes into ({request.reference}).\n\n"
          "If this was you, you need do nothing. If it was not, contact Payroll today.")
