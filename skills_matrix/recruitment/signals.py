"""Hand-over hooks: when a hired applicant appears in the staff directory (matched by employee number
or email), their results become starting evidence.

Two triggers, both queueing `recruitment.hand_over_*` after commit:
- a new Employee saved one by one (HR creating a record): post_save on Employee;
- a directory sync run whose changes are in (`ldap_sync.signals.directory_sync_applied`, sent after
  commit): the sync writes employees in bulk, without per-row signals.
The hourly `recruitment.hand_over_hired` task catches anything both miss (e.g. a broker outage).
Both are connected in RecruitmentConfig.ready().
"""

from django.db import transaction

from people.models import Employee

from .tasks import hand_over_for_employee, hand_over_hired


def employee_created(sender, instance: Employee, created: bool, raw: bool = False, **kwargs):
    if not created or raw or not (instance.email or instance.employee_number):
        return
    employee_id = instance.pk
    # robust: a broker outage must not break whatever created the employee; the hourly task catches up.
    transaction.on_commit(lambda: hand_over_for_employee.delay(employee_id), robust=True)


def hand_over_after_directory_sync(sender, run_id: int, **kwargs):
    """Sent after the sync's commit, through send_robust: a broker outage is logged by the sender and
    the hourly task catches up."""
    hand_over_hired.delay()
