from django.apps import AppConfig


class LdapSyncConfig(AppConfig):
    name = "ldap_sync"
