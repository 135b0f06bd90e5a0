from django.urls import reverse

from core.dashboard import Task

from . import permissions
from .selectors import employee_for, units_waiting_to_be_placed


def people_tasks(user):
    tasks = []
    if permissions.can_manage_org_units(user):
        # Units directory sync created but could not map sit directly under a holding unit until HR
        # places them. One COUNT, asked only for those who can act on it.
        waiting = units_waiting_to_be_placed().count()
        if waiting:
            title = "1 team waiting to be placed" if waiting == 1 else f"{waiting} teams waiting to be placed"
            tasks.append(Task(title, reverse("people:org_unit_manage"), order=40))
    me = employee_for(user)
    if me is not None and not (me.work_phone or me.mobile_phone):
        tasks.append(Task("Add a phone number so colleagues can reach you", reverse("people:my_details"), order=90))
    return tasks
