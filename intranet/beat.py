"""Celery beat's scheduler: django-celery-beat's database scheduler, except that a restart keeps
a schedule an admin changed.

django-celery-beat installs `CELERY_BEAT_SCHEDULE` at every start with `update_or_create`, so a
time an admin changed in the admin goes back to the settings' default whenever beat restarts (a
deploy, a reboot). Here each default entry's schedule is recorded when installed
(`intranet.BeatScheduleDefault`); at the next start an entry whose schedule still equals the
recorded default follows the settings (so a new default in the code reaches it), and one whose
schedule differs was changed in the admin and keeps it. The task, arguments and options always
follow the settings: they are code. `enabled` is never touched (an admin may switch a job off).
"""

from django.db import transaction
from django_celery_beat.models import PeriodicTask
from django_celery_beat.schedulers import DatabaseScheduler, ModelEntry

from .models import BeatScheduleDefault

SCHEDULE_FIELDS = tuple(field for _, _, field in ModelEntry.model_schedules)  # crontab, interval, solar, clocked


def schedule_fingerprint(kind: str, schedule) -> str:
    """A schedule row by value (not by id: the admin may edit a crontab row in place)."""
    if schedule is None:
        return ""
    values = [f"{f.name}={getattr(schedule, f.attname)}" for f in schedule._meta.concrete_fields if f.name != "id"]
    return f"{kind}:" + ",".join(values)


def task_fingerprint(task: PeriodicTask) -> str:
    for kind in SCHEDULE_FIELDS:
        if getattr(task, f"{kind}_id"):
            return schedule_fingerprint(kind, getattr(task, kind))
    return ""


class DefaultsKeepingEntry(ModelEntry):
    @classmethod
    def from_entry(cls, name, app=None, **entry):
        fields = cls._unpack_fields(**entry)
        kind = next(k for k in SCHEDULE_FIELDS if fields.get(k) is not None)
        default = schedule_fingerprint(kind, fields[kind])
        with transaction.atomic():
            task = PeriodicTask.objects.select_for_update().filter(name=name).first()
            recorded = BeatScheduleDefault.objects.filter(name=name).values_list("schedule", flat=True).first()
            if task is None:
                task = PeriodicTask.objects.create(name=name, **fields)
            else:
                if recorded is not None and task_fingerprint(task) != recorded:
                    # changed in the admin since it was installed: keep the admin's schedule
                    fields = {k: v for k, v in fields.items() if k not in SCHEDULE_FIELDS}
                for key, value in fields.items():
                    setattr(task, key, value)
                task.save()
            BeatScheduleDefault.objects.update_or_create(name=name, defaults={"schedule": default})
        return cls(task, app=app)


class DefaultsKeepingScheduler(DatabaseScheduler):
    """`CELERY_BEAT_SCHEDULER`: see the module docstring."""

    Entry = DefaultsKeepingEntry
