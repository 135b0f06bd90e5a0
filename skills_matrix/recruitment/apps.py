from django.apps import AppConfig


class RecruitmentConfig(AppConfig):
    """Baseline ICT tests for job applicants, scored against the skills framework."""

    name = "skills_matrix.recruitment"
    label = "recruitment"
    verbose_name = "Recruitment tests"

    def ready(self):
        from django.db.models.signals import post_save

        from core.demo import register_demo_seeder
        from core.navigation import NavItem, register_nav
        from ldap_sync.signals import directory_sync_applied
        from people import roles
        from people.models import Employee

        from . import demo, signals

        post_save.connect(signals.employee_created, sender=Employee, dispatch_uid="recruitment_hand_over_new_employee")
        directory_sync_applied.connect(signals.hand_over_after_directory_sync, dispatch_uid="recruitment_hand_over_after_sync")

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
