from django.apps import AppConfig


class CoreConfig(AppConfig):
    """The ground every app stands on: errors, exports, registries, API handlers, mail, state machines.

    Imports nothing of ours; apps register with it in their own ready()."""

    name = "core"
    verbose_name = "Core"

    def ready(self):
        from django import forms
        from django.urls import register_converter

        from .forms import ListModelChoiceIterator

        forms.ModelChoiceField.iterator = ListModelChoiceIterator  # options in one plain query (core/forms.py)

        from . import search
        from .ids import IdConverter

        register_converter(IdConverter, "id")  # every <id:pk> in our URLs: 1 to 2**63-1, else a 404
        from .navigation import NavItem, register_nav

        search.register_search_provider("help", "Help pages", search.help_results, order=40)
        search.register_help_page(
            "Using site search", "search:results",
            "Search people, news, courses and help pages from one box. Put a phrase in quotes to match it exactly.",
            "find search how to",
        )
        register_nav(NavItem("Search", "search:results", order=90, prefix="/search/"))
