"""Reads for recruitment tests. Everything here is for HR only (views and API check the role first);
applicants reach nothing but their own test through their link."""

from django.db.models import Avg, Count, Prefetch, Q, QuerySet

from skills_matrix.models import Skill

from .models import (
    Applicant,
    Attempt,
    AttemptAreaResult,
    AttemptQuestion,
    PurgeRecord,
    Question,
    QuestionKind,
    TemplateArea,
    TestTemplate,
)


def applicants_list(*, vacancy: str = "", include_purged: bool = False) -> QuerySet[Applicant]:
    qs = Applicant.objects.select_related("invitation__template", "invitation__attempt")
    if not include_purged:
        qs = qs.filter(purged_at__isnull=True)
    if vacancy:
        qs = qs.filter(vacancy_reference__iexact=vacancy.strip())
    return qs


def applicant_detail(pk: int) -> Applicant:
    return Applicant.objects.select_related(
        "invitation__template", "invitation__attempt", "handed_over_to"
    ).get(pk=pk, purged_at__isnull=True)


def attempt_for(applicant: Applicant) -> Attempt | None:
    invitation = getattr(applicant, "invitation", None)
    return getattr(invitation, "attempt", None) if invitation else None


def area_results(attempt: Attempt) -> list[AttemptAreaResult]:
    return list(attempt.area_results.select_related("area"))


def templates_list() -> QuerySet[TestTemplate]:
    return TestTemplate.objects.select_related("role_profile").prefetch_related(
        Prefetch("areas", queryset=TemplateArea.objects.select_related("area"))
    ).annotate(invitation_count=Count("invitations", distinct=True)).order_by("name", "id")


def framework_areas() -> QuerySet[Skill]:
    return Skill.objects.filter(kind=Skill.Kind.AREA, is_active=True).order_by("tree_id", "lft")


def question_bank() -> QuerySet[Question]:
    return (
        Question.objects.select_related("skill", "current")
        .annotate(version_count=Count("versions"))
        .order_by("skill__name", "id")
    )


def vacancy_comparison(vacancy: str) -> dict:
    """Candidates for one vacancy side by side: one row per applicant who finished, one column per
    area tested. Three queries whatever the number of candidates."""
    attempts = list(
        Attempt.objects.filter(vacancy_reference__iexact=vacancy.strip(), invitation__isnull=False,
                               invitation__applicant__purged_at__isnull=True)
        .exclude(state=Attempt.State.IN_PROGRESS)
        .select_related("invitation__applicant", "template")
        .prefetch_related(Prefetch("area_results", queryset=AttemptAreaResult.objects.select_related("area")))
        .order_by("-passed", "-percent", "invitation__applicant__name")
    )
    areas: dict[int, Skill] = {}
    for attempt in attempts:
        for result in attempt.area_results.all():
            areas.setdefault(result.area_id, result.area)
    ordered_areas = sorted(areas.values(), key=lambda a: (a.tree_id, a.lft))
    rows = []
    for attempt in attempts:
        by_area = {r.area_id: r for r in attempt.area_results.all()}
        rows.append({"attempt": attempt, "applicant": attempt.invitation.applicant,
                     "cells": [by_area.get(a.pk) for a in ordered_areas]})
    return {"vacancy": vacancy, "areas": ordered_areas, "rows": rows}


def statistics() -> list[dict]:
    """Anonymous figures per template and area, applicants only (staff taking a test are not
    recruitment). Built only from scores, so they survive the purge."""
    rows = (
        AttemptAreaResult.objects.exclude(attempt__state=Attempt.State.IN_PROGRESS)
        .filter(attempt__invitation__isnull=False)
        .values("attempt__template__name", "area__name")
        .annotate(attempts=Count("id"), mean_percent=Avg("percent"), passed=Count("id", filter=Q(passed=True)))
        .order_by("attempt__template__name", "area__name")
    )
    return [
        {
            "template": r["attempt__template__name"], "area": r["area__name"], "attempts": r["attempts"],
            "mean_percent": round(r["mean_percent"] or 0), "pass_rate": round(100 * r["passed"] / r["attempts"]),
        }
        for r in rows
    ]


