"""HR pages for recruitment tests (all HR-only)."""

import csv
import json

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from core.errors import DomainError
from core.exports import spreadsheet_safe

from . import selectors, services
from .forms import (
    AdjustmentsForm,
    HiredForm,
    InvitationForm,
    QuestionForm,
    ReissueForm,
    TemplateForm,
    VacancyForm,
)
from .models import Applicant, PurgeRecord, Question
from .pdf import results_pdf
from .permissions import hr_required

PAGE_SIZE = 25
ONE_TIME_LINK = "recruitment_one_time_link"


def _base_url(request) -> str:
    return request.build_absolute_uri("/")


def _form_errors_from(form, exc: ValidationError):
    if hasattr(exc, "message_dict"):
        for field, errs in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errs)
    else:
        form.add_error(None, exc.messages)


def _applicant_or_404(pk: int) -> Applicant:
    try:
        return selectors.applicant_detail(pk)
    except Applicant.DoesNotExist:
        raise Http404("No such applicant, or their details have been removed.") from None


@hr_required
def index(request):
    form = VacancyForm(request.GET or None)
    vacancy = form.cleaned_data["vacancy"] if form.is_valid() else ""
    page = Paginator(selectors.applicants_list(vacancy=vacancy), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "recruitment/index.html", {"form": form, "vacancy": vacancy, "page": page})


@hr_required
@require_http_methods(["GET", "POST"])
def invite(request):
    form = InvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            invitation, link = services.invitation_create(
                actor=request.user, template=d["template"], name=d["name"], email=d["email"],
                vacancy_reference=d["vacancy_reference"], base_url=_base_url(request),
                extra_time_percent=d["extra_time_percent"], large_text=d["large_text"],
                expires_in_days=d["expires_in_days"],
            )
        except ValidationError as exc:
            _form_errors_from(form, exc)
        else:
            request.session[ONE_TIME_LINK] = {"applicant": invitation.applicant_id, "link": link}
            messages.success(request, f"{invitation.applicant.name} has been invited and emailed their link.")
            return redirect("recruitment:applicant", pk=invitation.applicant_id)
    return render(request, "recruitment/invite.html", {"form": form})


@hr_required
def applicant(request, pk: int):
    applicant = _applicant_or_404(pk)
    one_time = request.session.pop(ONE_TIME_LINK, None)
    link = one_time["link"] if one_time and one_time.get("applicant") == applicant.pk else None
    attempt = selectors.attempt_for(applicant)
    return render(request, "recruitment/applicant.html", {
        "applicant": applicant, "invitation": applicant.invitation, "attempt": attempt,
        "results": selectors.area_results(attempt) if attempt and not attempt.is_open else [],
        "link": link, "reissue_form": ReissueForm(), "hired_form": HiredForm(),
        "adjustments_form": AdjustmentsForm(initial={
            "extra_time_percent": applicant.invitation.extra_time_percent,
            "large_text": applicant.invitation.large_text,
        }),
    })


def _act(request, pk, action, success):
    applicant = _applicant_or_404(pk)
    try:
        action(applicant)
    except (DomainError, ValidationError) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
    else:
        messages.success(request, success)
    return redirect("recruitment:applicant", pk=applicant.pk)


@hr_required
@require_POST
def revoke(request, pk: int):
    return _act(request, pk, lambda a: services.invitation_revoke(actor=request.user, invitation=a.invitation),
                "The link has been revoked. It no longer opens the test.")


@hr_required
@require_POST
def reissue(request, pk: int):
    form = ReissueForm(request.POST)
    days = form.cleaned_data["expires_in_days"] if form.is_valid() else services.DEFAULT_LINK_DAYS

    def _reissue(a):
        invitation, link = services.invitation_reissue(
            actor=request.user, invitation=a.invitation, base_url=_base_url(request), expires_in_days=days)
        request.session[ONE_TIME_LINK] = {"applicant": a.pk, "link": link}

    return _act(request, pk, _reissue, "A new link has been emailed. The old link no longer works.")


@hr_required
@require_POST
def adjustments(request, pk: int):
    form = AdjustmentsForm(request.POST)
    if not form.is_valid():
        applicant = _applicant_or_404(pk)
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
        return redirect("recruitment:applicant", pk=applicant.pk)
    d = form.cleaned_data
    return _act(request, pk, lambda a: services.invitation_set_adjustments(
        actor=request.user, invitation=a.invitation, extra_time_percent=d["extra_time_percent"],
        large_text=d["large_text"]), "The adjustments have been saved.")


@hr_required
@require_POST
def hired(request, pk: int):
    form = HiredForm(request.POST)
    number = form.cleaned_data["employee_number"] if form.is_valid() else ""
    return _act(request, pk, lambda a: services.applicant_mark_hired(actor=request.user, applicant=a,
                                                                      employee_number=number),
                "Marked as hired. Their results become starting evidence once they appear in the staff directory.")


