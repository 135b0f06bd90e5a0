"""`manage.py sync_directory`: the same command as `manage.py ldap_sync`, under the name a council's IT
team may look for first."""

from .ldap_sync import Command as LdapSyncCommand


class Command(LdapSyncCommand):
    pass
