"""Celery finds tasks in tasks.py; the mail task lives beside `mail_on_commit`."""

from .mail import mail_send  # noqa: F401
