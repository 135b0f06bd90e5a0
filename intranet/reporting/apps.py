from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "intranet.reporting"
    label = "reporting"
    verbose_name = "Adoption reporting"

    def ready(self):
        from intranet import search
        from intranet.demo import register_demo_seeder
        from intranet.navigation import NavItem, register_nav

        from . import demo, permissions

        # Site search lives in the project package, which has no ready() of its own to register in.
        search.register_builtin_providers()
        search.register_help_page(
            "Understanding the adoption dashboard", "reporting:dashboard",
            "What each adoption figure means, how portfolios compare and how to download the monthly PDF.",
            "reporting metrics figures kpi digital take-up channel shift",
            visible=permissions.can_view_reporting,
        )
        register_nav(NavItem("Search", "search:results", order=90, prefix="/search/"))
        _beat_schedule()
        register_demo_seeder("reporting", demo.seed_reporting, order=1000)  # last: reads everyone else's data
        register_nav(NavItem("Reporting", "reporting:dashboard", order=80, prefix="/reporting/",
                             visible=permissions.can_view_reporting))


def _beat_schedule():
    """Defaults for django-celery-beat (admins can change the times afterwards): snapshot last
    month early on the 1st, then email the portfolio PDFs once the snapshot is in."""
    from celery.schedules import crontab
    from django.conf import settings

    schedule = getattr(settings, "CELERY_BEAT_SCHEDULE", None)
    if isinstance(schedule, dict):
        schedule.setdefault(
            "reporting-monthly-snapshot",
            {"task": "reporting.snapshot_take", "schedule": crontab(minute=0, hour=2, day_of_month=1)},
        )
        schedule.setdefault(
            "reporting-nightly-current-month",
            {"task": "reporting.snapshot_current_month", "schedule": crontab(minute=30, hour=1)},
        )
        schedule.setdefault(
            "reporting-monthly-portfolio-pdfs",
            {"task": "reporting.monthly_reports_send", "schedule": crontab(minute=0, hour=7, day_of_month=1)},
        )
