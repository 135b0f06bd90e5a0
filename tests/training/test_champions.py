"""Digital champions: help requests routed to the requester's area (falling back up the tree),
taken and logged by a champion; figures for reporting."""

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from core.errors import DomainError
from people.models import Employee
from tests.factories import EmployeeFactory, UserFactory
from training import selectors, services
from training.models import Champion, HelpLog, HelpRequest


def test_request_routes_to_nearest_unit_with_champions(people, org, champion_profile,
                                                       django_capture_on_commit_callbacks):
    # alice sits in Team A, beneath Social Work where the champion serves.
    with django_capture_on_commit_callbacks(execute=True):
        req = services.help_request_create(actor=people["alice"].user, topic="Two-step sign-in")
    assert req.routed_unit == org["social"]
    assert mail.outbox[0].to == [people["champion"].email] and "Two-step sign-in" in mail.outbox[0].subject
    assert list(selectors.help_requests_for_champion(people["champion"])) == [req]

    # A closer champion takes precedence.
    team_champ = EmployeeFactory(user=UserFactory(username="teamchamp"), org_unit=org["team_a"])
    Champion.objects.create(employee=team_champ, unit=org["team_a"])
    req2 = services.help_request_create(actor=people["bob"].user, topic="Printing")
    assert req2.routed_unit == org["team_a"]
    # The department champion still sees requests from teams beneath it.
    assert req2 in selectors.help_requests_for_champion(people["champion"])


def test_no_champion_anywhere_above_is_a_clear_message(people):
    with pytest.raises(DomainError, match="no digital champions for your area"):
        services.help_request_create(actor=people["dave"].user, topic="Help")


def test_champion_takes_and_logs_help_which_resolves_the_request(people, org, champion_profile, skills):
    req = services.help_request_create(actor=people["alice"].user, topic="Sharing files", skill=skills["email"])
    with pytest.raises(PermissionDenied):
        services.help_request_take(actor=people["bob"].user, help_request=req)
    services.help_request_take(actor=people["champion"].user, help_request=req)
    with pytest.raises(DomainError, match="already taken"):
        services.help_request_take(actor=people["champion"].user, help_request=req)
    log = services.help_log_record(actor=people["champion"].user, help_request=req, topic="Sharing files",
                                   skill=skills["email"], minutes=25, channel=HelpLog.Channel.PHONE)
    req.refresh_from_db()
    assert req.status == HelpRequest.Status.RESOLVED and log.colleague == people["alice"]
    with pytest.raises(DomainError, match="Minutes"):
        services.help_log_record(actor=people["champion"].user, topic="x", minutes=0, channel="phone")
    with pytest.raises(PermissionDenied):
        services.help_log_record(actor=people["alice"].user, topic="x", minutes=5, channel="phone")


def test_champion_in_another_area_cannot_serve(people, org, champion_profile):
    other = Champion.objects.create(employee=people["other_manager"], unit=org["highways"])
    req = services.help_request_create(actor=people["alice"].user, topic="Outlook")
    with pytest.raises(PermissionDenied):
        services.help_request_take(actor=other.employee.user, help_request=req)


def test_champion_figures_and_training_figures(people, org, champion_profile, course):
    today = timezone.localdate()
    services.help_log_record(actor=people["champion"].user, topic="A", minutes=30, channel="phone")
    services.help_log_record(actor=people["champion"].user, topic="B", minutes=15, channel="video",
                             given_on=today - dt.timedelta(days=40))
    figures = selectors.champion_figures(type(org["social"]).objects.filter(pk=org["adults"].pk),
                                         today - dt.timedelta(days=7), today)
    assert figures == {"champions": 1, "help_count": 1, "help_minutes": 30}
    assert selectors.champion_figures(Employee.objects.filter(pk=people["dave"].pk), today, today)["champions"] == 0

    services.assignment_create(actor=people["hr"].user, course=course, employees=[people["alice"], people["bob"]],
                               due_on=today)
    services.completion_record(actor=None, employee=people["alice"], course=course, source="manual")
    team = Employee.objects.filter(org_unit=org["team_a"])
    assert selectors.training_figures(team, today, today) == {"assigned": 2, "completed": 1, "overdue": 0}
    later = today + dt.timedelta(days=3)
    assert selectors.training_figures(team, later, later)["overdue"] == 1  # bob's, still open


def test_log_page_for_another_areas_request_is_a_404(people, org, champion_profile, client):
    Champion.objects.create(employee=people["other_manager"], unit=org["highways"])
    req = services.help_request_create(actor=people["alice"].user, topic="Outlook keeps crashing")
    url = f"/training/champions/requests/{req.pk}/log/"

    client.force_login(people["other_manager"].user)
    response = client.get(url)
    assert response.status_code == 404
    assert "Outlook keeps crashing" not in response.content.decode()
    assert client.post(url, {"topic": "x", "minutes": 5, "channel": "phone"}).status_code == 404

    client.force_login(people["champion"].user)
    assert client.get(url).status_code == 200
