from celery import shared_task
from django.utils import timezone

from .models import Campaign
from .services import campaign_send_reminders


@shared_task
def send_campaign_reminders() -> int:
    """Daily (beat): remind people in every open campaign who have not submitted."""
    today = timezone.localdate()
    total = 0
    for campaign_id in Campaign.objects.filter(opens_on__lte=today, closes_on__gte=today).values_list("pk", flat=True):
        total += campaign_send_reminders(campaign_id=campaign_id, today=today)
    return total
