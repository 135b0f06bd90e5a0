from django.apps import AppConfig


class CoreConfig(AppConfig):
    """The ground every app stands on: errors, exports, registries, API handlers, mail, state machines.

    Imports nothing of ours; apps register with it in their own ready()."""

    name = "core"
    verbose_name = "Core"

    def ready(self):
        from . import search
        from .navigation import NavItem, register_nav

        search.register_search_provider("help", "Help pages", search.help_results, order=40)
        search.register_help_page(
            "Using site search", "search:results",
            "Search people, news, courses and help pages from one box. Put a phrase in quotes to match it exactly.",
            "find search how to",
        )
        register_nav(NavItem("Search", "search:results", order=90, prefix="/search/"))
