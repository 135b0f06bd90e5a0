"""Staff take the baseline ICT test too (issue 14.9): under their own sign-in, their result becomes
skills evidence for their manager; a practical sorting task ("sort these files into folders") is
answered with a form (no JavaScript needed) and marked on the server."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from people.models import AuditEntry
from skills_matrix.models import Evidence, Level
from skills_matrix.recruitment import selectors, services
from skills_matrix.recruitment.models import Attempt, QuestionKind

pytestmark = pytest.mark.django_db

FILES = ["Payslip March.pdf", "Team rota.xlsx", "Resident complaint.docx"]
FOLDERS = ["Personal", "Team", "Case files"]


def sorting(skill):
    return services.question_create(
        actor=None, skill=skill, kind=QuestionKind.SORTING, prompt="Sort these files into folders",
        options=FILES, groups=FOLDERS, correct=[0, 1, 2])


@pytest.fixture
def staff_test(bank):
    """Safe online (2 single-choice questions, pass 50%) and Spreadsheets (1 sorting task, pass 100%)."""
    for q in bank["q_sheets"]:
        services.question_set_active(actor=None, question=q, is_active=False)
    task = sorting(bank["formulas"])
    template = services.template_create(
        actor=None, name="Staff baseline", time_limit_minutes=15, open_to_staff=True,
        areas=[services.AreaSpec(area=bank["safe"], question_count=2, pass_mark_percent=50,
                                 baseline_level=Level.WORKING),
               services.AreaSpec(area=bank["sheets"], question_count=1, pass_mark_percent=100,
                                 baseline_level=Level.FOUNDATION)])
    return template, task


def test_a_sorting_task_is_marked_on_the_server_item_by_item(bank):
    task = sorting(bank["formulas"]).current
    assert task.is_correct(services.answer_clean(task, [0, 1, 2])) is True
    assert task.is_correct(services.answer_clean(task, [0, 2, 1])) is False
    from core.errors import DomainError

    with pytest.raises(DomainError, match="folder for every item"):
        services.answer_clean(task, [0, 1])
    with pytest.raises(DomainError, match="folders given"):
        services.answer_clean(task, [0, 1, 7])


def test_a_sorting_task_needs_folders_and_a_folder_per_item(bank):
    with pytest.raises(ValidationError) as exc:
        services.question_create(actor=None, skill=bank["formulas"], kind=QuestionKind.SORTING, prompt="Sort",
                                 options=FILES, groups=["Only one"], correct=[0, 0, 0])
    assert "groups" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.question_create(actor=None, skill=bank["formulas"], kind=QuestionKind.SORTING, prompt="Sort",
                                 options=FILES, groups=FOLDERS, correct=[0, 1])
    assert "correct" in exc.value.message_dict


def test_hr_adds_a_sorting_task_on_the_question_page(people, login, bank):
    response = login(people["hr"]).post(reverse("recruitment:question-new"), {
        "skill": bank["formulas"].pk, "kind": QuestionKind.SORTING, "prompt": "Sort these files",
        "options": "\n".join(FILES), "groups": "\n".join(FOLDERS), "correct": "1,2,3", "difficulty": 1,
    })
    assert response.status_code == 302
    version = bank["formulas"].recruitment_questions.get(current__prompt="Sort these files").current
    assert version.groups == FOLDERS and version.correct == [0, 1, 2]


def take_as(client, attempt, *, sort_right=True):
    for aq in attempt.questions.select_related("version").order_by("position"):
        url = reverse("ict_test:question", args=[attempt.pk, aq.position])
        page = client.get(url).content.decode()
        v = aq.version
        if v.kind == QuestionKind.SORTING:
            assert "Folder for “Payslip March.pdf”" in page and "Case files" in page
            folders = v.correct if sort_right else [2, 0, 1]
            data = {f"folder_{i}": str(g) for i, g in enumerate(folders)}
        else:
            data = {"answer": str(v.correct[0])}
        assert client.post(url, data).status_code == 302
    return client.post(reverse("ict_test:check", args=[attempt.pk]))


def test_a_member_of_staff_takes_the_test_and_the_result_becomes_evidence(people, login, staff_test, bank):
    template, _ = staff_test
    client = login(people["alice"])
    assert "Staff baseline" in client.get(reverse("ict_test:index")).content.decode()
    response = client.post(reverse("ict_test:start", args=[template.pk]))
    attempt = Attempt.objects.get(employee=people["alice"])
    assert response["Location"] == reverse("ict_test:question", args=[attempt.pk, 1])
    assert attempt.invitation_id is None and attempt.question_count == 3
    response = take_as(client, attempt)
    assert response["Location"] == reverse("ict_test:result", args=[attempt.pk])
    page = client.get(response["Location"]).content.decode()
    assert "Your result: 100%" in page and "You meet the baseline" in page
    evidence = {(e.skill_id, e.level, e.source) for e in Evidence.objects.filter(employee=people["alice"])}
    assert evidence == {(bank["phishing"].pk, Level.WORKING, "baseline_test"),
                        (bank["formulas"].pk, Level.FOUNDATION, "baseline_test")}
    assert all(e.status == Evidence.Status.PENDING for e in Evidence.objects.filter(employee=people["alice"]))
    assert AuditEntry.objects.filter(action="recruitment.staff_test_submitted", subject=people["alice"]).exists()
    # Staff attempts are not recruitment: they stay out of the applicants' statistics.
    assert selectors.statistics() == []


def test_a_wrongly_sorted_inbox_fails_its_area(people, login, staff_test, bank):
    template, _ = staff_test
    client = login(people["bob"])
    client.post(reverse("ict_test:start", args=[template.pk]))
    attempt = Attempt.objects.get(employee=people["bob"])
    take_as(client, attempt, sort_right=False)
    attempt.refresh_from_db()
    assert attempt.area_results.get(area=bank["sheets"]).passed is False and attempt.passed is False
    # Below the baseline in Spreadsheets: the evidence is one level below it (nothing below Foundation).
    assert not Evidence.objects.filter(employee=people["bob"], skill=bank["formulas"]).exists()


def test_someone_elses_attempt_is_not_found(people, login, staff_test):
    template, _ = staff_test
    attempt = services.staff_attempt_start(employee=people["alice"], template=template)
    client = login(people["bob"])
    for url in (reverse("ict_test:question", args=[attempt.pk, 1]), reverse("ict_test:check", args=[attempt.pk]),
                reverse("ict_test:result", args=[attempt.pk])):
        assert client.get(url).status_code == 404
    assert client.post(reverse("ict_test:check", args=[attempt.pk])).status_code == 404
    attempt.refresh_from_db()
    assert attempt.is_open


def test_only_tests_open_to_staff_can_be_started_and_a_second_start_resumes(people, login, template, staff_test):
    client = login(people["alice"])
    assert client.post(reverse("ict_test:start", args=[template.pk])).status_code == 404  # applicants' only
    staff, _ = staff_test
    first = client.post(reverse("ict_test:start", args=[staff.pk]))
    second = client.post(reverse("ict_test:start", args=[staff.pk]))
    assert first["Location"] == second["Location"] and Attempt.objects.filter(employee=people["alice"]).count() == 1


def test_the_sorting_task_page_works_without_javascript_and_says_what_is_missing(people, login, staff_test):
    template, _ = staff_test
    client = login(people["alice"])
    client.post(reverse("ict_test:start", args=[template.pk]))
    attempt = Attempt.objects.get(employee=people["alice"])
    aq = attempt.questions.get(version__kind=QuestionKind.SORTING)
    url = reverse("ict_test:question", args=[attempt.pk, aq.position])
    page = client.get(url).content.decode()
    assert page.count("<select") == 3 and "data-sorting-task" in page
    response = client.post(url, {"folder_0": "0"})
    body = response.content.decode()
    assert response.status_code == 200 and "Choose a folder for “Team rota.xlsx”." in body
    aq.refresh_from_db()
    assert aq.answer is None


@pytest.mark.parametrize("n", [1, 5])
def test_staff_test_page_query_count_is_constant(people, login, staff_test, django_assert_num_queries, n):
    template, _ = staff_test
    for _ in range(n):
        attempt = services.staff_attempt_start(employee=people["alice"], template=template)
        services.attempt_submit(attempt=attempt)
    client = login(people["alice"])
    # Session, user, the employee record + the attempts with their template, and their area results
    # + the user's roles (navigation) + the tests open to staff, and their areas.
    with django_assert_num_queries(8):
        response = client.get(reverse("ict_test:index"))
    assert response.content.decode().count("below the baseline") + response.content.decode().count(
        "meets the baseline") == n


def test_an_applicants_sorting_answer_is_exported_as_items_and_folders(people, login, bank):
    """A subject access export names the folder chosen for each item (it used to read folder
    numbers as option numbers)."""
    for q in bank["q_sheets"]:
        services.question_set_active(actor=None, question=q, is_active=False)
    services.question_create(actor=None, skill=bank["formulas"], kind=QuestionKind.SORTING, prompt="Sort",
                             options=["a.pdf", "b.xlsx"], groups=["Personal", "Team", "Case files", "Bin"],
                             correct=[0, 1])
    template = services.template_create(actor=None, name="T", time_limit_minutes=5, areas=[
        services.AreaSpec(area=bank["sheets"], question_count=1)])
    invitation, _ = services.invitation_create(actor=None, template=template, name="Ann", email="a@example.com",
                                               vacancy_reference="V", base_url="http://testserver/")
    services.attempt_start(invitation=invitation)
    services.answer_save(invitation=invitation, position=1, answer=[3, 2])
    services.attempt_submit(invitation=invitation)
    data = login(people["hr"]).get(reverse("recruitment:export", args=[invitation.applicant_id, "json"])).json()
    assert data["answers"][0]["answer"] == ["a.pdf → Bin", "b.xlsx → Case files"]
