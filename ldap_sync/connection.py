"""What the sync and the sign-in backend share about talking to the directory: the TLS options
(LDAP_CA_FILE, LDAP_START_TLS), and turning a python-ldap error into one sentence that names the
setting to fix.

libldap reports every TLS failure, and a closed port, as "Can't contact LDAP server". To say which
it was, `explain` looks again with Python's own socket and TLS: nothing listening (transient: retry
later), a certificate not signed by the configured CA (LDAP_CA_FILE), or a certificate for another
name (LDAP_URI).
"""

import contextlib
import os
import socket
import ssl
from urllib.parse import urlsplit

import ldap

SCHEMES = ("ldap", "ldaps", "ldapi")
TLS_REQUIRED = (ldap.STRONG_AUTH_REQUIRED, ldap.CONFIDENTIALITY_REQUIRED)
# "Cannot be reached": worth retrying later, after a domain controller restart or a network blip.
TRANSIENT = (ldap.SERVER_DOWN, ldap.TIMEOUT, ldap.CONNECT_ERROR, ldap.UNAVAILABLE, ldap.BUSY,
             ldap.TIMELIMIT_EXCEEDED)
# BER for an LDAPv3 StartTLS extended request (message id 1), to look at a StartTLS server's certificate.
_START_TLS_REQUEST = bytes.fromhex("301d02010177188016") + b"1.3.6.1.4.1.1466.20037"


class DirectoryUnavailable(Exception):
    """The directory could not be reached or read whole. Nothing was applied. `transient` says
    whether trying again later may help; a configuration error (False) needs a setting changed."""

    transient = True


class DirectoryMisconfigured(DirectoryUnavailable):
    """A setting is wrong (the message names it): retrying will not help."""

    transient = False


def tls_options(ca_file: str) -> dict:
    """python-ldap connection options for LDAPS / StartTLS with the council's own CA, in the order
    they must be set (a new TLS context last, so it is built from the options before it)."""
    if not ca_file:
        return {}
    return {ldap.OPT_X_TLS_CACERTFILE: ca_file, ldap.OPT_X_TLS_REQUIRE_CERT: ldap.OPT_X_TLS_DEMAND,
            ldap.OPT_X_TLS_NEWCTX: 0}


def check_settings(*, uri: str, ca_file: str, uri_setting: str = "LDAP_URI",
                   ca_setting: str = "LDAP_CA_FILE") -> None:
    """Refuse a URI with a wrong scheme and a CA file that is not a readable PEM certificate before
    connecting (libldap would say only "option error" or "Can't contact LDAP server")."""
    for one in (uri or "").split():
        scheme = urlsplit(one).scheme.lower()
        if scheme not in SCHEMES:
            raise DirectoryMisconfigured(
                f"{uri_setting} is '{uri}': it must start with ldaps:// (or ldap://), e.g. ldaps://dc1.council.local.")
    if not ca_file:
        return
    if not os.path.isfile(ca_file) or not os.access(ca_file, os.R_OK):
        raise DirectoryMisconfigured(f"{ca_setting} is '{ca_file}', which is not a readable file: set it to the "
                                     "PEM file of the CA that signed the directory's certificate.")
    try:
        ssl.create_default_context(cafile=ca_file)
    except (ssl.SSLError, ValueError) as exc:
        raise DirectoryMisconfigured(f"{ca_setting} is '{ca_file}', which holds no PEM CA certificate ({exc}): "
                                     "set it to the CA that signed the directory's certificate.") from exc


def describe(exc: Exception) -> str:
    """One line: libldap's description and extra information (a referral's comes on two)."""
    info = exc.args[0] if exc.args and isinstance(exc.args[0], dict) else {}
    text = info.get("desc", type(exc).__name__) + (f" ({info['info']})" if info.get("info") else "")
    return " ".join(text.split())


