from django.apps import AppConfig


class SkillsMatrixConfig(AppConfig):
    name = "skills_matrix"
    verbose_name = "Skills"

    def ready(self):
        from core.dashboard import register_task_provider
        from core.demo import register_demo_seeder
        from core.navigation import NavItem, register_nav
        from ldap_sync.signals import directory_sync_applied

        from . import demo, home, signals

        directory_sync_applied.connect(signals.profile_rules_after_directory_sync,
                                       dispatch_uid="skills_profile_rules_after_sync")
        register_nav(NavItem("Skills", "skills_matrix:my_skills", order=30, prefix="/skills/"))
        register_task_provider(home.skills_tasks)
        register_demo_seeder("skills", demo.seed_skills, order=30)