def purge_records() -> QuerySet[PurgeRecord]:
    return PurgeRecord.objects.select_related("actor")


def applicant_export(applicant: Applicant) -> dict:
    """Everything we hold about one applicant, for a subject access request."""
    invitation = getattr(applicant, "invitation", None)
    attempt = getattr(invitation, "attempt", None) if invitation else None
    data = {
        "applicant": {
            "reference": applicant.pk, "name": applicant.name, "email": applicant.email,
            "vacancy_reference": applicant.vacancy_reference, "employee_number": applicant.employee_number,
            "invited_at": applicant.created_at.isoformat(),
            "hired_at": applicant.hired_at.isoformat() if applicant.hired_at else None,
        },
        "invitation": None, "attempt": None, "area_results": [], "answers": [],
    }
    if invitation:
        data["invitation"] = {
            "test": invitation.template.name, "state": invitation.get_state_display(),
            "link_expires_at": invitation.expires_at.isoformat(), "links_issued": invitation.issue_count,
            "extra_time_percent": invitation.extra_time_percent, "large_text": invitation.large_text,
        }
    if attempt:
        data["attempt"] = {
            "state": attempt.get_state_display(), "started_at": attempt.started_at.isoformat(),
            "deadline": attempt.deadline.isoformat(),
            "completed_at": attempt.completed_at.isoformat() if attempt.completed_at else None,
            "percent": attempt.percent, "passed": attempt.passed,
        }
        data["area_results"] = [
            {"area": r.area.name, "percent": r.percent, "pass_mark_percent": r.pass_mark_percent, "passed": r.passed}
            for r in area_results(attempt)
        ]
        for aq in AttemptQuestion.objects.filter(attempt=attempt).select_related("version"):
            v = aq.version
            data["answers"].append({
                "position": aq.position, "question": v.prompt,
                "answer": _answer_text(v, aq.answer) if aq.answer else None,
                "answered_at": aq.answered_at.isoformat() if aq.answered_at else None,
                "correct": aq.is_correct,
            })
    return data


def _answer_text(version, answer: list[int]) -> list[str]:
    """An answer as the candidate saw it: the options chosen, or for a sorting task each item with
    the folder it was put in."""
    if version.kind == QuestionKind.SORTING:
        return [f"{item} → {version.groups[g]}" for item, g in zip(version.options, answer, strict=False)
                if 0 <= g < len(version.groups)]
    return [version.options[i] for i in answer if 0 <= i < len(version.options)]


def export_rows(data: dict) -> list[list[str]]:
    """The export flattened to (section, item, value) rows for CSV."""
    rows = [["section", "item", "value"]]
    for key, value in data["applicant"].items():
        rows.append(["applicant", key, "" if value is None else str(value)])
    for section in ("invitation", "attempt"):
        for key, value in (data[section] or {}).items():
            rows.append([section, key, "" if value is None else str(value)])
    for r in data["area_results"]:
        rows.append(["area result", r["area"], f"{r['percent']}% (pass mark {r['pass_mark_percent']}%)"])
    for a in data["answers"]:
        given = "; ".join(a["answer"]) if a["answer"] else "(no answer)"
        rows.append(["answer", f"{a['position']}. {a['question']}", given])
    return rows


# --- staff taking a test ----------------------------------------------------------------------


def staff_tests_open() -> QuerySet[TestTemplate]:
    return TestTemplate.objects.filter(is_active=True, open_to_staff=True).prefetch_related(
        Prefetch("areas", queryset=TemplateArea.objects.select_related("area"))).order_by("name", "id")


def staff_attempts(employee) -> QuerySet[Attempt]:
    """A member of staff's own attempts, newest first, with their results. Only ever their own: a
    page asking for another attempt by id finds nothing (404)."""
    return (
        Attempt.objects.filter(employee=employee).select_related("template")
        .prefetch_related(Prefetch("area_results", queryset=AttemptAreaResult.objects.select_related("area")))
        .order_by("-started_at", "-pk")
    )
