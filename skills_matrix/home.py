"""Home page "my tasks" from skills: an open self-assessment to complete, assessments and evidence to
validate. Three small queries at most."""

from django.urls import reverse

from core.dashboard import Task
from people.selectors import employee_for

from . import selectors
from .models import Assessment


def skills_tasks(user) -> list[Task]:
    me = employee_for(user)
    if me is None:
        return []
    tasks = []
    campaign = selectors.open_campaigns_for(me).exclude(
        assessments__employee=me, assessments__status__in=[Assessment.Status.SUBMITTED, Assessment.Status.VALIDATED]
    ).order_by("closes_on").first()
    if campaign is not None:
        tasks.append(Task(
            title="Complete your skills self-assessment", url=reverse("skills_matrix:my_skills"),
            hint=f"{campaign.name}: closes {campaign.closes_on:%-d %B %Y}", order=20,
        ))
    waiting = selectors.assessments_to_validate(user).count() + selectors.evidence_to_validate(user).count()
    if waiting:
        tasks.append(Task(
            title=f"{waiting} assessment{'s' if waiting != 1 else ''} to validate",
            url=reverse("skills_matrix:validation_queue"), count=waiting, order=25,
        ))
    return tasks
