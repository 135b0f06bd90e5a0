from django.apps import AppConfig


class RecruitmentConfig(AppConfig):
    """Baseline ICT tests for job applicants, scored against the skills framework."""

    name = "skills_matrix.recruitment"
    label = "recruitment"
    verbose_name = "Recruitment tests"

    def ready(self):
        from django.conf import settings

        from intranet.demo import register_demo_seeder
        from intranet.navigation import NavItem, register_nav
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
        # Defaults for django-celery-beat; admins can change the times in the admin afterwards.
        schedule = getattr(settings, "CELERY_BEAT_SCHEDULE", None)
        if isinstance(schedule, dict):
            schedule.setdefault(
                "recruitment-retention-purge",
                {"task": "recruitment.retention_purge", "schedule": 24 * 60 * 60},
            )
            schedule.setdefault(
                "recruitment-close-overdue-attempts",
                {"task": "recruitment.close_overdue_attempts", "schedule": 5 * 60},
            )
            schedule.setdefault(
                "recruitment-hand-over-hired",
                {"task": "recruitment.hand_over_hired", "schedule": 60 * 60},
            )
