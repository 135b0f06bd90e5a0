"""Sign-in through the directory (django-auth-ldap) for staff the sync already knows.

The directory account is matched to the synced Employee by its stable id (entryUUID / objectGUID),
never by name, so a renamed or moved person keeps their record and nobody gets a second one. A
directory account the sync has not seen, or a leaver, cannot sign in this way. Local accounts
(demo, break-glass) keep working through ModelBackend, which stays in AUTHENTICATION_BACKENDS.

Sign-in talks to the directory with the sync's TLS settings (LDAP_CA_FILE, LDAP_START_TLS). When
the directory cannot be asked, the person is told that (see `sign_in_unavailable`), not "wrong
password", and the log names the cause and the setting to fix.
"""

import logging

import ldap
from django.conf import settings as django_settings
from django.db import transaction
from django_auth_ldap.backend import LDAPBackend, ldap_error
from django_auth_ldap.config import LDAPSearch

from core.auth import PasswordCheckUnavailable
from people.models import Employee

from .config import configured_sources
from .connection import DirectoryUnavailable, check_settings, explain, tls_options
from .profiles import EntryError, profile_for
from .services import (
    apply_directory_roles,
    employee_account_link,
    role_grants_from_sign_in,
    sign_in_name_follow,
)
from .sources import source_for

log = logging.getLogger(__name__)

SIGN_IN_UNAVAILABLE = ("We could not check your password because the council directory cannot be reached. "
                       "Your password may be right: try again in a few minutes, or contact the IT service desk.")
_SETTING_NAMES = {"uri": "LDAP_AUTH_URI"}


def sign_in_unavailable(request) -> str:
    """The sentence for the sign-in page when the directory could not check this request's
    password ("" when it could: a wrong password is then just a wrong password)."""
    return SIGN_IN_UNAVAILABLE if getattr(request, "directory_sign_in_error", None) else ""


def _directory_problem(exc: Exception) -> DirectoryUnavailable:
    return explain(exc, uri=str(django_settings.AUTH_LDAP_SERVER_URI),
                   ca_file=getattr(django_settings, "LDAP_CA_FILE", ""),
                   start_tls=getattr(django_settings, "LDAP_START_TLS", False),
                   base_dn=getattr(django_settings, "LDAP_BASE_DN", ""), settings_names=_SETTING_NAMES)


def _note_problem(request, problem: DirectoryUnavailable) -> None:
    log.error("Directory sign-in could not check a password: %s", problem)
    if request is not None:
        request.directory_sign_in_error = problem


def _directory_error_seen(sender, context, user, request, exception, **kwargs):
    if issubclass(sender, EmployeeLDAPBackend):
        problem = exception if isinstance(exception, DirectoryUnavailable) else _directory_problem(exception)
        _note_problem(request, problem)


ldap_error.connect(_directory_error_seen, dispatch_uid="ldap_sync.auth.directory_error")


class _Confirming:
    """Stands in for the HTTP request while a password is confirmed: the receiver above notes a
    directory problem on it (`directory_sign_in_error`) as it does on a sign-in request."""


