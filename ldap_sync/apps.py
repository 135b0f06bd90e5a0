from django.apps import AppConfig


class LdapSyncConfig(AppConfig):
    name = "ldap_sync"
    verbose_name = "Directory sync"

    def ready(self):
        from intranet.navigation import NavItem, register_nav

        from .permissions import can_manage_sync

        register_nav(NavItem("Directory sync", "ldap_sync:runs", order=90, prefix="/directory-sync/",
                             visible=can_manage_sync))
