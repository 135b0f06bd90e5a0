from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "people"
    verbose_name = "People"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from core.dashboard import register_task_provider
        from core.navigation import NavItem, register_nav
        from core.search import register_search_provider

        from . import dashboard, search, signals

        # After Django's own update_last_login receiver (connected first), so last_login is this one.
        user_logged_in.connect(signals.sign_in_record, dispatch_uid="people.sign_in_record")

        register_task_provider(dashboard.people_tasks)
        register_nav(NavItem("Home", "home", order=0, prefix="/"))
        register_nav(NavItem("Directory", "people:directory", order=10, prefix="/people/"))
        register_search_provider("people", "People", search.people_results, order=10)

        from core.demo import register_demo_seeder

        from .demo_history import seed_sign_ins

        register_demo_seeder("people_sign_ins", seed_sign_ins, order=90)  # before reporting's snapshots
