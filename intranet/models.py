from django.db import models


class BeatScheduleDefault(models.Model):
    """The schedule a default beat entry (settings.CELERY_BEAT_SCHEDULE) had when it was last
    installed into django-celery-beat, so a restart can tell an admin's change (keep it) from an
    entry nobody touched (give it the current default). See intranet/beat.py."""

    name = models.CharField(max_length=200, unique=True)
    schedule = models.CharField(max_length=300)
    installed_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"{self.name}: {self.schedule}"
