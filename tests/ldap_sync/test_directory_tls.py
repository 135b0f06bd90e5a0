"""The directory over LDAPS with the council's own CA (a CA generated for the test, in no trust
store), and every way of pointing at it wrongly: sign-in and the sync use the same TLS settings,
and each wrong setting ends the run with one sentence naming it, nothing applied."""

import html
import logging
import os
import re

import ldap
import pytest
from celery.exceptions import Retry
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from ldap_sync import tasks
from ldap_sync.auth import SIGN_IN_UNAVAILABLE
from ldap_sync.connection import DirectoryMisconfigured, explain
from ldap_sync.models import SyncRun
from ldap_sync.services import directory_sync
from people.models import Employee

from ..factories import UserFactory
from .conftest import REFERRAL_DN, STAFF, SYNC_DN, SYNC_PW

pytestmark = pytest.mark.django_db

BACKENDS = ["ldap_sync.auth.EmployeeLDAPBackend", "django.contrib.auth.backends.ModelBackend"]


@pytest.fixture
def tls_sign_in(tls_directory, settings):
    assert "LDAPTLS_CACERT" not in os.environ  # only LDAP_CA_FILE says which CA to trust
    settings.AUTH_LDAP_SERVER_URI = tls_directory.uri
    settings.AUTH_LDAP_BIND_DN, settings.AUTH_LDAP_BIND_PASSWORD = SYNC_DN, SYNC_PW
    settings.AUTH_LDAP_START_TLS = False
    settings.LDAP_BASE_DN, settings.LDAP_PROFILE = STAFF, "openldap"
    settings.LDAP_CA_FILE = tls_directory.ca_file
    settings.AUTHENTICATION_BACKENDS = BACKENDS
    settings.LDAP_SOURCES = {}
    directory_sync(config=tls_directory.config(group_roles={}))
    return tls_directory


def test_a_directory_user_signs_in_through_the_page_over_ldaps_with_only_the_ca_file(tls_sign_in, client):
    response = client.post("/sign-in/", {"username": "sw00", "password": "sw00-password"})
    assert response.status_code == 302
    assert Employee.objects.get(employee_number="E1000").user.username == "sw00"


def test_sign_in_over_start_tls_with_the_ca_file(tls_sign_in, client, settings):
    settings.AUTH_LDAP_SERVER_URI = tls_sign_in.plain_uri  # refuses a plain bind: StartTLS it is
    settings.LDAP_START_TLS = True
    response = client.post("/sign-in/", {"username": "sw01", "password": "sw01-password"})
    assert response.status_code == 302


def test_an_untrusted_directory_is_not_called_a_wrong_password_and_the_log_names_the_ca_file(
        tls_sign_in, client, settings, caplog):
    settings.LDAP_CA_FILE = tls_sign_in.other_ca_file
    with caplog.at_level(logging.ERROR, logger="ldap_sync.auth"):
        response = client.post("/sign-in/", {"username": "sw00", "password": "sw00-password"})
    page = response.content.decode()
    assert response.status_code == 200 and "council directory cannot be reached" in page
    assert "correct username and password" not in page
    assert "not trusted" in caplog.text and "LDAP_CA_FILE" in caplog.text
    # A wrong password, with the directory answering, is still just a wrong password.
    settings.LDAP_CA_FILE = tls_sign_in.ca_file
    page = client.post("/sign-in/", {"username": "sw00", "password": "wrong"}).content.decode()
    assert "correct username and password" in page and SIGN_IN_UNAVAILABLE not in page


def test_a_directory_that_is_down_at_sign_in_says_so(tls_sign_in, client, settings, caplog):
    settings.AUTH_LDAP_SERVER_URI = "ldaps://127.0.0.1:9"
    with caplog.at_level(logging.ERROR, logger="ldap_sync.auth"):
        page = client.post("/sign-in/", {"username": "sw00", "password": "sw00-password"}).content.decode()
    assert "council directory cannot be reached" in page and "nothing answers at 127.0.0.1:9" in caplog.text


def _bad(tls, **overrides):
    return {k: v for k, v in vars(tls.config(**overrides)).items() if k != "name"}


