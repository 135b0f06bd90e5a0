"""Rate limits on the applicant pages, the demo seeder, the purge command and per-answer query cost."""

import io
import random

import pytest
from django.core.management import call_command
from django.urls import reverse

from skills_matrix.recruitment import applicant_views, services
from skills_matrix.recruitment.demo import seed_recruitment
from skills_matrix.recruitment.models import Applicant, Attempt, Question, TestTemplate

pytestmark = pytest.mark.django_db


def fresh_ip():
    # Rate-limit counters live in Redis and outlive the test; a fresh address keeps runs independent.
    return f"10.{random.randrange(256)}.{random.randrange(256)}.{random.randrange(1, 255)}"


def test_guessing_links_from_one_address_is_slowed_down(client):
    ip = fresh_ip()
    statuses = [client.get(reverse("recruitment_applicant:start", args=[f"guess{i}"]), REMOTE_ADDR=ip).status_code
                for i in range(25)]
    assert statuses[:20] == [404] * 20
    assert set(statuses[20:]) == {429}


def test_a_runaway_client_on_one_link_is_slowed_down_without_losing_answers(client, invite, monkeypatch):
    monkeypatch.setattr(applicant_views, "LINK_RATE", "3/m")
    invitation, token = invite()
    client.post(reverse("recruitment_applicant:start", args=[token]))
    for _ in range(3):
        response = client.get(reverse("recruitment_applicant:question", args=[token, 1]))
    assert response.status_code == 429
    assert "Your answers so far are saved" in response.content.decode()
    # Another applicant's link is unaffected.
    _, other = invite(email="other@example.com")
    assert client.get(reverse("recruitment_applicant:start", args=[other])).status_code == 200


def test_saving_an_answer_costs_the_same_few_queries_on_any_question(client, invite, django_assert_num_queries):
    invitation, token = invite()
    client.post(reverse("recruitment_applicant:start", args=[token]))
    attempt = Attempt.objects.get(invitation=invitation)
    for aq in attempt.questions.select_related("version"):
        # Page: link lookup, attempt, the question for the form (3). Save: the attempt row lock, the
        # question again under the lock, the update (3), inside a transaction that is a savepoint pair
        # here because the test itself runs in a transaction (2; BEGIN/COMMIT in production).
        with django_assert_num_queries(8):
            response = client.post(reverse("recruitment_applicant:question", args=[token, aq.position]),
                                   {"answer": str(aq.version.correct[0])})
        assert response.status_code == 302


def test_demo_seeder_is_deterministic_and_safe_to_run_twice():
    out = io.StringIO()
    seed_recruitment(rng=random.Random(7), staff_count=10, stdout=out)
    first = sorted(Attempt.objects.values_list("invitation__applicant__name", "percent"))
    assert Question.objects.count() >= 10
    assert TestTemplate.objects.count() == 1
    assert Applicant.objects.count() == 5 and len(first) == 4
    seed_recruitment(rng=random.Random(7), staff_count=10, stdout=out)
    assert TestTemplate.objects.count() == 1 and Applicant.objects.count() == 5


def test_purge_command(invite, settings):
    settings.RECRUITMENT_RETENTION_DAYS = 0
    invite()
    out = io.StringIO()
    call_command("recruitment_purge", stdout=out)
    assert "Removed the personal data of 1 applicant" in out.getvalue()
    assert Applicant.objects.get().name == ""


def test_overdue_attempts_are_closed_by_the_scheduled_task(invite):
    from datetime import timedelta

    from django.utils import timezone

    from skills_matrix.recruitment.tasks import close_overdue_attempts

    invitation, _ = invite()
    services.attempt_start(invitation=invitation)
    Attempt.objects.update(deadline=timezone.now() - timedelta(minutes=1))
    assert close_overdue_attempts() == 1
    assert Attempt.objects.get().state == Attempt.State.TIMED_OUT
