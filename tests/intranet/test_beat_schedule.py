"""Every default beat entry names a task the worker knows, so a moved or renamed task fails here
rather than silently never running."""

from django.conf import settings

from intranet.celery import app


def test_every_beat_entry_names_a_registered_task():
    app.loader.import_default_modules()
    known = set(app.tasks)
    entries = {name: entry["task"] for name, entry in settings.CELERY_BEAT_SCHEDULE.items()}
    assert {name: task for name, task in entries.items() if task not in known} == {}
    # the entries that apps used to add from ready() are still there, now in settings
    assert {"recruitment-retention-purge", "reporting-monthly-snapshot", "reporting-monthly-portfolio-pdfs",
            "reporting-prepared-refresh",
            "ldap-sync-nightly-full", "self-service-reminders-and-escalations"} <= set(entries)


def test_the_mail_task_is_registered():
    app.loader.import_default_modules()
    assert "core.mail_send" in app.tasks
