"""Scoring: marking an attempt against the question versions it showed, per area with the pass
marks in force, and the starting skill levels a result supports."""

from skills_matrix.models import Level, Skill

from ..models import Attempt, AttemptAreaResult, AttemptQuestion, TemplateArea


def percent_of(correct: int, total: int) -> int:
    return round(100 * correct / total) if total else 0


def score(attempt: Attempt) -> None:
    """Marks every answer against the version shown and stores per-area results with the pass marks
    in force now, so later changes to the template or the questions leave this score alone."""
    aqs = list(attempt.questions.select_related("version"))
    for aq in aqs:
        aq.is_correct = aq.answer is not None and aq.version.is_correct(aq.answer)
    AttemptQuestion.objects.bulk_update(aqs, ["is_correct"])
    specs = {s.area_id: s for s in TemplateArea.objects.filter(template_id=attempt.template_id)}
    by_area: dict[int, list[AttemptQuestion]] = {}
    for aq in aqs:
        by_area.setdefault(aq.area_id, []).append(aq)
    results = []
    for area_id, items in by_area.items():
        spec = specs.get(area_id)
        pass_mark = spec.pass_mark_percent if spec else 100
        correct = sum(1 for aq in items if aq.is_correct)
        percent = percent_of(correct, len(items))
        results.append(
            AttemptAreaResult(
                attempt=attempt, area_id=area_id, question_count=len(items), correct_count=correct,
                percent=percent, pass_mark_percent=pass_mark,
                baseline_level=spec.baseline_level if spec else Level.FOUNDATION, passed=percent >= pass_mark,
            )
        )
    AttemptAreaResult.objects.filter(attempt=attempt).delete()
    AttemptAreaResult.objects.bulk_create(results)
    attempt.correct_count = sum(1 for aq in aqs if aq.is_correct)
    attempt.percent = percent_of(attempt.correct_count, len(aqs))
    attempt.passed = bool(results) and all(r.passed for r in results)


def skill_levels_from(attempt: Attempt) -> list[tuple[Skill, int]]:
    """The starting level a result supports for each skill tested: the area's baseline where the
    applicant met the pass mark on that skill's questions, one level below where they did not."""
    specs = {s.area_id: s for s in TemplateArea.objects.filter(template_id=attempt.template_id)}
    per_skill: dict[int, list[bool]] = {}
    areas: dict[int, int] = {}
    skills: dict[int, Skill] = {}
    for aq in attempt.questions.select_related("version__question__skill"):
        skill = aq.version.question.skill
        skills[skill.pk] = skill
        areas[skill.pk] = aq.area_id
        per_skill.setdefault(skill.pk, []).append(bool(aq.is_correct))
    out = []
    for skill_id, marks in per_skill.items():
        spec = specs.get(areas[skill_id])
        if spec is None or not skills[skill_id].is_active:
            continue  # the area left the template, or the skill was retired since the test
        met = percent_of(sum(marks), len(marks)) >= spec.pass_mark_percent
        level = spec.baseline_level if met else spec.baseline_level - 1
        if level > Level.NONE:
            out.append((skills[skill_id], level))
    return out
