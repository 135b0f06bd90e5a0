"""A scheduled directory sync that fails for good, or is held, emails the intranet admins (through
core.mail.mail_on_commit, so the queue retries a mail outage). Real slapd, real database; only the
email provider is Django's locmem outbox."""

import pytest
from celery.exceptions import Retry

from ldap_sync import tasks
from ldap_sync.models import SyncRun

from ..factories import UserFactory
from .conftest import STAFF, dn_of

pytestmark = pytest.mark.django_db

DOWN = {"down": {"kind": "ldap", "uri": "ldap://127.0.0.1:9", "timeout": 1, "base_dn": STAFF}}


@pytest.fixture
def admins(db):
    UserFactory(username="it-admin", email="it.admin@council.example", roles=["Intranet admin"])
    UserFactory(username="root", email="root@council.example", is_superuser=True)
    UserFactory(username="gone-admin", email="gone@council.example", roles=["Intranet admin"], is_active=False)
    UserFactory(username="hr-person", email="hr@council.example", roles=["HR"])
    return ["it.admin@council.example", "root@council.example"]


def test_a_sync_that_fails_after_its_last_retry_emails_the_intranet_admins(
        settings, org, admins, mailoutbox, django_capture_on_commit_callbacks):
    settings.LDAP_SOURCES = DOWN
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(Exception, match="Cannot connect"):
        tasks.directory_sync_task.apply(kwargs={"source": "down", "full": True},
                                        retries=tasks.directory_sync_task.max_retries)

    run = SyncRun.objects.get()
    assert run.status == SyncRun.Status.FAILED
    assert len(mailoutbox) == 1
    alert = mailoutbox[0]
    assert sorted(alert.to) == admins  # active admins and superusers; not HR, not a disabled admin
    assert alert.subject == "Directory sync failed (down)"
    assert f"/directory-sync/runs/{run.pk}/" in alert.body and "Cannot connect" in alert.body


def test_a_failure_that_will_be_retried_does_not_alert_yet(settings, org, admins, mailoutbox, monkeypatch,
                                                           django_capture_on_commit_callbacks):
    settings.LDAP_SOURCES = DOWN
    monkeypatch.setattr(tasks.directory_sync_task, "retry", lambda **kw: Retry(exc=kw["exc"]))
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(Retry):
        tasks.directory_sync_task.run(source="down", full=True)

    assert SyncRun.objects.get().status == SyncRun.Status.FAILED
    assert mailoutbox == []


def test_a_held_sync_emails_the_intranet_admins(directory, settings, org, admins, mailoutbox,
                                                django_capture_on_commit_callbacks):
    settings.LDAP_DEACTIVATION_MAX_COUNT = settings.LDAP_DEACTIVATION_MAX_PERCENT = 0
    settings.LDAP_SOURCES = {"test-ldap": {k: v for k, v in vars(directory.config()).items() if k != "name"}}
    with django_capture_on_commit_callbacks(execute=True):
        tasks.directory_sync_task.delay(full=True)
    assert mailoutbox == []  # the first run only creates people: nothing for an admin to do
    directory.delete(dn_of("sw05"))

    with django_capture_on_commit_callbacks(execute=True):
        tasks.directory_sync_task.delay(full=True)

    held = SyncRun.objects.get(status=SyncRun.Status.HELD)
    assert len(mailoutbox) == 1
    alert = mailoutbox[0]
    assert sorted(alert.to) == admins
    assert alert.subject == "Directory sync held: 1 leaver needs confirming (test-ldap)"
    assert f"/directory-sync/runs/{held.pk}/" in alert.body
