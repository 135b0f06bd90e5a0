"""Two browser tabs (or a double click) racing on PostgreSQL: real threads, real connections, real
row locks. Only one submission may win; an answer racing the submit either lands before it or is
refused, never half-counted."""

import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from people.models import AuditEntry
from skills_matrix.recruitment import services
from skills_matrix.recruitment.models import Attempt, AttemptAreaResult

# Real commits, so the threads' connections see each other's rows. These tests build their own data
# (no reliance on the default framework, which the flush afterwards removes, as for the browser tests).
pytestmark = pytest.mark.django_db(transaction=True)


def run_together(*fns):
    barrier = threading.Barrier(len(fns))
    results, errors = [None] * len(fns), []

    def worker(i, fn):
        try:
            barrier.wait()
            results[i] = fn()
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, fn)) for i, fn in enumerate(fns)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert not errors, errors
    return results


def test_two_tabs_submitting_at_once_make_one_submission(invite):
    invitation, token = invite()
    services.attempt_start(invitation=invitation)
    check = reverse("recruitment_applicant:check", args=[token])
    done = reverse("recruitment_applicant:done", args=[token])

    responses = run_together(*(lambda: Client().post(check) for _ in range(4)))

    assert all(r.status_code == 302 and r["Location"] == done for r in responses)
    attempt = Attempt.objects.get(invitation=invitation)
    assert attempt.state == Attempt.State.SUBMITTED
    assert AttemptAreaResult.objects.filter(attempt=attempt).count() == 2  # scored once, not four times
    assert AuditEntry.objects.filter(action="recruitment.test_submitted", object_id=str(attempt.pk)).count() == 1


def test_an_answer_racing_the_submit_is_either_counted_or_refused(invite):
    invitation, _ = invite()
    attempt = services.attempt_start(invitation=invitation)
    aq = attempt.questions.select_related("version").get(position=1)

    outcome, (_, submitted) = run_together(
        lambda: services.answer_save(invitation=invitation, position=1, answer=aq.version.correct),
        lambda: services.attempt_submit(invitation=invitation),
    )

    assert submitted
    aq.refresh_from_db()
    attempt.refresh_from_db()
    if outcome == services.AnswerOutcome.SAVED:  # landed before the submit: it is in the score
        assert aq.is_correct and attempt.correct_count == 1
    else:  # arrived after: refused, and not stored
        assert outcome == services.AnswerOutcome.CLOSED and aq.answer is None and attempt.correct_count == 0
