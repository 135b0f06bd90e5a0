"""Hand-over hooks: when a hired applicant appears in the staff directory (matched by employee number
or email), their results become starting evidence.

Two triggers, both queueing `recruitment.hand_over_*` after commit:
- a new Employee saved one by one (HR creating a record): post_save on Employee;
- a directory sync run that finished: the sync writes employees in bulk (no per-row signals), so we
  listen for its SyncRun being saved as applied or confirmed.
The hourly `recruitment.hand_over_hired` task catches anything both miss (e.g. a broker outage).
"""

from django.apps import apps
from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from people.models import Employee

SYNC_DONE = {"applied", "confirmed"}


@receiver(post_save, sender=Employee, dispatch_uid="recruitment_hand_over_new_employee")
def employee_created(sender, instance: Employee, created: bool, raw: bool = False, **kwargs):
    if not created or raw or not (instance.email or instance.employee_number):
        return
    from .tasks import hand_over_for_employee

    employee_id = instance.pk
    # robust: a broker outage must not break whatever created the employee; the hourly task catches up.
    transaction.on_commit(lambda: hand_over_for_employee.delay(employee_id), robust=True)


def directory_sync_finished(sender, instance, raw: bool = False, **kwargs):
    if raw or getattr(instance, "status", None) not in SYNC_DONE or getattr(instance, "dry_run", False):
        return
    from .tasks import hand_over_hired

    transaction.on_commit(hand_over_hired.delay, robust=True)


def connect_directory_sync_hook() -> None:
    """Called from AppConfig.ready(); does nothing when the directory sync app is not installed."""
    if not apps.is_installed("ldap_sync"):
        return
    try:
        sync_run = apps.get_model("ldap_sync", "SyncRun")
    except LookupError:
        return
    post_save.connect(directory_sync_finished, sender=sync_run, dispatch_uid="recruitment_hand_over_after_sync")
