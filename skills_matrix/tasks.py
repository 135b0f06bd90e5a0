from celery import shared_task
from django.utils import timezone

from .models import Campaign
from .profile_rules import profile_rules_apply
from .services import campaign_reminder_sent, campaign_send_reminders


@shared_task
def send_campaign_reminders() -> int:
    """Daily (beat): remind people in every open campaign who have not submitted."""
    today = timezone.localdate()
    total = 0
    for campaign_id in Campaign.objects.filter(opens_on__lte=today, closes_on__gte=today).values_list("pk", flat=True):
        total += campaign_send_reminders(campaign_id=campaign_id, today=today)
    return total


@shared_task(name="skills_matrix.campaign_reminder_sent")
def campaign_reminder_sent_record(campaign_id: int, employee_id: int) -> None:
    """The on_sent hook of a campaign reminder: run once the mail server has accepted it."""
    campaign_reminder_sent(campaign_id=campaign_id, employee_id=employee_id)


@shared_task(name="skills_matrix.role_profile_rules_apply")
def role_profile_rules_apply() -> int:
    """After a directory sync: people may have moved unit, title or grade; re-apply the rules."""
    return profile_rules_apply(actor=None)
