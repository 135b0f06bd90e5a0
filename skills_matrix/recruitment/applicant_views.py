"""The applicant's side: no account, only the link. Every page starts by resolving the link and
refusing clearly when it cannot be used. Each answer is a POST that saves and redirects (POST-
redirect-GET), so a refresh or a dropped connection never loses or duplicates an answer, and the
link always resumes at the first unanswered question.

Rate limits: per link (a runaway client) and, for links that do not exist, per IP address (someone
guessing links). Valid links are not limited by IP, because many applicants may sit a test from the
same office network at once.
"""

import math

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django_ratelimit.core import is_ratelimited

from core.errors import DomainError

from . import services
from .forms import AnswerForm
from .models import Attempt, AttemptQuestion, Invitation

LINK_RATE = "240/m"
BAD_LINK_RATE = "20/m"
SERVICE_NAME = "Job applicant ICT test"  # applicants are not staff: the header names their service

REFUSALS = {
    "unknown": ("This link does not work",
                "Check that you copied the whole link from your email. If it still does not work, "
                "contact the recruiting team who invited you."),
    "expired": ("This link has expired",
                "The link to your test was only valid for a limited time. Contact the recruiting team "
                "who invited you and ask them to send you a new link."),
    "used": ("This test has already been completed",
             "Each link can be used for one test only, and this test has been submitted. You do not need "
             "to do anything else; the recruiting team will be in touch."),
    "revoked": ("This link has been cancelled",
                "The recruiting team has cancelled this link. If you think this is a mistake, contact them."),
}


def _refuse(request, problem: str, status: int):
    title, body = REFUSALS[problem]
    return render(request, "recruitment/applicant/refused.html",
                  {"title": title, "body": body, "SERVICE_NAME": SERVICE_NAME}, status=status)


def _too_many(request):
    return render(
        request, "recruitment/applicant/refused.html",
        {"title": "Too many requests", "body": "Please wait a minute and try again. Your answers so far are saved.",
         "SERVICE_NAME": SERVICE_NAME},
        status=429,
    )


def _resolve(request, token: str, *, allow_completed: bool = False):
    """(invitation, None) when the link can be used, else (None, refusal response)."""
    hashed = services.token_hash(token)
    if is_ratelimited(request, group="recruitment-link", key=lambda g, r: hashed, rate=LINK_RATE, increment=True):
        return None, _too_many(request)
    invitation = services.invitation_by_token(token)
    if invitation is None:
        if is_ratelimited(request, group="recruitment-bad-link", key="ip", rate=BAD_LINK_RATE, increment=True):
            return None, _too_many(request)
        return None, _refuse(request, "unknown", 404)
    problem = services.link_problem(invitation)
    if problem == "used" and allow_completed:
        return invitation, None
    if problem:
        return None, _refuse(request, problem, {"expired": 410, "used": 410, "revoked": 403}.get(problem, 404))
    return invitation, None


def _context(invitation: Invitation, attempt: Attempt | None = None, **extra):
    ctx = {"invitation": invitation, "large_text": invitation.large_text, "template": invitation.template,
           "SERVICE_NAME": SERVICE_NAME}
    if attempt is not None:
        # Rounded up: "about 20 minutes" at the start of a 20-minute test, "about 1 minute" near the end.
        seconds = (attempt.deadline - timezone.now()).total_seconds()
        remaining = max(0, math.ceil(seconds / 60))
        ctx.update(attempt=attempt, minutes_left=remaining)
    ctx.update(extra)
    return ctx


def _attempt(invitation: Invitation) -> Attempt | None:
    attempt = Attempt.objects.filter(invitation_id=invitation.pk).first()
    if attempt is not None and services.attempt_close_if_overdue(attempt=attempt):
        attempt.refresh_from_db()
    return attempt


def _resume_url(token: str, attempt: Attempt):
    """The first unanswered question, or the check page when every question has an answer."""
    if not attempt.is_open:
        return redirect("recruitment_applicant:done", token=token)
    first = (
        AttemptQuestion.objects.filter(attempt=attempt, answered_at__isnull=True)
        .order_by("position").values_list("position", flat=True).first()
    )
    if first is None:
        return redirect("recruitment_applicant:check", token=token)
    return redirect("recruitment_applicant:question", token=token, position=first)


