from django.urls import reverse

from intranet.dashboard import Task

from .selectors import employee_for


def people_tasks(user):
    me = employee_for(user)
    if me is None:
        return []
    if not (me.work_phone or me.mobile_phone):
        return [Task("Add a phone number so colleagues can reach you", reverse("people:my_details"), order=90)]
    return []
