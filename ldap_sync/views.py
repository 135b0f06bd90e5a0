from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from core.errors import DomainError

from . import selectors, services
from .config import configured_sources, source_config
from .models import SyncRun
from .permissions import can_manage_sync
from .sources import DirectoryUnavailable

RUNS_PAGE_SIZE = 25
COUNT_LABELS = [
    ("read", "Entries read"), ("created", "Created"), ("updated", "Updated"), ("moved", "Moved"),
    ("renamed", "Renamed"), ("reactivated", "Returners"), ("deactivated", "Leavers deactivated"), ("unchanged", "Unchanged"),
    ("skipped", "Entries skipped"), ("managers_changed", "Line managers changed"),
    ("manager_errors", "Warnings: manager links not followed"), ("units_created", "New units in the holding unit"),
    ("roles_granted", "Roles granted"), ("roles_removed", "Roles removed"),
    ("role_groups_missing", "Role groups not found (their grants kept)"),
    ("rematched", "Re-matched by employee number (new directory id)"),
    ("accounts_updated", "Sign-in names or emails changed"), ("account_errors", "Sign-in names not changed"),
]


def _require_admin(request):
    if not can_manage_sync(request.user):
        raise PermissionDenied("Only intranet admins can see directory sync runs.")


def run_list(request):
    _require_admin(request)
    runs = selectors.sync_runs_visible_to(request.user).defer(
        "errors", "changes", "held_deactivations", "held_rematches")
    page = Paginator(runs, RUNS_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "ldap_sync/run_list.html", {"page": page, "sources": sorted(configured_sources())})


@require_POST
def run_now(request):
    """Run one source now (a dry run when asked), so IT sees a setting's effect at once. A wrong
    setting comes back as the run's one sentence, and the failed run is recorded."""
    _require_admin(request)
    try:
        run = services.directory_sync(config=source_config(request.POST.get("source") or "default"),
                                      full=True, dry_run=bool(request.POST.get("dry_run")), actor=request.user)
    except DirectoryUnavailable as exc:
        messages.error(request, str(exc))
        failed = selectors.sync_runs_visible_to(request.user).filter(status=SyncRun.Status.FAILED).first()
        return redirect("ldap_sync:run_detail", pk=failed.pk) if failed else redirect("ldap_sync:runs")
    except DomainError as exc:
        messages.error(request, str(exc))
        return redirect("ldap_sync:runs")
    messages.success(request, f"Run {run.pk}: {run.get_status_display()}.")
    return redirect("ldap_sync:run_detail", pk=run.pk)


def run_detail(request, pk: int):
    _require_admin(request)
    run = get_object_or_404(selectors.sync_runs_visible_to(request.user), pk=pk)
    counts = [(label, run.counts.get(key, 0)) for key, label in COUNT_LABELS if key in run.counts]
    return render(request, "ldap_sync/run_detail.html", {
        "run": run, "counts": counts, "held": SyncRun.Status.HELD,
        "skipped": run.skipped_entries(), "warnings": run.warnings(),
        "held_leavers": services.held_list(run), "held_rematches": run.held_rematches,
    })


@require_POST
def run_confirm(request, pk: int):
    _require_admin(request)
    try:
        run = services.held_run_confirm(run_id=pk, actor=request.user)
    except DomainError as exc:
        messages.error(request, str(exc))
        return redirect("ldap_sync:run_detail", pk=pk)
    rematched = run.counts.get("rematched", 0)
    messages.success(request, f"{run.counts.get('deactivated', 0)} leavers from run {run.pk} were deactivated"
                     + (f" and {rematched} records re-matched." if rematched else "."))
    return redirect("ldap_sync:run_detail", pk=pk)