@hr_required
@require_POST
def erase(request, pk: int):
    """Erasure on request: the same purge the retention job does, for one applicant now."""
    applicant = _applicant_or_404(pk)
    services.applicants_purge(reason=PurgeRecord.Reason.REQUEST, actor=request.user, applicant_ids=[applicant.pk])
    messages.success(request, f"Applicant {applicant.pk}'s personal data has been removed. Their anonymous scores remain in the statistics.")
    return redirect("recruitment:index")


@hr_required
def export(request, pk: int, fmt: str):
    applicant = _applicant_or_404(pk)
    data = selectors.applicant_export(applicant)
    services.applicant_export_recorded(actor=request.user, applicant=applicant, fmt=fmt)
    filename = f"applicant-{applicant.pk}"
    if fmt == "json":
        response = HttpResponse(json.dumps(data, indent=2), content_type="application/json")
    else:
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        # The name (from the application) is outside HR's control: never let a spreadsheet run it.
        csv.writer(response).writerows([spreadsheet_safe(v) for v in row] for row in selectors.export_rows(data))
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response


@hr_required
def result_pdf(request, pk: int):
    applicant = _applicant_or_404(pk)
    attempt = selectors.attempt_for(applicant)
    if attempt is None or attempt.is_open:
        raise Http404("There is no finished test for this applicant yet.")
    content = results_pdf(applicant=applicant, attempt=attempt, area_results=selectors.area_results(attempt),
                          council_name=settings.COUNCIL_NAME)
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="ict-test-applicant-{applicant.pk}.pdf"'
    return response


@hr_required
def vacancy(request, reference: str):
    comparison = selectors.vacancy_comparison(reference)
    return render(request, "recruitment/vacancy.html", comparison)


@hr_required
def templates(request):
    return render(request, "recruitment/templates.html", {"templates": selectors.templates_list()})


@hr_required
@require_http_methods(["GET", "POST"])
def template_form(request, pk: int | None = None):
    """Create a test, or edit one (for invitations from now on; tests under way keep their areas)."""
    template = get_object_or_404(selectors.templates_list(), pk=pk) if pk else None
    initial = TemplateForm.initial_from(template) if template else None
    form = TemplateForm(request.POST or None, initial=initial, areas=selectors.framework_areas())
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        fields = {k: d[k] for k in ("name", "role_name", "role_profile", "time_limit_minutes", "open_to_staff")}
        try:
            if template is None:
                services.template_create(actor=request.user, areas=form.area_specs(), **fields)
            else:
                services.template_edit(actor=request.user, template=template, areas=form.area_specs(), **fields)
        except ValidationError as exc:
            _form_errors_from(form, exc)
        else:
            verb = "created" if template is None else "saved"
            messages.success(request, f"The test “{d['name']}” has been {verb}.")
            return redirect("recruitment:templates")
    return render(request, "recruitment/template_form.html", {"form": form, "template": template})


@hr_required
@require_POST
def template_active(request, pk: int, active: bool):
    template = get_object_or_404(selectors.templates_list(), pk=pk)
    services.template_set_active(actor=request.user, template=template, is_active=active)
    if active:
        messages.success(request, f"“{template.name}” is in use again.")
    else:
        messages.success(request, f"“{template.name}” has been retired. Links already sent still work.")
    return redirect("recruitment:templates")


@hr_required
@require_POST
def question_active(request, pk: int, active: bool):
    question = get_object_or_404(Question, pk=pk)
    services.question_set_active(actor=request.user, question=question, is_active=active)
    messages.success(request, "The question is in use again." if active else
                     "The question has been retired: new tests no longer draw it. Tests already taken keep it.")
    for template, problems in services.templates_left_short():
        messages.warning(request, f"“{template.name}” cannot be issued until the bank is topped up: " + " ".join(problems))
    return redirect("recruitment:questions")


@hr_required
def questions(request):
    page = Paginator(selectors.question_bank(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "recruitment/questions.html", {"page": page})


@hr_required
@require_http_methods(["GET", "POST"])
def question_form(request, pk: int | None = None):
    question = get_object_or_404(Question.objects.select_related("current", "skill"), pk=pk) if pk else None
    if request.method == "POST":
        form = QuestionForm(request.POST)
        if form.is_valid():
            d = form.cleaned_data
            fields = {k: d[k] for k in ("kind", "prompt", "scenario", "options", "groups", "correct", "difficulty", "explanation")}
            try:
                if question is None:
                    services.question_create(actor=request.user, skill=d["skill"], **fields)
                else:
                    services.question_edit(actor=request.user, question=question, **fields)
            except ValidationError as exc:
                _form_errors_from(form, exc)
            else:
                messages.success(request, "The question has been saved. Tests already taken keep the wording they showed.")
                return redirect(reverse("recruitment:questions"))
    else:
        form = QuestionForm(initial=QuestionForm.initial_from(question) if question else None)
    if question is not None:
        form.fields["skill"].disabled = True
    return render(request, "recruitment/question_form.html", {"form": form, "question": question})


@hr_required
def statistics(request):
    return render(request, "recruitment/statistics.html", {
        "rows": selectors.statistics(), "purges": selectors.purge_records()[:20],
        "retention_days": services.retention_days(),
    })
