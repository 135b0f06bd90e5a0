"""Problems in the directory are called what they are (on the real slapd): manager references that
cannot be followed are warnings naming the entry's DN, a duplicate employee number keeps the entry
already matched to the record, whatever the page order."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from ldap_sync.models import SyncRun
from people.models import Employee

from .conftest import dn_of, person

pytestmark = pytest.mark.django_db


def emp(number) -> Employee:
    return Employee.objects.get(employee_number=number)


def manager_problems():
    return [
        person("a", "Ann", "Loop", "L1", manager="b"),
        person("b", "Ben", "Loop", "L2", manager="a"),
        person("self", "Sal", "Self", "L3", manager="self"),
        person("ghost", "Gus", "Ghost", "L4", manager="nobody-here"),
        person("ok", "Olu", "Fine", "L5", manager="a"),
    ]


def test_manager_references_to_nobody_oneself_or_a_loop_are_warnings_with_the_dn(directory, people, login,
                                                                                 settings):
    directory.reset(manager_problems())
    settings.LDAP_SOURCES = {"default": {k: v for k, v in vars(directory.config()).items() if k != "name"}}

    out = StringIO()
    call_command("ldap_sync", "--full", stdout=out)
    run = SyncRun.objects.get()

    # Every entry was synced: nothing was skipped; four were warned about.
    assert run.counts["skipped"] == 0 and run.counts["created"] == 5 and run.counts["manager_errors"] == 4
    assert run.skipped_entries() == []
    warnings = {w["dn"]: w["reason"] for w in run.warnings()}
    assert set(warnings) == {dn_of("a"), dn_of("b"), dn_of("self"), dn_of("ghost")}
    assert "manager loop" in warnings[dn_of("a")] and "own manager" in warnings[dn_of("self")]
    assert dn_of("nobody-here").lower() in warnings[dn_of("ghost")]
    text = out.getvalue()
    assert f"warning {dn_of('ghost')}: its manager {dn_of('nobody-here').lower()} is not an entry" in text
    assert "skipped" not in text
    assert emp("L5").line_manager == emp("L1")

    page = login(people["admin"]).get(reverse("ldap_sync:run_detail", args=[run.pk])).content.decode()
    assert "Entries skipped (0)" in page and "Warnings (4)" in page and dn_of("ghost") in page
