"""Events other apps may listen to: the directory sync's declared interface (listeners import this
module, never ldap_sync's models).

`directory_sync_applied` is sent after the transaction commits, once a run's changes are in the
staff list for good: a run that applied (not a dry run, not failed, skipped or held), or a held run
whose leavers an admin has just confirmed. Employees are written in bulk, without per-row signals,
so this is how an app hears that people may have joined, changed or left.

Keyword arguments:
- run_id: the SyncRun's id;
- source: the configured source's name;
- status: "applied" or "confirmed".

Receivers run after commit through send_robust: one that raises is logged and neither breaks the
sync nor stops the other receivers. Heavy work belongs in a Celery task the receiver queues.
"""

import logging

from django.db import transaction
from django.dispatch import Signal

log = logging.getLogger(__name__)

directory_sync_applied = Signal()


def directory_sync_applied_on_commit(*, sender, run_id: int, source: str, status: str) -> None:
    """Send `directory_sync_applied` when the current transaction commits (at once outside one)."""

    def send():
        for receiver, result in directory_sync_applied.send_robust(
            sender=sender, run_id=run_id, source=source, status=status
        ):
            if isinstance(result, Exception):
                log.error("directory_sync_applied: receiver %r failed for run %s", receiver, run_id,
                          exc_info=(type(result), result, result.__traceback__))

    transaction.on_commit(send)
