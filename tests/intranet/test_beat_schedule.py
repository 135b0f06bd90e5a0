"""Every default beat entry names a task the worker knows, so a moved or renamed task fails here
rather than silently never running."""

import pytest
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


def test_daily_jobs_run_at_a_clock_time():
    """A job every 24 hours runs 24 hours after beat last started (a deploy at 15:00 moves it to
    15:00); daily jobs are crontab entries at a time of day."""
    from celery.schedules import crontab, schedule

    slow_intervals = {name: entry["schedule"] for name, entry in settings.CELERY_BEAT_SCHEDULE.items()
                      if not isinstance(entry["schedule"], crontab)
                      and schedule(entry["schedule"]).run_every.total_seconds() >= 6 * 60 * 60}
    assert slow_intervals == {}
    reminders = settings.CELERY_BEAT_SCHEDULE["self-service-reminders-and-escalations"]["schedule"]
    assert reminders.hour == {7} and reminders.minute == {0} and reminders.day_of_week == {1, 2, 3, 4, 5}


@pytest.fixture
def beat_restart(db, monkeypatch):
    """beat_restart() -> what celery beat does at each start: install CELERY_BEAT_SCHEDULE into the
    database with the configured scheduler."""
    from celery.utils.imports import symbol_by_name

    # beat closes "old" connections before reading; inside the test's transaction that would close
    # the test's own connection
    monkeypatch.setattr("django_celery_beat.schedulers.close_old_connections", lambda: None)

    def restart():
        scheduler = symbol_by_name(settings.CELERY_BEAT_SCHEDULER.replace(":", "."))(app=app, lazy=True)
        scheduler.setup_schedule()
        return scheduler

    return restart


NAME = "self-service-reminders-and-escalations"


def test_a_time_changed_in_the_admin_survives_a_beat_restart(beat_restart):
    from django_celery_beat.models import CrontabSchedule, PeriodicTask

    beat_restart()
    task = PeriodicTask.objects.get(name=NAME)
    assert (task.crontab.hour, task.crontab.minute, task.crontab.day_of_week) == ("7", "0", "mon-fri")
    # an admin moves it to 06:15 (a new crontab chosen for the task) ...
    task.crontab = CrontabSchedule.objects.create(minute="15", hour="6", day_of_week="mon-fri", timezone="Europe/London")
    task.save()
    beat_restart()
    task.refresh_from_db()
    assert (task.crontab.hour, task.crontab.minute) == ("6", "15")
    # ... or edits the crontab row itself; a second restart keeps that too
    CrontabSchedule.objects.filter(pk=task.crontab_id).update(hour="5")
    beat_restart()
    beat_restart()
    task.refresh_from_db()
    assert (task.crontab.hour, task.crontab.minute) == ("5", "15")
    assert task.task == "self_service.tasks.approval_reminders_and_escalations"


def test_an_untouched_entry_follows_a_new_default_and_an_old_interval_row_becomes_crontab(beat_restart, settings):
    from celery.schedules import crontab
    from django_celery_beat.models import IntervalSchedule, PeriodicTask

    # as installed by the old stock scheduler: every 24 hours, no default recorded
    every_day = IntervalSchedule.objects.create(every=86400, period=IntervalSchedule.SECONDS)
    PeriodicTask.objects.create(name=NAME, task="self_service.tasks.approval_reminders_and_escalations",
                                interval=every_day)
    beat_restart()
    task = PeriodicTask.objects.get(name=NAME)
    assert task.interval is None and task.crontab.hour == "7"
    # a later release changes the default: an entry nobody changed follows it
    schedule = dict(settings.CELERY_BEAT_SCHEDULE)
    schedule[NAME] = {**schedule[NAME], "schedule": crontab(minute=30, hour=6)}
    app.conf.beat_schedule = schedule
    try:
        beat_restart()
    finally:
        app.conf.beat_schedule = settings.CELERY_BEAT_SCHEDULE
    task.refresh_from_db()
    assert (task.crontab.hour, task.crontab.minute) == ("6", "30")
