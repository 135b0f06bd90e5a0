from django.db.models import QuerySet

from .models import SyncRun
from .permissions import can_manage_sync


def sync_runs_visible_to(user) -> QuerySet[SyncRun]:
    """Runs, newest first. Large JSON columns are deferred for lists; details load them."""
    if not can_manage_sync(user):
        return SyncRun.objects.none()
    return SyncRun.objects.select_related("triggered_by", "confirmed_by")


def sync_run_totals() -> list[dict]:
    """Runs per source and status with the latest finish time: what /metrics reports. One GROUP BY."""
    from django.db.models import Count, Max

    return list(SyncRun.objects.order_by().values("source", "status")
                .annotate(runs=Count("id"), last_finished=Max("finished_at")))
