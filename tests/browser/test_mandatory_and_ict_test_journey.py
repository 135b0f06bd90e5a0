"""Issue 14 acceptance in a real browser, with axe-core on every page:
- a manager sees a report's out-of-date mandatory course on the team page, with the renewal the
  daily run assigned, and the learner sees that renewal on "My learning" (on a phone);
- a member of staff takes the baseline ICT test and completes a practical task, sorting files into
  folders (one dragged, the others chosen from the selects), and the result is marked on the server."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from skills_matrix.models import Evidence, Level
from skills_matrix.recruitment import services as recruitment
from skills_matrix.recruitment.models import Attempt, QuestionKind
from tests.skills_matrix.recruitment.conftest import make_area, make_skill
from tests.training.conftest import make_course
from training import services as training
from training.models import Assignment, Completion

from .conftest import assert_no_horizontal_scroll, force_sign_in

pytestmark = pytest.mark.browser


def test_a_manager_sees_an_out_of_date_mandatory_course_and_the_renewal(page, phone_page, axe, people, org):
    course = make_course("data-protection", title="Data protection", summary="UK GDPR every year")
    training.mandatory_course_create(actor=people["hr"].user, course=course, unit=org["social"], validity_months=12)
    Completion.objects.create(employee=people["alice"], course=course, source="manual",
                              completed_at=timezone.now() - dt.timedelta(days=400))
    training.mandatory_assignments_run()
    renewal = Assignment.objects.get(employee=people["alice"], course=course)
    assert renewal.source == Assignment.Source.RENEWAL

    force_sign_in(page, people["manager"].user)
    page.goto("/training/team/")
    table = page.locator("#mandatory")
    expect(table.get_by_role("caption")).to_have_text("Mandatory training out of date")
    row = table.get_by_role("row").filter(has_text=people["alice"].display_name)
    expect(row).to_contain_text("Data protection")
    expect(row).to_contain_text("Out of date")
    expect(row).to_contain_text(f"Renewal of mandatory training, due {renewal.due_on:%-d %b %Y}")
    axe(page)

    force_sign_in(phone_page, people["alice"].user)
    phone_page.goto("/training/my/")
    assigned = phone_page.locator("#assigned").get_by_role("row").filter(has_text="Data protection")
    expect(assigned).to_contain_text("Renewal of mandatory training")
    axe(phone_page)
    assert_no_horizontal_scroll(phone_page)


def test_a_member_of_staff_completes_a_practical_task_in_the_ict_test(page, axe, people):
    files = make_area("Handling information")
    store = make_skill(files, "Store and organise files")
    recruitment.question_create(
        actor=None, skill=store, kind=QuestionKind.SORTING, prompt="Sort these files into the right folders",
        options=["Payslip March.pdf", "Team rota.xlsx", "Resident complaint.docx"],
        groups=["Personal", "Team", "Case files"], correct=[0, 1, 2])
    recruitment.question_create(
        actor=None, skill=store, kind=QuestionKind.SINGLE, prompt="Which file name is clearest?",
        options=["doc1.docx", "2026-03 Team rota.xlsx", "final FINAL v2.xlsx"], correct=[1])
    template = recruitment.template_create(
        actor=None, name="Staff digital baseline", time_limit_minutes=10, open_to_staff=True,
        areas=[recruitment.AreaSpec(area=files, question_count=2, pass_mark_percent=100, baseline_level=Level.WORKING)])

    force_sign_in(page, people["alice"].user)
    page.goto("/skills/")
    page.get_by_role("link", name="Take the baseline ICT test").click()
    expect(page.get_by_role("heading", level=1, name="Baseline ICT test")).to_be_visible()
    axe(page)
    page.get_by_role("button", name=f"Start {template.name}").click()

    attempt = Attempt.objects.get(employee=people["alice"])
    for aq in attempt.questions.select_related("version").order_by("position"):
        v = aq.version
        expect(page.get_by_role("heading", level=1, name=v.prompt)).to_be_visible()
        if v.kind == QuestionKind.SORTING:
            # With JavaScript the folders show as boxes; drag one file in, choose the others.
            board = page.locator("[data-sorting-folders]")
            expect(board).to_be_visible()
            page.locator(".app-sorting-chip", has_text="Payslip March.pdf").drag_to(
                board.locator('[data-folder="0"]'))
            expect(page.get_by_label("Folder for “Payslip March.pdf”")).to_have_value("0")
            page.get_by_label("Folder for “Team rota.xlsx”").select_option(label="Team")
            page.get_by_label("Folder for “Resident complaint.docx”").select_option(label="Case files")
            expect(board.locator('[data-folder="2"]')).to_contain_text("Resident complaint.docx")
            axe(page)
        else:
            page.get_by_label(v.options[v.correct[0]], exact=True).check()
            axe(page)
        page.locator("form button.govuk-button").click()

    expect(page.get_by_role("heading", level=1, name="Check your answers before you submit")).to_be_visible()
    axe(page)
    page.get_by_role("button", name="Submit the test").click()
    expect(page.get_by_role("heading", level=1, name="Your result: 100%")).to_be_visible()
    expect(page.get_by_role("row", name="Handling information")).to_contain_text("Meets the baseline")
    axe(page)
    assert page.js_errors == []
    attempt.refresh_from_db()
    sorting = attempt.questions.get(version__kind=QuestionKind.SORTING)
    assert sorting.answer == [0, 1, 2] and sorting.is_correct is True
    assert Evidence.objects.filter(employee=people["alice"], skill=store, level=Level.WORKING,
                                   source="baseline_test", status=Evidence.Status.PENDING).exists()