def explain(exc: Exception, *, uri: str, ca_file: str = "", start_tls: bool = False, base_dn: str = "",
            settings_names: dict | None = None, reading: str = "") -> DirectoryUnavailable:
    """The sentence for `exc`, as DirectoryMisconfigured (a setting to fix) or DirectoryUnavailable
    (transient). `settings_names` maps "uri", "ca_file", "start_tls", "base_dn", "user_filter",
    "bind" to the names the admin knows them by; `reading` is the DN being read when it failed."""
    names = {"uri": "LDAP_URI", "ca_file": "LDAP_CA_FILE", "start_tls": "LDAP_START_TLS",
             "base_dn": "LDAP_BASE_DN", "user_filter": "LDAP_USER_FILTER",
             "bind": "LDAP_BIND_DN / LDAP_BIND_PASSWORD", **(settings_names or {})}
    if isinstance(exc, TLS_REQUIRED):
        return DirectoryMisconfigured(
            f"This directory needs LDAPS or StartTLS: set {names['uri']}=ldaps://… or {names['start_tls']}=true "
            f"(it refused a plain bind: {describe(exc)}).")
    if isinstance(exc, ldap.INVALID_CREDENTIALS):
        return DirectoryMisconfigured(f"The directory refused the service account: check {names['bind']}.")
    if isinstance(exc, ldap.FILTER_ERROR):
        return DirectoryMisconfigured(f"{names['user_filter']} is not a valid LDAP filter: check its brackets "
                                      "and operators, e.g. (&(objectClass=inetOrgPerson)(employeeNumber=*)).")
    if isinstance(exc, ldap.NO_SUCH_OBJECT):
        return DirectoryMisconfigured(f"{names['base_dn']} '{base_dn}' does not exist in the directory: set it to "
                                      "the DN where staff live, e.g. OU=Staff,DC=council,DC=local.")
    if isinstance(exc, ldap.REFERRAL):
        return DirectoryMisconfigured(
            f"The directory referred the search for {names['base_dn']} '{base_dn}' to another server "
            f"({describe(exc)}): set {names['base_dn']} to a DN this server holds, or {names['uri']} to the "
            "server that holds it.")
    if isinstance(exc, TRANSIENT):
        return _explain_unreachable(exc, uri=uri, ca_file=ca_file, start_tls=start_tls, names=names, reading=reading)
    return DirectoryUnavailable(f"Reading {reading or base_dn} from {uri} failed: {describe(exc)}")


def _explain_unreachable(exc, *, uri, ca_file, start_tls, names, reading) -> DirectoryUnavailable:
    first = (uri or "").split()[0] if uri else ""
    parts = urlsplit(first)
    scheme, host = parts.scheme.lower(), parts.hostname or "localhost"
    port = parts.port or (636 if scheme == "ldaps" else 389)
    if scheme == "ldapi":
        return DirectoryUnavailable(f"Talking to {uri} failed: {describe(exc)}. It will be tried again.")
    try:
        sock = socket.create_connection((host, port), timeout=5)
    except OSError as err:
        doing = f"Reading {reading} from {uri} failed" if reading else f"Cannot connect to {uri}"
        return DirectoryUnavailable(f"{doing}: nothing answers at {host}:{port} ({err.strerror or err}). "
                                    f"Check {names['uri']} and that the directory is up; it will be tried again.")
    tls = scheme == "ldaps" or start_tls
    with contextlib.closing(sock):
        if not tls:
            return DirectoryUnavailable(f"Talking to {uri} failed: {describe(exc)}. It will be tried again.")
        problem = _certificate_problem(sock, host, ca_file, start_tls=scheme != "ldaps")
    if problem == "untrusted":
        fix = (f"{names['ca_file']} ('{ca_file}') is not the CA that signed it: set it to that CA's PEM file"
               if ca_file else f"set {names['ca_file']} to the PEM file of the CA that signed it")
        return DirectoryMisconfigured(f"The certificate of {host} is not trusted: {fix}.")
    if problem and problem.startswith("mismatch"):
        return DirectoryMisconfigured(
            f"The certificate of {host} is for another name ({problem.partition(':')[2].strip()}): set {names['uri']} "
            "to the name on the directory's certificate (e.g. ldaps://dc1.council.local, not an IP address or alias).")
    return DirectoryUnavailable(f"Talking to {uri} failed: {describe(exc)}. It will be tried again.")


def _certificate_problem(sock, host: str, ca_file: str, *, start_tls: bool) -> str:
    """"untrusted", "mismatch: <detail>" or "" (no certificate problem seen)."""
    try:
        if start_tls:
            sock.sendall(_START_TLS_REQUEST)
            sock.recv(4096)
        context = ssl.create_default_context(cafile=ca_file or None)
        with context.wrap_socket(sock, server_hostname=host) as tls:
            tls.getpeercert()
    except ssl.SSLCertVerificationError as err:
        if err.verify_code == 62 or "mismatch" in (err.verify_message or "").lower():  # X509_V_ERR_HOSTNAME_MISMATCH
            return f"mismatch: {err.verify_message}"
        return "untrusted"
    except (OSError, ssl.SSLError):
        return ""
    return ""
