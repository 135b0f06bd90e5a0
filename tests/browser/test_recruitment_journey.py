"""Recruitment test journey in a real browser: an applicant opens their emailed link on a phone,
answers every kind of question (one of them wrongly first, to see the error state), checks and submits;
the link then refuses a second use. HR signs in, sees the score and downloads the PDF for the panel.
axe-core finds no serious or critical problem on any applicant page or on the HR result page."""

import pytest
from playwright.sync_api import expect

from skills_matrix.models import Level
from skills_matrix.recruitment import services
from skills_matrix.recruitment.models import AttemptQuestion, QuestionKind
from tests.skills_matrix.recruitment.conftest import make_area, make_skill

from .conftest import assert_no_horizontal_scroll, sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def link(db):
    safe = make_area("Being safe online")
    phishing = make_skill(safe, "Spot phishing")
    services.question_create(
        actor=None, skill=phishing, kind=QuestionKind.PRACTICAL, prompt="What should you do with this email?",
        scenario="From: IT Desk <it@counci1-helpdesk.com>\nSubject: Your mailbox will be deleted\n\nClick here.",
        options=["Click the link", "Report it as phishing", "Forward it to the team"], correct=[1],
    )
    services.question_create(
        actor=None, skill=phishing, kind=QuestionKind.MULTIPLE, prompt="Which are warning signs of phishing?",
        options=["Pressure to act now", "A request for your password", "An email you were expecting"], correct=[0, 1],
    )
    sheets = make_area("Spreadsheets")
    excel = make_skill(sheets, "Formulas")
    services.question_create(
        actor=None, skill=excel, kind=QuestionKind.ORDERING, prompt="Put these steps in order to sort a list",
        options=["Select the column", "Open the Data tab", "Choose Sort A to Z"], correct=[0, 1, 2],
    )
    template = services.template_create(
        actor=None, name="Customer adviser baseline", time_limit_minutes=20,
        areas=[services.AreaSpec(area=safe, question_count=2, pass_mark_percent=50, baseline_level=Level.WORKING),
               services.AreaSpec(area=sheets, question_count=1, pass_mark_percent=100)],
    )
    invitation, url = services.invitation_create(
        actor=None, template=template, name="Robin Applicant", email="robin@example.com",
        vacancy_reference="CSA-2026-031", base_url="http://unused/", extra_time_percent=25,
    )
    return invitation, "/" + url.split("/", 3)[3]


def answer_correctly(page, aq):
    v = aq.version
    if v.kind == QuestionKind.ORDERING:
        for position, option in enumerate(v.correct, start=1):
            page.get_by_label(f"Position of “{v.options[option]}”").select_option(str(position))
    else:
        for option in v.correct:
            page.get_by_label(v.options[option], exact=True).check()


def test_applicant_takes_the_test_on_a_phone_and_hr_sees_the_result(phone_page, page, axe, link, people, password):
    invitation, path = link
    applicant = phone_page

    applicant.goto(path)
    expect(applicant.get_by_role("heading", level=1, name="Customer adviser baseline")).to_be_visible()
    expect(applicant.get_by_text("You have 25 minutes")).to_be_visible()  # 20 minutes + 25% extra time
    axe(applicant)
    assert_no_horizontal_scroll(applicant)
    applicant.get_by_role("button", name="Start the test").click()

    drawn = {aq.position: aq for aq in AttemptQuestion.objects.filter(attempt__invitation=invitation)
             .select_related("version")}
    assert len(drawn) == 3
    for position in sorted(drawn):
        aq = drawn[position]
        expect(applicant.get_by_text(f"Question {position} of 3")).to_be_visible()
        expect(applicant.get_by_role("heading", level=1, name=aq.version.prompt)).to_be_visible()
        axe(applicant)
        assert_no_horizontal_scroll(applicant)
        if position == 1:
            # Saving without an answer shows the error summary, which must be accessible too.
            applicant.get_by_role("button", name="Save and continue").click()
            expect(applicant.locator(".govuk-error-summary")).to_be_visible()
            axe(applicant)
        answer_correctly(applicant, aq)
        applicant.locator("form button.govuk-button").click()

    expect(applicant.get_by_role("heading", level=1, name="Check your answers before you submit")).to_be_visible()
    axe(applicant)
    assert_no_horizontal_scroll(applicant)
    applicant.get_by_role("button", name="Submit the test").click()
    expect(applicant.get_by_role("heading", level=1, name="Test submitted")).to_be_visible()
    axe(applicant)
    assert_no_horizontal_scroll(applicant)

    # The link has been used: opening it again is refused with a clear page.
    applicant.goto(path)
    expect(applicant.get_by_role("heading", level=1, name="This test has already been completed")).to_be_visible()
    axe(applicant)

    # HR sees the score and downloads the PDF for the panel.
    sign_in(page, "hr", password)
    page.get_by_role("link", name="Recruitment tests").first.click()
    page.get_by_role("link", name="Robin Applicant").click()
    expect(page.locator("#overall")).to_contain_text("Overall 100%")
    expect(page.locator("#overall")).to_contain_text("Meets the baseline")
    axe(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the result for the panel (PDF)").click()
    with open(download.value.path(), "rb") as f:
        assert f.read(5) == b"%PDF-"
    assert download.value.suggested_filename.endswith(".pdf")

    # The panel compares candidates for the vacancy; HR's other pages pass axe-core too.
    page.get_by_role("link", name="Back to applicants").click()
    expect(page.get_by_role("heading", level=1, name="Recruitment tests")).to_be_visible()
    axe(page)
    page.get_by_role("link", name="CSA-2026-031").first.click()
    expect(page.get_by_role("heading", level=1, name="Candidates for CSA-2026-031")).to_be_visible()
    expect(page.get_by_role("row", name="Robin Applicant")).to_contain_text("100%")
    axe(page)
    for path, heading in [("/recruitment/invite/", "Invite an applicant"), ("/recruitment/templates/", "Tests"),
                          ("/recruitment/templates/new/", "Create a test"), ("/recruitment/questions/", "Question bank"),
                          ("/recruitment/statistics/", "Statistics and retention")]:
        page.goto(path)
        expect(page.get_by_role("heading", level=1, name=heading)).to_be_visible()
        axe(page)
