from django.apps import AppConfig


class SelfServiceConfig(AppConfig):
    name = "self_service"
    verbose_name = "HR and payroll self-service"

    def ready(self):
        from intranet.dashboard import register_task_provider
        from intranet.demo import register_demo_seeder
        from intranet.navigation import NavItem, register_nav

        from . import dashboard, demo

        register_task_provider(dashboard.self_service_tasks)
        register_nav(NavItem("Self-service", "self_service:my_requests", order=20, prefix="/self-service/"))
        register_demo_seeder("self_service", demo.seed, order=30)
