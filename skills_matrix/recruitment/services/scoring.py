"""Scoring: marking an attempt against the question versions it showed, per area with the pass
marks in force, and the starting skill levels a result supports."""

from skills_matrix.models import Level, Skill

from ..models import Attempt, AttemptAreaResult, AttemptQuestion, TemplateArea


def percent_of(correct: int, total: int) -> int:
    return round(100 * correct / total) if total else 0


class _Spec:
    def __init__(self, area_id, question_count, pass_mark_percent, baseline_level):
        self.area_id, self.question_count = area_id, question_count
        self.pass_mark_percent, self.baseline_level = pass_mark_percent, baseline_level


def area_specs(attempt: Attempt) -> dict[int, _Spec]:
    """The areas the attempt is marked against: those the template had when the test started (older
    attempts, started before that was recorded: the template's areas now)."""
    if attempt.area_specs:
        return {s["area"]: _Spec(s["area"], s["question_count"], s["pass_mark_percent"], s["baseline_level"])
                for s in attempt.area_specs}
    return {
        s.area_id: _Spec(s.area_id, s.question_count, s.pass_mark_percent, s.baseline_level)
        for s in TemplateArea.objects.filter(template_id=attempt.template_id)
    }


def score(attempt: Attempt) -> None:
    """Marks every answer against the version shown and stores one result per area of the test, with
    the pass marks it started with, so later changes to the template or the questions leave this
    score alone. An area with no question answered fails, whatever its pass mark: nobody passes on
    an area they were not tested on."""
    aqs = list(attempt.questions.select_related("version"))
    for aq in aqs:
        aq.is_correct = aq.answer is not None and aq.version.is_correct(aq.answer)
    AttemptQuestion.objects.bulk_update(aqs, ["is_correct"])
    specs = area_specs(attempt)
    by_area: dict[int, list[AttemptQuestion]] = {area_id: [] for area_id in specs}
    for aq in aqs:
        by_area.setdefault(aq.area_id, []).append(aq)
    results = []
    for area_id, items in by_area.items():
        spec = specs.get(area_id)
        pass_mark = spec.pass_mark_percent if spec else 100
        correct = sum(1 for aq in items if aq.is_correct)
        answered = sum(1 for aq in items if aq.answer is not None)
        percent = percent_of(correct, len(items))
        results.append(
            AttemptAreaResult(
                attempt=attempt, area_id=area_id, question_count=len(items), correct_count=correct,
                percent=percent, pass_mark_percent=pass_mark,
                baseline_level=spec.baseline_level if spec else Level.FOUNDATION,
                passed=answered > 0 and percent >= pass_mark,
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
    specs = area_specs(attempt)
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
