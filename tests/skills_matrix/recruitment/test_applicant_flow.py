"""Taking the test through the applicant's link: refusals, saving, resuming, the time limit, submitting."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from skills_matrix.recruitment import services
from skills_matrix.recruitment.models import Attempt, AttemptQuestion, Invitation

from .conftest import right_answer, wrong_answer

pytestmark = pytest.mark.django_db


def url(name, token, **kw):
    return reverse(f"recruitment_applicant:{name}", kwargs={"token": token, **kw})


def start(client, token):
    return client.post(url("start", token))


def questions(invitation):
    return list(AttemptQuestion.objects.filter(attempt__invitation=invitation).select_related("version"))


def test_start_page_needs_no_account_and_explains_the_test(client, invite):
    _, token = invite(extra_time_percent=50)
    page = client.get(url("start", token))
    assert page.status_code == 200
    body = page.content.decode()
    assert "Start the test" in body
    assert "15 minutes" in body  # 10 minutes + 50% extra time
    assert "50% extra time" in body


@pytest.mark.parametrize("problem, status, heading", [
    ("expired", 410, "This link has expired"),
    ("used", 410, "This test has already been completed"),
    ("revoked", 403, "This link has been cancelled"),
    ("unknown", 404, "This link does not work"),
])
def test_expired_used_revoked_and_unknown_links_are_refused_with_a_clear_page(client, invite, problem, status, heading):
    invitation, token = invite()
    if problem == "expired":
        Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    elif problem == "used":
        start(client, token)
        services.attempt_submit(invitation=invitation)
    elif problem == "revoked":
        services.invitation_revoke(actor=None, invitation=invitation)
    elif problem == "unknown":
        token = token[:-4] + ("aaaa" if not token.endswith("aaaa") else "bbbb")
    for response in (client.get(url("start", token)), start(client, token)):
        assert response.status_code == status
        assert heading in response.content.decode()
    assert not Attempt.objects.filter(invitation=invitation, state=Attempt.State.IN_PROGRESS).exists()


def test_only_a_hash_of_the_token_is_stored(invite):
    invitation, token = invite()
    invitation.refresh_from_db()
    assert token not in invitation.token_hash
    assert invitation.token_hash == services.token_hash(token)
    assert len(token) >= 43  # 32 random bytes, URL-safe base64


def test_an_answer_is_saved_on_each_submit_and_the_next_question_follows(client, invite):
    invitation, token = invite()
    response = start(client, token)
    assert response.status_code == 302 and response["Location"] == url("question", token, position=1)
    q1 = questions(invitation)[0]
    response = client.post(url("question", token, position=1), {"answer": right_answer(q1)})
    assert response.status_code == 302 and response["Location"] == url("question", token, position=2)
    q1.refresh_from_db()
    assert q1.answer == q1.version.correct and q1.answered_at is not None


def test_posting_the_same_answer_twice_is_harmless(client, invite):
    invitation, token = invite()
    start(client, token)
    q1 = questions(invitation)[0]
    for _ in range(2):
        client.post(url("question", token, position=1), {"answer": right_answer(q1)})
    q1.refresh_from_db()
    assert q1.answer == q1.version.correct
    assert AttemptQuestion.objects.filter(attempt__invitation=invitation).count() == 4


def test_no_answer_chosen_shows_an_error_naming_the_question(client, invite):
    _, token = invite()
    start(client, token)
    response = client.post(url("question", token, position=1), {})
    assert response.status_code == 200
    assert "Select an answer" in response.content.decode()
    assert "There is a problem" in response.content.decode()


def test_resuming_after_a_dropped_connection_keeps_earlier_answers(client, invite):
    invitation, token = invite()
    start(client, token)
    qs = questions(invitation)
    client.post(url("question", token, position=1), {"answer": right_answer(qs[0])})
    client.post(url("question", token, position=2), {"answer": wrong_answer(qs[1])})
    # The connection drops; the applicant opens the link from the email again in a new browser.
    client.cookies.clear()
    response = client.get(url("start", token))
    assert response["Location"] == url("question", token, position=3)
    page = client.get(url("question", token, position=1))
    assert f'value="{right_answer(qs[0])}" checked' in page.content.decode()
    saved = {aq.position: aq.answer for aq in questions(invitation)}
    assert saved[1] == qs[0].version.correct and saved[2] == [int(wrong_answer(qs[1]))]
    assert saved[3] is None and saved[4] is None


def test_starting_twice_does_not_draw_a_second_set_of_questions(client, invite):
    invitation, token = invite()
    start(client, token)
    start(client, token)
    assert Attempt.objects.filter(invitation=invitation).count() == 1
    assert AttemptQuestion.objects.filter(attempt__invitation=invitation).count() == 4


def test_an_answer_after_the_time_limit_is_not_counted_and_closes_the_test(client, invite):
    invitation, token = invite()
    start(client, token)
    qs = questions(invitation)
    client.post(url("question", token, position=1), {"answer": right_answer(qs[0])})
    Attempt.objects.filter(invitation=invitation).update(deadline=timezone.now() - timedelta(seconds=1))
    response = client.post(url("question", token, position=2), {"answer": right_answer(qs[1])}, follow=True)
    assert "Your time ran out" in response.content.decode()
    attempt = Attempt.objects.get(invitation=invitation)
    assert attempt.state == Attempt.State.TIMED_OUT
    late = AttemptQuestion.objects.get(attempt=attempt, position=2)
    assert late.answer is None and late.is_correct is False
    assert attempt.correct_count == 1  # only the answer given in time
    invitation.refresh_from_db()
    assert invitation.state == Invitation.State.COMPLETED


def test_the_time_limit_is_checked_on_the_server_when_submitting(invite):
    invitation, token = invite()
    attempt = services.attempt_start(invitation=invitation)
    attempt, submitted = services.attempt_submit(invitation=invitation, now=attempt.deadline + timedelta(seconds=1))
    assert not submitted and attempt.state == Attempt.State.TIMED_OUT


@pytest.mark.parametrize("extra, allowed_minutes", [(0, 10), (25, 12.5), (100, 20)])
def test_extra_time_applies(invite, extra, allowed_minutes):
    invitation, _ = invite(extra_time_percent=extra)
    now = timezone.now()
    attempt = services.attempt_start(invitation=invitation, now=now)
    assert attempt.deadline - now == timedelta(minutes=allowed_minutes)
    # An answer just inside the extended time counts; one just after does not.
    inside = now + timedelta(minutes=allowed_minutes) - timedelta(seconds=1)
    aq = attempt.questions.select_related("version").first()
    assert services.answer_save(invitation=invitation, position=aq.position, answer=aq.version.correct,
                                now=inside) == services.AnswerOutcome.SAVED
    outside = now + timedelta(minutes=allowed_minutes) + timedelta(seconds=1)
    assert services.answer_save(invitation=invitation, position=aq.position, answer=[1],
                                now=outside) == services.AnswerOutcome.LATE
    aq.refresh_from_db()
    assert aq.answer == aq.version.correct  # the late change did not overwrite the answer given in time


def test_submitting_twice_from_two_tabs_records_one_submission(client, invite):
    invitation, token = invite()
    start(client, token)
    qs = questions(invitation)
    client.post(url("question", token, position=1), {"answer": right_answer(qs[0])})
    first = client.post(url("check", token))
    second = client.post(url("check", token))  # the other tab, same form
    assert first["Location"] == second["Location"] == url("done", token)
    attempt = Attempt.objects.get(invitation=invitation)
    assert attempt.state == Attempt.State.SUBMITTED
    assert attempt.area_results.count() == 2
    from people.models import AuditEntry
    assert AuditEntry.objects.filter(action="recruitment.test_submitted", object_id=str(attempt.pk)).count() == 1


def test_no_going_back_after_submitting(client, invite):
    invitation, token = invite()
    start(client, token)
    qs = questions(invitation)
    client.post(url("check", token))
    assert client.get(url("question", token, position=1))["Location"] == url("done", token)
    response = client.post(url("question", token, position=1), {"answer": right_answer(qs[0])})
    assert response["Location"] == url("done", token)
    assert AttemptQuestion.objects.get(pk=qs[0].pk).answer is None
    done = client.get(url("done", token))
    assert "Test submitted" in done.content.decode()
    assert "will not open the test again" in done.content.decode()


def test_check_page_lists_unanswered_questions(client, invite):
    invitation, token = invite()
    start(client, token)
    qs = questions(invitation)
    client.post(url("question", token, position=1), {"answer": right_answer(qs[0])})
    body = client.get(url("check", token)).content.decode()
    assert "You have not answered 3 questions" in body


def test_larger_text_adjustment_changes_the_pages(client, invite):
    _, token = invite(large_text=True)
    assert "app-large-text" in client.get(url("start", token)).content.decode()
    _, plain = invite(email="b@example.com")
    assert "app-large-text" not in client.get(url("start", plain)).content.decode()


def test_revoking_during_the_test_stops_it(client, invite):
    invitation, token = invite()
    start(client, token)
    services.invitation_revoke(actor=None, invitation=invitation)
    response = client.get(url("question", token, position=1))
    assert response.status_code == 403
    assert Attempt.objects.get(invitation=invitation).state == Attempt.State.STOPPED


def test_reissue_gives_a_new_link_and_kills_the_old_one(client, invite, mailoutbox):
    invitation, old = invite()
    services.invitation_revoke(actor=None, invitation=invitation)
    invitation, link = services.invitation_reissue(actor=None, invitation=invitation, base_url="http://testserver/")
    new = link.rstrip("/").rsplit("/", 1)[-1]
    assert client.get(url("start", old)).status_code == 404
    assert client.get(url("start", new)).status_code == 200
    assert invitation.issue_count == 2


def test_invitation_email_carries_the_link(invite, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _, token = invite(email="sam@example.com")
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["sam@example.com"]
    assert f"/applicant/test/{token}/" in mailoutbox[0].body


def test_a_mail_outage_is_retried_and_the_invitation_stays(invite, mailoutbox, flaky_smtp,
                                                          django_capture_on_commit_callbacks):
    """The link email goes through core.mail: an SMTP failure after commit neither loses the
    invitation nor the email (the queued task retries it)."""
    flaky_smtp.failures = 2
    with django_capture_on_commit_callbacks(execute=True):
        invitation, token = invite(email="sam@example.com")
        services.invitation_reissue(actor=None, invitation=invitation, base_url="http://testserver/")
    assert Invitation.objects.get(pk=invitation.pk).issue_count == 2
    assert [m.to for m in mailoutbox] == [["sam@example.com"], ["sam@example.com"]]
    assert flaky_smtp.attempts == 4  # two refusals, then both emails


def test_a_started_test_cannot_be_reissued(invite):
    from core.errors import IllegalTransition

    invitation, _ = invite()
    services.attempt_start(invitation=invitation)
    with pytest.raises(IllegalTransition, match="already started"):
        services.invitation_reissue(actor=None, invitation=invitation, base_url="http://testserver/")


def test_applicant_pages_name_the_applicant_service_and_the_time_left(client, invite):
    _, token = invite()
    start(client, token)
    body = client.get(url("question", token, position=1)).content.decode()
    assert "Job applicant ICT test" in body
    assert "Time left: about 10 minutes" in body
