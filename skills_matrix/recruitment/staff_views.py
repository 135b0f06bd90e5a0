"""Staff taking the baseline ICT test themselves (issue 14.9): the same questions, marking and
time limit as applicants, under their own sign-in instead of a link. A finished test's levels
become skills evidence that waits for their manager (services.attempts.staff_evidence_record).

Every page fetches the attempt through selectors.staff_attempts(me): someone else's attempt is a
404. Each answer is a POST that saves and redirects, as on the applicant's pages."""

import math

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from core.errors import DomainError
from people.selectors import my_employee

from . import selectors, services
from .forms import AnswerForm
from .models import Attempt, AttemptQuestion


def _mine(request, pk: int) -> Attempt:
    me = my_employee(request.user)
    attempt = get_object_or_404(selectors.staff_attempts(me), pk=pk)
    if services.attempt_close_if_overdue(attempt=attempt):
        attempt.refresh_from_db()
    return attempt


def _minutes_left(attempt: Attempt) -> int:
    return max(0, math.ceil((attempt.deadline - timezone.now()).total_seconds() / 60))


def _resume(attempt: Attempt):
    if not attempt.is_open:
        return redirect("ict_test:result", pk=attempt.pk)
    first = (AttemptQuestion.objects.filter(attempt=attempt, answered_at__isnull=True)
             .order_by("position").values_list("position", flat=True).first())
    if first is None:
        return redirect("ict_test:check", pk=attempt.pk)
    return redirect("ict_test:question", pk=attempt.pk, position=first)


def index(request):
    me = my_employee(request.user)
    attempts = list(selectors.staff_attempts(me)[:20])
    return render(request, "recruitment/staff/index.html", {
        "tests": selectors.staff_tests_open(), "attempts": attempts,
        "running": next((a for a in attempts if a.is_open), None),
    })


@require_POST
def start(request, template_id: int):
    me = my_employee(request.user)
    template = get_object_or_404(selectors.staff_tests_open(), pk=template_id)
    try:
        attempt = services.staff_attempt_start(employee=me, template=template)
    except DomainError as exc:
        messages.error(request, str(exc))
        return redirect("ict_test:index")
    return _resume(attempt)


@never_cache
@require_http_methods(["GET", "POST"])
def question(request, pk: int, position: int):
    attempt = _mine(request, pk)
    if not attempt.is_open:
        return redirect("ict_test:result", pk=attempt.pk)
    aq = AttemptQuestion.objects.select_related("version").filter(attempt=attempt, position=position).first()
    if aq is None:
        return _resume(attempt)
    if request.method == "POST":
        form = AnswerForm(request.POST, version=aq.version, order=aq.option_order)
        if form.is_valid():
            outcome = services.answer_save(attempt=attempt, position=position, answer=form.answer())
            if outcome == services.AnswerOutcome.LATE:
                messages.warning(request, "Your time ran out before that answer arrived, so it was not counted.")
            if outcome != services.AnswerOutcome.SAVED:
                return redirect("ict_test:result", pk=attempt.pk)
            if request.POST.get("then") == "check" or position >= attempt.question_count:
                return redirect("ict_test:check", pk=attempt.pk)
            return redirect("ict_test:question", pk=attempt.pk, position=position + 1)
    else:
        form = AnswerForm(version=aq.version, initial_answer=aq.answer, order=aq.option_order)
    return render(request, "recruitment/staff/question.html", {
        "attempt": attempt, "form": form, "aq": aq, "version": aq.version, "position": position,
        "is_last": position >= attempt.question_count, "from_check": request.GET.get("from") == "check",
        "minutes_left": _minutes_left(attempt),
    })


@never_cache
@require_http_methods(["GET", "POST"])
def check(request, pk: int):
    attempt = _mine(request, pk)
    if not attempt.is_open:
        return redirect("ict_test:result", pk=attempt.pk)
    if request.method == "POST":
        services.attempt_submit(attempt=attempt)
        return redirect("ict_test:result", pk=attempt.pk)
    items = list(attempt.questions.select_related("version").order_by("position"))
    return render(request, "recruitment/staff/check.html", {
        "attempt": attempt, "items": items, "unanswered": sum(1 for aq in items if aq.answered_at is None),
        "minutes_left": _minutes_left(attempt),
    })


def result(request, pk: int):
    attempt = _mine(request, pk)
    if attempt.is_open:
        raise Http404("This test is still under way.")
    return render(request, "recruitment/staff/result.html", {
        "attempt": attempt, "results": list(attempt.area_results.all()),
    })
