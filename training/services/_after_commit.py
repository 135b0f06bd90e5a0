"""The services' one way to tell people about a change: after the transaction commits, so a
rolled-back change tells nobody anything."""

from django.db import transaction


def notify_after_commit(fn, *args, **kwargs) -> None:
    """Call `fn(*args, **kwargs)` (a `training.notifications` function) once the change is saved.

    The notification composes its email and hands it to `core.mail.mail_on_commit`, which queues it
    to the retrying mail task. `robust=True`: should composing it fail, the error is logged and the
    request that caused it still succeeds, since the data is already saved."""
    transaction.on_commit(lambda: fn(*args, **kwargs), robust=True)