@never_cache
@require_http_methods(["GET", "POST"])
def start(request, token: str):
    invitation, refusal = _resolve(request, token)
    if refusal:
        return refusal
    if invitation.state == Invitation.State.STARTED:
        attempt = _attempt(invitation)
        return _resume_url(token, attempt)
    if request.method == "POST":
        try:
            attempt = services.attempt_start(invitation=invitation)
        except DomainError as exc:
            return render(request, "recruitment/applicant/refused.html",
                          {"title": "The test cannot start", "body": str(exc), "SERVICE_NAME": SERVICE_NAME},
                          status=409)
        return _resume_url(token, attempt)
    question_total = sum(a.question_count for a in invitation.template.areas.all())
    return render(
        request, "recruitment/applicant/start.html",
        _context(invitation, minutes=round(services.time_allowed(invitation.template, invitation).total_seconds() / 60),
                 question_total=question_total, applicant_name=invitation.applicant.name),
    )


@never_cache
@require_http_methods(["GET", "POST"])
def question(request, token: str, position: int):
    invitation, refusal = _resolve(request, token, allow_completed=True)
    if refusal:
        return refusal
    attempt = _attempt(invitation)
    if attempt is None:
        return redirect("recruitment_applicant:start", token=token)
    if not attempt.is_open:
        # No going back once the test is submitted or the time is up.
        return redirect("recruitment_applicant:done", token=token)
    aq = AttemptQuestion.objects.select_related("version").filter(attempt=attempt, position=position).first()
    if aq is None:
        return _resume_url(token, attempt)
    if request.method == "POST":
        form = AnswerForm(request.POST, version=aq.version, order=aq.option_order)
        if form.is_valid():
            outcome = services.answer_save(invitation=invitation, position=position, answer=form.answer())
            if outcome == services.AnswerOutcome.LATE:
                messages.warning(request, "Your time ran out before that answer arrived, so it was not counted.")
                return redirect("recruitment_applicant:done", token=token)
            if outcome == services.AnswerOutcome.CLOSED:
                return redirect("recruitment_applicant:done", token=token)
            if request.POST.get("then") == "check" or position >= attempt.question_count:
                return redirect("recruitment_applicant:check", token=token)
            return redirect("recruitment_applicant:question", token=token, position=position + 1)
    else:
        form = AnswerForm(version=aq.version, initial_answer=aq.answer, order=aq.option_order)
    return render(
        request, "recruitment/applicant/question.html",
        _context(invitation, attempt, form=form, aq=aq, version=aq.version, position=position,
                 is_last=position >= attempt.question_count, token=token,
                 from_check=request.GET.get("from") == "check"),
    )


@never_cache
@require_http_methods(["GET", "POST"])
def check(request, token: str):
    invitation, refusal = _resolve(request, token, allow_completed=True)
    if refusal:
        return refusal
    attempt = _attempt(invitation)
    if attempt is None:
        return redirect("recruitment_applicant:start", token=token)
    if not attempt.is_open:
        return redirect("recruitment_applicant:done", token=token)
    if request.method == "POST":
        # Two tabs, a double click or a resent form: the attempt lock and state check in
        # attempt_submit make every submit after the first a no-op.
        services.attempt_submit(invitation=invitation)
        return redirect("recruitment_applicant:done", token=token)
    items = list(attempt.questions.select_related("version").order_by("position"))
    unanswered = sum(1 for aq in items if aq.answered_at is None)
    return render(request, "recruitment/applicant/check.html",
                  _context(invitation, attempt, items=items, unanswered=unanswered, token=token))


@never_cache
def done(request, token: str):
    invitation, refusal = _resolve(request, token, allow_completed=True)
    if refusal:
        return refusal
    attempt = _attempt(invitation)
    if attempt is None or attempt.is_open:
        return redirect("recruitment_applicant:start", token=token)
    return render(request, "recruitment/applicant/done.html", _context(invitation, attempt=None, finished=attempt))
