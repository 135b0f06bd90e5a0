from django.conf import settings

from core.navigation import nav_for


def site(request):
    ctx = {"COUNCIL_NAME": settings.COUNCIL_NAME, "SERVICE_NAME": settings.SERVICE_NAME}
    if getattr(request, "user", None) is not None and request.user.is_authenticated:
        ctx["nav_items"] = nav_for(request)
    return ctx
