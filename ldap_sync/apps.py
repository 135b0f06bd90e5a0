from django.apps import AppConfig


class LdapSyncConfig(AppConfig):
    name = "ldap_sync"
    verbose_name = "Directory sync"

    def ready(self):
        from core.demo import register_demo_seeder
        from core.navigation import NavItem, register_nav

        from . import demo
        from .permissions import can_manage_sync

        # Late: after the council and every app's data, so the sync links what they created.
        register_demo_seeder("directory_sync", demo.seed_directory, order=95)
        register_nav(NavItem("Directory sync", "ldap_sync:runs", order=90, prefix="/directory-sync/",
                             visible=can_manage_sync))
