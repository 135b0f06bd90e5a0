import logging

from django.conf import settings
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from core.dashboard import home_blocks_for, tasks_for
from people.selectors import employee_for

log = logging.getLogger(__name__)


def home(request):
    return render(
        request,
        "home.html",
        {"me": employee_for(request.user), "tasks": tasks_for(request.user), "home_blocks": home_blocks_for(request.user)},
    )


def accessibility(request):
    return render(request, "accessibility.html")


def _check_broker() -> tuple[bool, str]:
    if settings.CELERY_TASK_ALWAYS_EAGER and settings.CELERY_BROKER_URL.startswith("memory"):
        return True, "eager (no broker in this environment)"
    try:
        import redis

        client = redis.Redis.from_url(settings.CELERY_BROKER_URL, socket_connect_timeout=2, socket_timeout=2)
        client.ping()
        return True, "ok"
    except Exception as exc:  # noqa: BLE001 - any failure means unhealthy
        log.warning("health: broker check failed: %s", exc)
        return False, "unreachable"


@never_cache
@require_GET
def healthz(request):
    """For load balancers and compose: 200 when the database and the broker answer, 503 otherwise."""
    checks = {}
    try:
        with connection.cursor() as cur:
            cur.execute("SELECT 1")
            cur.fetchone()
        checks["database"] = "ok"
    except Exception as exc:  # noqa: BLE001
        log.warning("health: database check failed: %s", exc)
        checks["database"] = "unreachable"
    ok, checks["broker"] = _check_broker()
    healthy = checks["database"] == "ok" and ok
    return JsonResponse({"status": "ok" if healthy else "unhealthy", "checks": checks}, status=200 if healthy else 503)


def _api_error(request, status: int, detail: str):
    """Under /api/ an error answers in the API's own shape (core.api.exceptions): a client parsing
    JSON never gets an HTML page, even for a URL no view matched (an id that is not an id)."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": detail}, status=status)
    return None


def error_403(request, exception=None):
    return _api_error(request, 403, str(exception or "") or "You do not have permission to do this.") or render(
        request, "errors/403.html", {"reason": str(exception or "")}, status=403)


def error_404(request, exception=None):
    return _api_error(request, 404, "Not found.") or render(request, "errors/404.html", status=404)


def error_500(request):
    return _api_error(request, 500, "Sorry, there is a problem with the service.") or render(
        request, "errors/500.html", status=500)