class EmployeeLDAPBackend(LDAPBackend):
    @property
    def settings(self):
        if self._settings is None:
            s = super().settings
            if s.USER_SEARCH is None and getattr(django_settings, "LDAP_BASE_DN", ""):
                s.USER_SEARCH = LDAPSearch(
                    django_settings.LDAP_BASE_DN, ldap.SCOPE_SUBTREE,
                    getattr(django_settings, "AUTH_LDAP_USER_SEARCH_FILTER", "(uid=%(user)s)"),
                    attrlist=["*", self._profile().attributes["directory_id"]],
                )
            if s.USER_ATTRLIST is None:
                # The stable id is an operational attribute on OpenLDAP: ask for it by name.
                s.USER_ATTRLIST = ["*", self._profile().attributes["directory_id"]]
            # The sync's TLS settings; the new TLS context (in tls_options) must be the last option set.
            s.CONNECTION_OPTIONS = {ldap.OPT_REFERRALS: 0, ldap.OPT_NETWORK_TIMEOUT: 10,
                                    **(s.CONNECTION_OPTIONS or {}),
                                    **tls_options(getattr(django_settings, "LDAP_CA_FILE", ""))}
            uri = str(s.SERVER_URI or "")
            s.START_TLS = bool(s.START_TLS or getattr(django_settings, "LDAP_START_TLS", False)) and not (
                uri.lower().startswith("ldaps://"))
        return self._settings

    @settings.setter
    def settings(self, value):
        self._settings = value

    @staticmethod
    def _profile():
        return profile_for(getattr(django_settings, "LDAP_PROFILE", "openldap"))

    def authenticate(self, request, username=None, password=None, **kwargs):
        try:
            # A missing CA file or a wrong scheme would otherwise be a traceback from libldap.
            check_settings(uri=str(self.settings.SERVER_URI or ""), ca_file=getattr(django_settings, "LDAP_CA_FILE", ""),
                           uri_setting="LDAP_AUTH_URI")
        except DirectoryUnavailable as problem:
            # Told like any other directory error (django-auth-ldap's signal), so every listener hears it.
            ldap_error.send(type(self), context="authenticate", user=None, request=request, exception=problem)
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)

    def password_confirm(self, user, password) -> bool:
        """Is `password` this person's directory password now? (Asked again before a bank details
        change.) A wrong password is False; a directory that cannot be reached raises
        PasswordCheckUnavailable, so it is not counted as a wrong password."""
        marker = _Confirming()
        found = self.authenticate(marker, username=user.get_username(), password=password)
        if found is None and getattr(marker, "directory_sign_in_error", None):
            raise PasswordCheckUnavailable(
                "We could not check your password because the council directory is not answering. "
                "Nothing has been changed: try again in a few minutes.")
        return found is not None and found.pk == user.pk

    def get_or_build_user(self, username, ldap_user):
        profile = self._profile()
        id_attr = profile.attributes["directory_id"]
        values = (ldap_user.attrs or {}).get(id_attr) or []
        if not values and ldap_user.dn:
            # A USER_SEARCH configured without the (operational) id attribute: read it by name.
            found = ldap_user.connection.search_s(ldap_user.dn, ldap.SCOPE_BASE, "(objectClass=*)", [id_attr])
            values = next((v for k, v in (found[0][1] if found else {}).items() if k.lower() == id_attr.lower()), [])
        if not values:
            raise ldap_user.AuthenticationFailed(f"{ldap_user.dn} has no {id_attr}")
        raw = values[0]
        # django-auth-ldap decodes every value as UTF-8 when it can; a binary objectGUID may survive as
        # either type, and encoding back to UTF-8 restores its bytes exactly.
        raw = raw.encode("utf-8") if isinstance(raw, str) else raw
        try:
            directory_id = profile.stable_id(raw)
        except (EntryError, ValueError) as exc:
            raise ldap_user.AuthenticationFailed(str(exc)) from exc
        employee = Employee.objects.select_related("user").filter(directory_id=directory_id).first()
        if employee is None or not employee.is_active:
            raise ldap_user.AuthenticationFailed(f"no active synced employee for {directory_id}")
        ldap_user._intranet_employee = employee
        if employee.user_id:
            sign_in_name_follow(employee=employee, user=employee.user, username=username)
            return employee.user, False
        model = self.get_user_model()
        if model.objects.filter(username__iexact=username).exists():
            # A local account with this name belongs to someone else (or is a break-glass account):
            # never hand it to a directory sign-in.
            raise ldap_user.AuthenticationFailed(f"username {username} is taken by a local account")
        user = model(username=username.lower(), first_name=employee.first_name, last_name=employee.last_name,
                     email=employee.email)
        return user, True

    def authenticate_ldap_user(self, ldap_user, password):
        with transaction.atomic():
            user = super().authenticate_ldap_user(ldap_user, password)
            employee = getattr(ldap_user, "_intranet_employee", None)
            if user is None or employee is None:
                return None
            if not user.is_active:
                return None
            if employee.user_id is None:
                employee_account_link(employee=employee, user=user)
            for config in configured_sources().values():
                if config.group_roles:
                    _roles_from_sign_in(config, employee, ldap_user.dn)
        return user


def _roles_from_sign_in(config, employee, dn: str) -> None:
    """The groups this person is in now decide their directory roles, revoked as well as granted.
    When the groups cannot be read, the grants of the last sync stand (sign-in still works)."""
    if config.kind != "ldap" or not dn:
        apply_directory_roles(source=config.name, roles=set(config.group_roles.values()), employee_ids=[employee.pk])
        return
    source = source_for(config)
    try:
        membership = source.member_of(dn, list(config.group_roles))
    except DirectoryUnavailable as exc:
        log.warning("Directory roles of %s not re-read at sign-in (the last sync's stand): %s", dn, exc)
        apply_directory_roles(source=config.name, roles=set(config.group_roles.values()), employee_ids=[employee.pk])
        return
    finally:
        source.close()
    role_grants_from_sign_in(source=config.name, employee=employee, group_roles=config.group_roles,
                             membership=membership)
