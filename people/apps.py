from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "people"
    verbose_name = "People"

    def ready(self):
        from intranet.dashboard import register_task_provider
        from intranet.navigation import NavItem, register_nav

        from . import dashboard

        register_task_provider(dashboard.people_tasks)
        register_nav(NavItem("Home", "home", order=0, prefix="/"))
        register_nav(NavItem("Directory", "people:directory", order=10, prefix="/people/"))
