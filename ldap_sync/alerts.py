"""Alert emails to the intranet admins when an unattended directory sync needs a person: it failed
(after its retries), or it is held with leavers waiting for confirmation. Called from tasks.py, the
scheduled path; a sync started from the page or the command shows its outcome to whoever started it.

Sent through core.mail.mail_on_commit like every email, so a mail outage is retried, not lost.
"""

import logging

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.urls import reverse

from core.mail import mail_on_commit
from people import roles

from .models import SyncRun

log = logging.getLogger(__name__)


def intranet_admin_emails() -> list[str]:
    users = get_user_model().objects.filter(Q(groups__name=roles.INTRANET_ADMIN) | Q(is_superuser=True),
                                            is_active=True).exclude(email="")
    return sorted(set(users.values_list("email", flat=True)))


def sync_run_alert(run: SyncRun | None) -> bool:
    """Email the intranet admins about a failed or held run; any other run needs no one. Returns
    whether an alert was queued."""
    if run is None or run.status not in (SyncRun.Status.FAILED, SyncRun.Status.HELD):
        return False
    to = intranet_admin_emails()
    if not to:
        log.error("directory sync run %s is %s and there is no intranet admin with an email to tell",
                  run.pk, run.status)
        return False
    link = reverse("ldap_sync:run_detail", args=[run.pk])
    if run.status == SyncRun.Status.HELD:
        n, m = len(run.held_deactivations), len(run.held_rematches)
        what = [f"{n} {'leaver' if n == 1 else 'leavers'}"] if n else []
        what += [f"{m} {'re-match' if m == 1 else 're-matches'}"] if m else []
        subject = (f"Directory sync held: {' and '.join(what)} {'needs' if n + m == 1 else 'need'} confirming "
                   f"({run.source})")
        would = " and ".join([*([f"mark {n} people as leavers"] if n else []),
                              *([f"re-match {m} records to new directory entries"] if m else [])])
        body = (f"Directory sync run {run.pk} of '{run.source}' would {would}, more than the safety limit, so it "
                f"has applied nothing.\n\n{run.message}\n\nCheck the list and confirm it, or fix the directory: "
                f"{link}")
    else:
        subject = f"Directory sync failed ({run.source})"
        body = (f"Directory sync run {run.pk} of '{run.source}' failed and changed nothing.\n\n{run.message}\n\n"
                f"Staff changes in the directory are not reaching the intranet until a run succeeds. "
                f"Details: {link}")
    log.warning("directory sync run %s %s: alerting %d intranet admins", run.pk, run.status, len(to))
    mail_on_commit(subject=subject, body=body, to=to)
    return True


def last_failed_run(source: str) -> SyncRun | None:
    """The run directory_sync recorded as failed just before it raised."""
    return SyncRun.objects.filter(source=source, status=SyncRun.Status.FAILED).order_by("-pk").first()
