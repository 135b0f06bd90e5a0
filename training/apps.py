from django.apps import AppConfig


class TrainingConfig(AppConfig):
    name = "training"
    verbose_name = "Training"

    def ready(self):
        from intranet.dashboard import register_task_provider
        from intranet.demo import register_demo_seeder
        from intranet.navigation import NavItem, register_nav

        from . import dashboard, demo
        from .api import auth  # noqa: F401 - registers the xAPI security scheme with drf-spectacular

        register_task_provider(dashboard.training_tasks)
        register_nav(NavItem("Learning", "training:catalogue", order=40, prefix="/training/"))
        register_demo_seeder("training", demo.seed, order=40)
