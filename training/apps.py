from django.apps import AppConfig


class TrainingConfig(AppConfig):
    name = "training"
    verbose_name = "Training"

    def ready(self):
        from core.dashboard import register_task_provider
        from core.demo import register_demo_seeder
        from core.navigation import NavItem, register_nav
        from core.search import register_search_provider
        from lrs.services import register_key_checker
        from lrs.signals import statements_stored

        from . import dashboard, demo, lrs_link, search
        from .api import auth  # noqa: F401 - registers the xAPI security scheme with drf-spectacular
        from .elearning import cmi5

        register_task_provider(dashboard.training_tasks)
        register_nav(NavItem("Learning", "training:catalogue", order=40, prefix="/training/"))
        register_demo_seeder("training", demo.seed, order=40)
        register_search_provider("courses", "Courses", search.course_results, order=30)
        register_key_checker(lrs_link.provider_principal)
        statements_stored.connect(lrs_link.statements_to_completions, dispatch_uid="training-lrs-completions")
        statements_stored.connect(cmi5.statements_to_attempts, dispatch_uid="training-cmi5-attempts")
