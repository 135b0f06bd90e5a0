"""Celery tasks: load by id, call a service. Scheduled by CELERY_BEAT_SCHEDULE (intranet/settings/base.py)."""

from celery import shared_task

from . import services


@shared_task(name="recruitment.retention_purge")
def retention_purge() -> int:
    record = services.applicants_purge()
    return record.applicant_count if record else 0


@shared_task(name="recruitment.close_overdue_attempts")
def close_overdue_attempts() -> int:
    return services.attempts_close_overdue()


@shared_task(name="recruitment.hand_over_hired")
def hand_over_hired() -> int:
    """Run after every directory sync and hourly: hired applicants who now have a staff record."""
    return services.hand_over_hired()


@shared_task(name="recruitment.hand_over_for_employee", bind=True, max_retries=3, default_retry_delay=60)
def hand_over_for_employee(self, employee_id: int) -> int:
    from people.models import Employee

    employee = Employee.objects.filter(pk=employee_id, is_active=True).first()
    if employee is None:
        return 0
    return services.hand_over_hired(employee=employee)
