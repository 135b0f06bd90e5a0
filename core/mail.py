"""The one path every email takes: `mail_on_commit(...)`.

The message is queued when the surrounding transaction commits (nobody hears of a change that was
rolled back) to the retrying Celery task `core.mail_send`. A mail outage is retried with back-off
and logged; it never breaks the request that caused the email and is never dropped silently. When
the broker itself cannot take the task, the message is sent in-process as a last resort and any
failure is logged with its recipients and subject.

Attachments are `(filename, content, mimetype)`; bytes are carried base64-encoded so the task
payload stays JSON.

`on_sent` (optional): a Celery signature, e.g. `after_sent("training.assignments_reminded", ids)`,
run once the mail backend has accepted the message and never if it gives up. Work that must only
happen when the email really went (marking a reminder sent) goes there, so a mail outage leaves the
reminder unsent and the next run tries again. It is named, not imported, so an app's services need
not import its tasks. A failing hook is logged; the email is not sent again for it.
"""

import base64
import datetime as dt
import logging
import smtplib
from collections.abc import Iterable

from celery import current_app, shared_task, signature
from django.conf import settings
from django.db import transaction

log = logging.getLogger(__name__)


def absolute_url(path: str) -> str:
    """`path` (from `reverse`) as a link that works from an email: on `settings.SITE_URL`."""
    return settings.SITE_URL.rstrip("/") + path


def after_sent(task_name: str, *args, **kwargs):
    """The `on_sent` hook that queues task `task_name` with these (JSON) arguments."""
    return signature(task_name, args=args, kwargs=kwargs, immutable=True)


def _payload(subject, body, to, from_email, attachments, reply_to, on_sent=None) -> dict:
    packed = []
    for name, content, mimetype in attachments or ():
        if isinstance(content, bytes):
            packed.append([name, base64.b64encode(content).decode("ascii"), mimetype, "base64"])
        else:
            packed.append([name, content, mimetype, "text"])
    return {
        "subject": subject,
        "body": body,
        "to": list(to),
        "from_email": from_email or settings.DEFAULT_FROM_EMAIL,
        "attachments": packed,
        "reply_to": list(reply_to or []),
        "on_sent": dict(on_sent) if on_sent else None,
    }


def message_from_payload(payload: dict):
    from django.core.mail import EmailMessage

    msg = EmailMessage(
        payload["subject"], payload["body"], payload["from_email"], payload["to"],
        reply_to=payload.get("reply_to") or None,
    )
    for name, content, mimetype, encoding in payload.get("attachments", []):
        msg.attach(name, base64.b64decode(content) if encoding == "base64" else content, mimetype)
    return msg


def mail_on_commit(
    *,
    subject: str,
    body: str,
    to: Iterable[str],
    from_email: str | None = None,
    attachments: Iterable[tuple[str, str | bytes, str]] = (),
    reply_to: Iterable[str] | None = None,
    on_sent=None,
) -> None:
    """Queue one email (one message to all of `to`) for after the current transaction commits.
    Empty addresses are dropped; with none left nothing is sent (and `on_sent` does not run)."""
    recipients = [a for a in to if a]
    if not recipients:
        return
    payload = _payload(subject, body, recipients, from_email, attachments, reply_to, on_sent)
    transaction.on_commit(lambda: _enqueue(payload))


def mail_each_on_commit(messages: Iterable[tuple], **kwargs) -> None:
    """One queued email per `(subject, body, to)` or `(subject, body, to, on_sent)`: so one bad
    address or one failure does not hold back the others."""
    for subject, body, to, *hook in messages:
        mail_on_commit(subject=subject, body=body, to=to, **({"on_sent": hook[0]} if hook else {}), **kwargs)


_task_modules_loaded = False


def _load_task_modules(app) -> None:
    """A web process (or the tests) may not have imported every app's tasks.py yet; a worker has.
    Imported as the worker's autodiscovery does (without its set-up signals), once per process."""
    global _task_modules_loaded
    if not _task_modules_loaded:
        from django.apps import apps

        app.loader.autodiscover_tasks([c.name for c in apps.get_app_configs()])
        _task_modules_loaded = True


def _after_sent(payload: dict, *, in_process: bool = False) -> None:
    hook = payload.get("on_sent")
    if not hook:
        return
    try:
        sig = signature(hook)
        app = current_app
        if sig.task not in app.tasks:
            _load_task_modules(app)
        task = app.tasks[sig.task]  # an unknown name is an error here, not a message to nobody
        task.apply(sig.args, sig.kwargs) if in_process else task.apply_async(sig.args, sig.kwargs)
    except Exception:  # noqa: BLE001 - the email went: never send it again because its hook failed
        log.exception("mail: %r to %s was sent but its on_sent hook %s failed",
                      payload["subject"], payload["to"], hook.get("task"))


def _enqueue(payload: dict) -> None:
    try:
        mail_send.delay(payload)
    except Exception:  # noqa: BLE001 - the broker is down: send now rather than lose the email
        if settings.CELERY_TASK_ALWAYS_EAGER:  # the task itself ran, retried and gave up (logged)
            return
        log.exception("mail: could not queue %r to %s; sending in-process", payload["subject"], payload["to"])
        try:
            message_from_payload(payload).send(fail_silently=False)
        except Exception:  # noqa: BLE001
            log.exception("mail: sending %r to %s failed and could not be queued", payload["subject"], payload["to"])
            return
        _after_sent(payload, in_process=True)


MAIL_MAX_RETRIES = 8  # back-off 30 s, 60 s, ... capped at 1 h
# How long a queued email may still be retrying: after this it has been sent or given up (the sum
# of the back-offs, about two hours, with room for a busy queue). Jobs that re-queue unsent
# reminders wait this long, so they do not send a second copy of one still being retried.
MAIL_RETRY_WINDOW = dt.timedelta(seconds=2 * sum(min(30 * 2**n, 3600) for n in range(MAIL_MAX_RETRIES)))


@shared_task(bind=True, name="core.mail_send", max_retries=MAIL_MAX_RETRIES, acks_late=True)
def mail_send(self, payload: dict) -> int:
    """Send one queued email. SMTP and network errors are retried with back-off; the last failure
    is logged with the recipients and subject so an operator can resend. Run eagerly (the demo,
    the tests) there is no worker to come back later, so the retries happen at once. Once the
    backend accepts the message, its `on_sent` hook (if any) is queued."""
    tries = self.request.retries
    while True:
        try:
            sent = message_from_payload(payload).send(fail_silently=False)
        except (smtplib.SMTPException, OSError) as exc:
            if tries >= self.max_retries:
                log.error("mail: giving up on %r to %s after %d tries: %s",
                          payload["subject"], payload["to"], tries + 1, exc)
                raise
            log.warning("mail: %r to %s failed (%s); retrying", payload["subject"], payload["to"], exc)
            if not self.request.is_eager:
                raise self.retry(exc=exc, countdown=min(30 * 2**tries, 3600)) from exc
            tries += 1
        else:
            _after_sent(payload)
            return sent
