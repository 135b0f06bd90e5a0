"""Hand-over hook: when a new staff record appears (directory sync or HR creating it), look for a hired
applicant with the same employee number or email. Bulk imports that skip signals are caught by the
hourly `recruitment.hand_over_hired` task."""

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from people.models import Employee


@receiver(post_save, sender=Employee, dispatch_uid="recruitment_hand_over_new_employee")
def employee_created(sender, instance: Employee, created: bool, raw: bool = False, **kwargs):
    if not created or raw or not (instance.email or instance.employee_number):
        return
    from .tasks import hand_over_for_employee

    employee_id = instance.pk
    # robust: a broker outage must not break whatever created the employee; the hourly task catches up.
    transaction.on_commit(lambda: hand_over_for_employee.delay(employee_id), robust=True)
