from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "reporting"
    label = "reporting"
    verbose_name = "Adoption reporting"

    def ready(self):
        from core import search
        from core.demo import register_demo_seeder
        from core.navigation import NavItem, register_nav

        from . import demo, permissions

        search.register_help_page(
            "Understanding the adoption dashboard", "reporting:dashboard",
            "What each adoption figure means, how portfolios compare and how to download the monthly PDF.",
            "reporting metrics figures kpi digital take-up channel shift",
            visible=permissions.can_view_reporting,
        )
        register_demo_seeder("reporting", demo.seed_reporting, order=1000)  # last: reads everyone else's data
        register_nav(NavItem("Reporting", "reporting:dashboard", order=80, prefix="/reporting/",
                             visible=permissions.can_view_reporting))
