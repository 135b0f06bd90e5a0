"""The question bank (questions and their versions) and test templates (which areas, how many
questions, pass marks)."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction

from people.audit import active_set, audit_record
from skills_matrix.models import Level, Skill

from ..models import Question, QuestionVersion, TemplateArea, TestTemplate


def _version_build(*, question, number, kind, prompt, scenario, options, correct, difficulty, explanation,
                   groups=()):
    version = QuestionVersion(
        question=question, number=number, kind=kind, prompt=(prompt or "").strip(),
        scenario=(scenario or "").strip(), options=[str(o).strip() for o in options], correct=list(correct),
        difficulty=difficulty, explanation=(explanation or "").strip(), groups=[str(g).strip() for g in groups or ()],
    )
    version.full_clean(exclude=["question"])
    return version


@transaction.atomic
def question_create(
    *, actor, skill: Skill, kind: str, prompt: str, options: list[str], correct: list[int],
    scenario: str = "", difficulty: int = 2, explanation: str = "", groups: list[str] = (),
) -> Question:
    if skill.kind != Skill.Kind.SKILL:
        raise ValidationError({"skill": "Questions belong to a skill, not to an area."})
    question = Question.objects.create(skill=skill, created_by=actor if getattr(actor, "pk", None) else None)
    version = _version_build(
        question=question, number=1, kind=kind, prompt=prompt, scenario=scenario, options=options,
        correct=correct, difficulty=difficulty, explanation=explanation, groups=groups,
    )
    version.save()
    question.current = version
    question.save(update_fields=["current"])
    audit_record(actor=actor, action="recruitment.question_created", target=question)
    return question


@transaction.atomic
def question_edit(
    *, actor, question: Question, kind: str, prompt: str, options: list[str], correct: list[int],
    scenario: str = "", difficulty: int = 2, explanation: str = "", groups: list[str] = (),
) -> QuestionVersion:
    """Adds a new version and makes it current. Old versions stay as they were: attempts that showed
    them keep scoring against them."""
    question = Question.objects.select_for_update().get(pk=question.pk)
    last = question.versions.order_by("-number").values_list("number", flat=True).first() or 0
    version = _version_build(
        question=question, number=last + 1, kind=kind, prompt=prompt, scenario=scenario, options=options,
        correct=correct, difficulty=difficulty, explanation=explanation, groups=groups,
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
    """Retires (or restores) a question: it is no longer drawn for new tests. Past attempts keep it."""
    return active_set(actor=actor, obj=question, is_active=is_active,
                      action="recruitment.question_restored" if is_active else "recruitment.question_retired")


# --- templates ------------------------------------------------------------------------------------

def drawable_questions(area: Skill):
    """The questions a test can draw for an area: active, with a wording, under an active skill of
    the area."""
    return Question.objects.filter(
        is_active=True, current__isnull=False, skill__is_active=True, skill__kind=Skill.Kind.SKILL,
        skill__tree_id=area.tree_id, skill__lft__gt=area.lft, skill__rght__lt=area.rght,
    )


def bank_shortfalls(areas) -> list[str]:
    """One message per area the bank cannot fill, naming the area and how many questions are missing.
    `areas` are AreaSpec or TemplateArea rows (anything with `area` and `question_count`). An empty
    list means every area can be filled, so no candidate can pass on an area nobody tested."""
    problems = []
    for spec in areas:
        have = drawable_questions(spec.area).count()
        if have < spec.question_count:
            problems.append(
                f"“{spec.area.name}” needs {spec.question_count} question{'s' if spec.question_count != 1 else ''} "
                f"but the bank has {have} in use for it ({spec.question_count - have} short). "
                "Add questions to the bank or ask fewer in this area."
            )
    return problems


def template_shortfalls(template: TestTemplate) -> list[str]:
    return bank_shortfalls(template.areas.select_related("area"))


def templates_left_short() -> list[tuple[TestTemplate, list[str]]]:
    """Templates in use that the bank can no longer fill (after a question is retired)."""
    out = []
    for template in TestTemplate.objects.filter(is_active=True).prefetch_related("areas__area"):
        problems = bank_shortfalls(template.areas.all())
        if problems:
            out.append((template, problems))
    return out

@dataclass(frozen=True)
class AreaSpec:
    area: Skill
    question_count: int
    pass_mark_percent: int = 60
    baseline_level: int = Level.FOUNDATION


def _areas_check(areas: list[AreaSpec]) -> None:
    if not areas:
        raise ValidationError({"areas": "Choose at least one area to test."})
    if len({a.area.pk for a in areas}) != len(areas):
        raise ValidationError({"areas": "An area is listed twice."})
    for spec in areas:
        if spec.area.kind != Skill.Kind.AREA:
            raise ValidationError({"areas": f"“{spec.area.name}” is a skill, not an area of the framework."})
    problems = bank_shortfalls(areas)
    if problems:
        raise ValidationError({"areas": problems})


def _area_rows(template: TestTemplate, areas: list[AreaSpec]) -> list[TemplateArea]:
    rows = []
    for spec in areas:
        row = TemplateArea(
            template=template, area=spec.area, question_count=spec.question_count,
            pass_mark_percent=spec.pass_mark_percent, baseline_level=spec.baseline_level,
        )
        row.full_clean(exclude=["template"])
        rows.append(row)
    return rows


def _area_summary(rows) -> dict:
    return {
        r.area.code: [r.question_count, r.pass_mark_percent, int(r.baseline_level)]
        for r in sorted(rows, key=lambda r: r.area.code)
    }


@transaction.atomic
def template_create(
    *, actor, name: str, time_limit_minutes: int, areas: list[AreaSpec], role_name: str = "", role_profile=None,
    open_to_staff: bool = False,
) -> TestTemplate:
    """Refused (ValidationError naming the area and the shortfall) when the bank cannot fill an area."""
    _areas_check(areas)
    template = TestTemplate(
        name=(name or "").strip(), role_name=(role_name or "").strip(), time_limit_minutes=time_limit_minutes,
        role_profile=role_profile, created_by=actor if getattr(actor, "pk", None) else None,
        open_to_staff=open_to_staff,
    )
    template.full_clean()
    template.save()
    TemplateArea.objects.bulk_create(_area_rows(template, areas))
    audit_record(actor=actor, action="recruitment.template_created", target=template)
    return template


@transaction.atomic
def template_edit(
    *, actor, template: TestTemplate, name: str, time_limit_minutes: int, areas: list[AreaSpec],
    role_name: str = "", role_profile=None, open_to_staff: bool = False,
) -> TestTemplate:
    """Changes a template for invitations issued from now on. Tests already started are marked
    against the areas they started with (Attempt.area_specs), so an edit never changes them."""
    template = TestTemplate.objects.select_for_update().get(pk=template.pk)
    _areas_check(areas)
    before = {
        "name": template.name, "role_name": template.role_name, "time_limit_minutes": template.time_limit_minutes,
        "role_profile": template.role_profile_id, "open_to_staff": template.open_to_staff,
        "areas": _area_summary(template.areas.select_related("area")),
    }
    template.name, template.role_name = (name or "").strip(), (role_name or "").strip()
    template.time_limit_minutes, template.role_profile = time_limit_minutes, role_profile
    template.open_to_staff = open_to_staff
    template.full_clean()
    template.save(update_fields=["name", "role_name", "time_limit_minutes", "role_profile", "open_to_staff"])
    rows = _area_rows(template, areas)
    TemplateArea.objects.filter(template=template).delete()
    TemplateArea.objects.bulk_create(rows)
    after = {
        "name": template.name, "role_name": template.role_name, "time_limit_minutes": template.time_limit_minutes,
        "role_profile": template.role_profile_id, "open_to_staff": template.open_to_staff,
        "areas": _area_summary(rows),
    }
    changes = {k: [before[k], after[k]] for k in before if before[k] != after[k]}
    audit_record(actor=actor, action="recruitment.template_edited", target=template, changes=changes)
    return template


@transaction.atomic
def template_set_active(*, actor, template: TestTemplate, is_active: bool) -> TestTemplate:
    """Retiring a template stops new invitations from it; links already sent keep working."""
    return active_set(actor=actor, obj=template, is_active=is_active,
                      action="recruitment.template_restored" if is_active else "recruitment.template_retired")