CASES = {
    "plain bind to a directory that needs TLS": (
        lambda t: _bad(t, uri=t.plain_uri, ca_file=""),
        "This directory needs LDAPS or StartTLS: set LDAP_URI=ldaps://… or LDAP_START_TLS=true"),
    "certificate for another name": (
        lambda t: _bad(t, uri=t.uri.replace("127.0.0.1", "localhost")), "is for another name.*set LDAP_URI"),
    "certificate not trusted": (lambda t: _bad(t, ca_file=t.other_ca_file), "not trusted: LDAP_CA_FILE"),
    "no CA file given": (lambda t: _bad(t, ca_file=""), "not trusted: set LDAP_CA_FILE"),
    "CA file missing": (lambda t: _bad(t, ca_file="/nonexistent/ca.pem"), "LDAP_CA_FILE is '/nonexistent/ca.pem'"),
    "CA file not a certificate": (lambda t: _bad(t, ca_file=__file__), "LDAP_CA_FILE .* holds no PEM"),
    "typo in the user filter": (lambda t: _bad(t, user_filter="(&(objectClass=inetOrgPerson)"),
                                "LDAP_USER_FILTER is not a valid LDAP filter"),
    "URI with a wrong scheme": (lambda t: _bad(t, uri="https://127.0.0.1:636"), "LDAP_URI is 'https://"),
    "base DN that does not exist": (lambda t: _bad(t, base_dn="ou=nobody,dc=council,dc=test"),
                                    "LDAP_BASE_DN 'ou=nobody,dc=council,dc=test' does not exist"),
    "a referral": (lambda t: _bad(t, base_dn=REFERRAL_DN), "referred the search for LDAP_BASE_DN"),
    "unreachable host": (lambda t: _bad(t, uri="ldap://127.0.0.1:9"), "nothing answers at 127.0.0.1:9"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_each_wrong_setting_ends_the_command_with_one_sentence_and_applies_nothing(tls_directory, org, settings, case):
    make, message = CASES[case]
    settings.LDAP_SOURCES = {"default": make(tls_directory)}
    with pytest.raises(CommandError, match=message) as raised:
        call_command("ldap_sync", "--full")
    assert "\n" not in str(raised.value) and "Traceback" not in str(raised.value)
    run = SyncRun.objects.get()
    assert run.status == SyncRun.Status.FAILED and run.message == str(raised.value)
    assert not any(v for k, v in run.counts.items() if k != "read")
    assert Employee.objects.count() == 0


def test_a_run_that_fails_after_reading_counts_no_changes(tls_directory, org, settings):
    config = tls_directory.config(group_roles={"cn=hr,ou=groups,dc=council,dc=test": "HR"})
    directory_sync(config=config)
    tls_directory.modify("uid=sw00,ou=staff,dc=council,dc=test", title="Senior Social Worker")


    from ldap_sync.sources import LDAPSource

    class GroupsUnreadable(LDAPSource):
        def group_members(self, group_dn):
            raise explain(ldap.NO_SUCH_OBJECT({"desc": "No such object"}), uri=self.config.uri, base_dn=group_dn)

    with pytest.raises(DirectoryMisconfigured):
        directory_sync(config=config, source=GroupsUnreadable(config))
    run = SyncRun.objects.latest("pk")
    assert run.status == SyncRun.Status.FAILED and run.counts["read"] == 30 and run.counts["updated"] == 0
    assert Employee.objects.get(employee_number="E1000").job_title == "Social Worker"


def test_strong_auth_required_from_ad_is_the_same_sentence():
    exc = ldap.STRONG_AUTH_REQUIRED({"desc": "Strong(er) authentication required",
                                     "info": "00002028: The server requires binds to turn on integrity checking"})
    problem = explain(exc, uri="ldap://dc1.council.local")
    assert isinstance(problem, DirectoryMisconfigured) and not problem.transient
    assert str(problem).startswith("This directory needs LDAPS or StartTLS: set LDAP_URI=ldaps://… or LDAP_START_TLS=true")


def test_the_task_retries_an_unreachable_directory_but_not_a_wrong_setting(
        tls_directory, org, settings, monkeypatch, mailoutbox, django_capture_on_commit_callbacks):
    UserFactory(username="it-admin", email="it.admin@council.example", roles=["Intranet admin"])
    retried = []

    def fake_retry(*, exc, countdown, kwargs):
        retried.append(exc)
        return Retry(exc=exc)

    monkeypatch.setattr(tasks.directory_sync_task, "retry", fake_retry)
    settings.LDAP_SOURCES = {"default": _bad(tls_directory, user_filter="(uid=")}
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.directory_sync_task.run(source="default", full=True) == []
    assert retried == [] and SyncRun.objects.get().status == SyncRun.Status.FAILED
    # It needs a person now, not in 31 minutes: the admins hear at once.
    assert [m.subject for m in mailoutbox] == ["Directory sync failed (default)"]
    assert "LDAP_USER_FILTER" in mailoutbox[0].body
    settings.LDAP_SOURCES = {"default": _bad(tls_directory, uri="ldap://127.0.0.1:9")}
    with pytest.raises(Retry):
        tasks.directory_sync_task.run(source="default", full=True)
    assert len(retried) == 1


@pytest.mark.parametrize("case", ["typo in the user filter", "certificate not trusted", "unreachable host"])
def test_run_now_on_the_sync_page_shows_the_one_sentence(tls_directory, people, login, settings, case):
    make, message = CASES[case]
    settings.LDAP_SOURCES = {"default": make(tls_directory)}
    count = Employee.objects.count()
    client = login(people["admin"])
    response = client.post(reverse("ldap_sync:run_now"), {"source": "default"}, follow=True)
    run = SyncRun.objects.get()
    assert response.redirect_chain[-1][0] == reverse("ldap_sync:run_detail", args=[run.pk])
    page = response.content.decode()
    assert run.status == SyncRun.Status.FAILED and re.search(message, html.unescape(page))
    assert Employee.objects.count() == count and run.triggered_by == people["admin"].user


def test_run_now_applies_a_good_source_and_only_admins_may(tls_directory, people, login, settings, org):
    settings.LDAP_SOURCES = {"default": _bad(tls_directory)}
    assert login(people["hr"]).post(reverse("ldap_sync:run_now")).status_code == 403
    response = login(people["admin"]).post(reverse("ldap_sync:run_now"), {"dry_run": "1"})
    assert SyncRun.objects.get().status == SyncRun.Status.DRY_RUN and response.status_code == 302
    login(people["admin"]).post(reverse("ldap_sync:run_now"))
    assert SyncRun.objects.latest("pk").status == SyncRun.Status.APPLIED
    assert Employee.objects.filter(directory_id__isnull=False).count() == 30


def test_a_missing_ca_file_at_sign_in_is_named_not_a_traceback(tls_sign_in, client, settings, caplog):
    settings.LDAP_CA_FILE = "/nonexistent/ca.pem"
    with caplog.at_level(logging.ERROR, logger="ldap_sync.auth"):
        page = client.post("/sign-in/", {"username": "sw00", "password": "sw00-password"}).content.decode()
    assert "council directory cannot be reached" in page and "LDAP_CA_FILE is '/nonexistent/ca.pem'" in caplog.text
