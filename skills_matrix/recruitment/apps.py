from django.apps import AppConfig


class RecruitmentConfig(AppConfig):
    """Baseline ICT tests for job applicants, scored against the skills framework."""

    name = "skills_matrix.recruitment"
    label = "recruitment"
    verbose_name = "Recruitment tests"

    def ready(self):
        from core.demo import register_demo_seeder
        from core.navigation import NavItem, register_nav
        from people import roles

        from . import demo, signals

        signals.connect_directory_sync_hook()

        register_nav(
            NavItem(
                "Recruitment tests",
                "recruitment:index",
                order=60,
                prefix="/recruitment/",
                visible=lambda user: roles.has_role(user, roles.HR),
            )
        )
        register_demo_seeder("recruitment", demo.seed_recruitment, order=40)
