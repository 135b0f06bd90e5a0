"""Fixtures for recruitment tests: a small framework of our own (two areas), a question bank, a test
template and a helper that invites an applicant and returns the link's token."""

import itertools

import pytest

from skills_matrix.models import Level, Skill
from skills_matrix.recruitment import services
from skills_matrix.recruitment.models import QuestionKind

_seq = itertools.count(1)


def make_area(name):
    n = next(_seq)
    return Skill.objects.create(code=f"rt-area-{n}", name=name, kind=Skill.Kind.AREA)


def make_skill(area, name):
    n = next(_seq)
    return Skill.objects.create(code=f"rt-skill-{n}", name=name, kind=Skill.Kind.SKILL, parent=area)


def single(skill, prompt="Which is right?", correct=0, options=("Right", "Wrong", "Also wrong")):
    return services.question_create(actor=None, skill=skill, kind=QuestionKind.SINGLE, prompt=prompt,
                                    options=list(options), correct=[correct])


@pytest.fixture
def bank(db):
    """Two areas: "Safe online" (2 questions) and "Spreadsheets" (2 questions)."""
    safe = make_area("Safe online")
    phishing = make_skill(safe, "Spot phishing")
    sheets = make_area("Spreadsheets")
    formulas = make_skill(sheets, "Formulas")
    return {
        "safe": safe, "sheets": sheets, "phishing": phishing, "formulas": formulas,
        "q_safe": [single(phishing, "Is this email phishing?"), single(phishing, "Report it how?")],
        "q_sheets": [single(formulas, "Pick the SUM formula"), single(formulas, "Pick the AVERAGE formula")],
    }


@pytest.fixture
def template(bank):
    return services.template_create(
        actor=None, name="Adviser baseline", role_name="Adviser", time_limit_minutes=10,
        areas=[
            services.AreaSpec(area=bank["safe"], question_count=2, pass_mark_percent=50, baseline_level=Level.WORKING),
            services.AreaSpec(area=bank["sheets"], question_count=2, pass_mark_percent=100,
                              baseline_level=Level.FOUNDATION),
        ],
    )


@pytest.fixture
def invite(template):
    """invite(**kw) -> (invitation, token)."""

    def _invite(name="Jo Applicant", email="jo@example.com", vacancy="VAC-1", **kw):
        invitation, link = services.invitation_create(
            actor=None, template=kw.pop("template", template), name=name, email=email, vacancy_reference=vacancy,
            base_url="http://testserver/", **kw,
        )
        token = link.rstrip("/").rsplit("/", 1)[-1]
        return invitation, token

    return _invite


def right_answer(aq):
    return str(aq.version.correct[0])


def wrong_answer(aq):
    return str(next(i for i in range(len(aq.version.options)) if i not in aq.version.correct))
