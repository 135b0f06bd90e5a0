from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "intranet.reporting"
    label = "reporting"
    verbose_name = "Adoption reporting"

    def ready(self):
        from intranet import search
        from intranet.navigation import NavItem, register_nav

        from . import permissions

        # Site search lives in the project package, which has no ready() of its own to register in.
        search.register_builtin_providers()
        search.register_help_page(
            "Understanding the adoption dashboard", "reporting:dashboard",
            "What each adoption figure means, how portfolios compare and how to download the monthly PDF.",
            "reporting metrics figures kpi digital take-up channel shift",
        )
        register_nav(NavItem("Search", "search:results", order=90, prefix="/search/"))
        register_nav(NavItem("Reporting", "reporting:dashboard", order=80, prefix="/reporting/",
                             visible=permissions.can_view_reporting))
