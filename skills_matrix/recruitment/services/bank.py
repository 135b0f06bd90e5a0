"""The question bank (questions and their versions) and test templates (which areas, how many
questions, pass marks)."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction

from people.audit import audit_record
from skills_matrix.models import Level, Skill

from ..models import Question, QuestionVersion, TemplateArea, TestTemplate


def _version_build(*, question, number, kind, prompt, scenario, options, correct, difficulty, explanation):
    version = QuestionVersion(
        question=question, number=number, kind=kind, prompt=(prompt or "").strip(),
        scenario=(scenario or "").strip(), options=[str(o).strip() for o in options], correct=list(correct),
        difficulty=difficulty, explanation=(explanation or "").strip(),
    )
    version.full_clean(exclude=["question"])
    return version


@transaction.atomic
def question_create(
    *, actor, skill: Skill, kind: str, prompt: str, options: list[str], correct: list[int],
    scenario: str = "", difficulty: int = 2, explanation: str = "",
) -> Question:
    if skill.kind != Skill.Kind.SKILL:
        raise ValidationError({"skill": "Questions belong to a skill, not to an area."})
    question = Question.objects.create(skill=skill, created_by=actor if getattr(actor, "pk", None) else None)
    version = _version_build(
        question=question, number=1, kind=kind, prompt=prompt, scenario=scenario, options=options,
        correct=correct, difficulty=difficulty, explanation=explanation,
    )
    version.save()
    question.current = version
    question.save(update_fields=["current"])
    audit_record(actor=actor, action="recruitment.question_created", target=question)
    return question


@transaction.atomic
def question_edit(
    *, actor, question: Question, kind: str, prompt: str, options: list[str], correct: list[int],
    scenario: str = "", difficulty: int = 2, explanation: str = "",
) -> QuestionVersion:
    """Adds a new version and makes it current. Old versions stay as they were: attempts that showed
    them keep scoring against them."""
    question = Question.objects.select_for_update().get(pk=question.pk)
    last = question.versions.order_by("-number").values_list("number", flat=True).first() or 0
    version = _version_build(
        question=question, number=last + 1, kind=kind, prompt=prompt, scenario=scenario, options=options,
        correct=correct, difficulty=difficulty, explanation=explanation,
    )
    version.save()
    question.current = version
    question.save(update_fields=["current"])
    audit_record(
        actor=actor, action="recruitment.question_edited", target=question,
        changes={"version": [last, last + 1]},
    )
    return version


@transaction.atomic
def question_set_active(*, actor, question: Question, is_active: bool) -> Question:
    question.is_active = is_active
    question.save(update_fields=["is_active"])
    audit_record(
        actor=actor, action="recruitment.question_retired" if not is_active else "recruitment.question_restored",
        target=question,
    )
    return question


# --- templates ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class AreaSpec:
    area: Skill
    question_count: int
    pass_mark_percent: int = 60
    baseline_level: int = Level.FOUNDATION


@transaction.atomic
def template_create(
    *, actor, name: str, time_limit_minutes: int, areas: list[AreaSpec], role_name: str = "", role_profile=None,
) -> TestTemplate:
    if not areas:
        raise ValidationError({"areas": "Choose at least one area to test."})
    if len({a.area.pk for a in areas}) != len(areas):
        raise ValidationError({"areas": "An area is listed twice."})
    template = TestTemplate(
        name=(name or "").strip(), role_name=(role_name or "").strip(), time_limit_minutes=time_limit_minutes,
        role_profile=role_profile, created_by=actor if getattr(actor, "pk", None) else None,
    )
    template.full_clean()
    template.save()
    rows = []
    for spec in areas:
        if spec.area.kind != Skill.Kind.AREA:
            raise ValidationError({"areas": f"“{spec.area.name}” is a skill, not an area of the framework."})
        row = TemplateArea(
            template=template, area=spec.area, question_count=spec.question_count,
            pass_mark_percent=spec.pass_mark_percent, baseline_level=spec.baseline_level,
        )
        row.full_clean(exclude=["template"])
        rows.append(row)
    TemplateArea.objects.bulk_create(rows)
    audit_record(actor=actor, action="recruitment.template_created", target=template)
    return template
