from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "people"
    verbose_name = "People"

    def ready(self):
        from core.dashboard import register_task_provider
        from core.navigation import NavItem, register_nav
        from core.search import register_search_provider

        from . import dashboard, search

        register_task_provider(dashboard.people_tasks)
        register_nav(NavItem("Home", "home", order=0, prefix="/"))
        register_nav(NavItem("Directory", "people:directory", order=10, prefix="/people/"))
        register_search_provider("people", "People", search.people_results, order=10)
