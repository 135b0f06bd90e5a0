"""Playing a package: the player page, the SCO's files under their own path, and the commits the
runtime API (scorm-again) sends. Completion goes through the same service as every other one."""

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from people.models import AuditEntry
from skills_matrix.models import Level
from training import services
from training.elearning.sample import sample_package
from training.models import Assignment, Completion, Course, ElearningAttempt

from .conftest import make_course


@pytest.fixture
def elearning(skills, learning_admin):
    course = make_course("spot-scams", kind=Course.Kind.ELEARNING, title="Spot scams and phishing", launch_url="",
                         skill_levels=[(skills["email"], Level.WORKING)])
    services.package_upload(actor=learning_admin.user, course=course,
                            upload=SimpleUploadedFile("p.zip", sample_package("scorm2004")))
    return course


@pytest.fixture
def elearning12(learning_admin):
    course = make_course("spot-scams-12", kind=Course.Kind.ELEARNING, title="Spot scams (1.2)", launch_url="")
    services.package_upload(actor=learning_admin.user, course=course,
                            upload=SimpleUploadedFile("p.zip", sample_package("scorm12")))
    return course


def launch(client, course):
    """Start (or resume) from the course page, open the player; returns (attempt, config)."""
    response = client.post(reverse("training:elearning_start", args=[course.code]))
    assert response.status_code == 302, response.content
    player = client.get(response["Location"])
    assert player.status_code == 200
    config = player.context["config"]
    return ElearningAttempt.objects.get(pk=config["attempt"]), config, player


def cmi2004(**values):
    cmi = {"completion_status": "incomplete", "success_status": "unknown", "location": "", "suspend_data": "",
           "exit": "", "session_time": "PT30S", "score": {"scaled": "", "raw": "", "min": "", "max": ""},
           "interactions": {}}
    cmi.update(values)
    return {"cmi": cmi}


def post(client, url, payload, sequence=None, content_type="application/json"):
    body = dict(payload, **({"commitSequence": sequence} if sequence is not None else {}))
    return client.post(url, json.dumps(body), content_type=content_type)


def test_player_page_frames_the_sco_from_our_origin_under_a_strict_csp(login, people, elearning):
    client = login(people["alice"])
    attempt, config, player = launch(client, elearning)
    csp = player["Content-Security-Policy"]
    assert "script-src 'self';" in csp and "frame-ancestors 'none'" in csp
    assert config["standard"] == "scorm2004" and config["cmi"]["entry"] == "ab-initio"
    assert config["contentUrl"] == f"/training/elearning/content/{attempt.pk}/index.html"
    assert 'src="/static/vendor/scorm-again/scorm2004.min.js"' in player.content.decode()
    sco = client.get(config["contentUrl"])
    assert sco.status_code == 200 and sco["Content-Type"] == "text/html; charset=utf-8"
    assert sco["X-Frame-Options"] == "SAMEORIGIN"
    assert "frame-ancestors 'self'" in sco["Content-Security-Policy"]
    assert "connect-src 'self'" in sco["Content-Security-Policy"]
    assert AuditEntry.objects.filter(action="elearning.attempt_started", subject=people["alice"]).count() == 1


def test_content_is_the_learners_own_and_only_the_packages_files(login, people, elearning):
    attempt, config, _ = launch(login(people["alice"]), elearning)
    base = f"/training/elearning/content/{attempt.pk}/"
    alice = login(people["alice"])
    assert alice.get(base + "nope.html").status_code == 404
    assert alice.get(base + "../../../settings.py").status_code == 404
    assert alice.get(base + "imsmanifest.xml").status_code == 200
    # Bob, and the learning team too, cannot read Alice's attempt: each plays their own.
    for other in ("bob", "admin"):
        assert login(people[other]).get(config["contentUrl"]).status_code == 404
        assert login(people[other]).get(reverse("training:elearning_player", args=[attempt.pk])).status_code == 404


def test_commit_stores_the_bookmark_and_the_next_launch_resumes_there(login, people, elearning):
    client = login(people["alice"])
    attempt, config, _ = launch(client, elearning)
    response = post(client, config["commitUrl"], cmi2004(location="2", suspend_data='{"page":2}', exit="suspend",
                                                         session_time="PT2M5S"), sequence=1)
    assert response.status_code == 200 and response.json() == {"result": True, "errorCode": 0}
    attempt.refresh_from_db()
    assert (attempt.location, attempt.suspend_data, attempt.session_seconds) == ("2", '{"page":2}', 125)
    # The tab closed; Alice comes back from the course page: the same attempt resumes at the bookmark.
    again, config2, player = launch(client, elearning)
    assert again.pk == attempt.pk and "Resume the e-learning" in client.get(
        reverse("training:course", args=[elearning.code])).content.decode()
    assert config2["cmi"].items() >= {"entry": "resume", "location": "2", "suspend_data": '{"page":2}'}.items()
    again.refresh_from_db()
    assert (again.total_seconds, again.session_seconds, again.sessions) == (125, 0, 2)
    # The first page's commit key no longer lands (it was opened again).
    assert post(client, config["commitUrl"], cmi2004(location="9"), sequence=2).status_code == 409


def test_beacon_commit_on_unload_is_taken(login, people, elearning):
    client = login(people["alice"])
    attempt, config, _ = launch(client, elearning)
    response = post(client, config["commitUrl"] + "?terminate=true", cmi2004(location="3", exit="suspend"),
                    sequence=4, content_type="text/plain;charset=UTF-8")
    assert response.status_code == 200
    attempt.refresh_from_db()
    assert (attempt.location, attempt.exit, attempt.commit_sequence) == ("3", "suspend", 4)
    # A replay of an older commit (sent again after the connection came back) changes nothing.
    assert post(client, config["commitUrl"], cmi2004(location="1"), sequence=2).status_code == 200
    attempt.refresh_from_db()
    assert attempt.location == "3"


@pytest.mark.parametrize(("cmi", "field"), [
    ({"completion_status": "done"}, "cmi.completion_status"),
    ({"success_status": "yes"}, "cmi.success_status"),
    ({"location": "x" * 1001}, "cmi.location"),
    ({"suspend_data": 5}, "cmi.suspend_data"),
    ({"session_time": "two minutes"}, "cmi.session_time"),
    ({"score": {"scaled": "2"}}, "cmi.score.scaled"),
])
def test_bad_commits_are_refused_naming_the_element(login, people, elearning, cmi, field):
    client = login(people["alice"])
    attempt, config, _ = launch(client, elearning)
    response = post(client, config["commitUrl"], cmi2004(**cmi))
    assert response.status_code == 400
    assert response.json()["field"] == field and response.json()["result"] is False
    attempt.refresh_from_db()
    assert attempt.last_commit_at is None


def test_commit_refusals(login, people, elearning):
    client = login(people["alice"])
    attempt, config, _ = launch(client, elearning)
    assert client.post(config["commitUrl"], "{", content_type="application/json").status_code == 400
    assert client.post(config["commitUrl"], "[]", content_type="application/json").status_code == 400
    wrong = reverse("training:elearning_commit", args=[attempt.pk, "guessed"])
    assert post(client, wrong, cmi2004()).status_code == 409
    assert post(login(people["bob"]), config["commitUrl"], cmi2004()).status_code == 404
    client.logout()
    assert post(client, config["commitUrl"], cmi2004()).status_code in (302, 401)  # signed out


def test_passing_completes_the_assignment_with_score_certificate_and_evidence(login, people, elearning, skills):
    Assignment.objects.create(course=elearning, employee=people["alice"], source=Assignment.Source.MANAGER,
                              due_on=dt.date.today() + dt.timedelta(days=30))
    client = login(people["alice"])
    attempt, config, _ = launch(client, elearning)
    done = cmi2004(completion_status="completed", success_status="passed", exit="normal",
                   score={"scaled": "1", "raw": "100", "min": "0", "max": "100"})
    assert post(client, config["commitUrl"], done, sequence=1).status_code == 200
    completion = Completion.objects.get(employee=people["alice"], course=elearning)
    assert completion.source == Completion.Source.ELEARNING
    assert (completion.score_scaled, completion.score_raw) == (Decimal("1.0000"), Decimal("100.00"))
    assert Assignment.objects.get(employee=people["alice"]).status == Assignment.Status.COMPLETED
    attempt.refresh_from_db()
    assert attempt.finished_at and attempt.completion_id == completion.pk and attempt.status_label == "Passed"
    pdf = client.get(reverse("training:certificate", args=[completion.pk]))
    assert pdf.status_code == 200 and pdf.content[:4] == b"%PDF"
    from skills_matrix.models import Evidence

    assert Evidence.objects.filter(employee=people["alice"], skill=skills["email"]).exists()
    assert AuditEntry.objects.filter(action="elearning.attempt_finished", subject=people["alice"]).count() == 1
    # The terminate beacon arriving after the finishing commit changes nothing and records nothing new.
    assert post(client, config["commitUrl"] + "?terminate=true", done, sequence=2).status_code == 200
    assert Completion.objects.filter(employee=people["alice"]).count() == 1


def test_failing_does_not_complete(login, people, elearning):
    client = login(people["alice"])
    attempt, config, _ = launch(client, elearning)
    failed = cmi2004(completion_status="completed", success_status="failed", score={"scaled": "0"})
    assert post(client, config["commitUrl"], failed).status_code == 200
    attempt.refresh_from_db()
    assert attempt.finished_at is None and attempt.status_label == "Not passed yet"
    assert not Completion.objects.exists()


def test_scorm12_lesson_status_and_score(login, people, elearning12):
    client = login(people["alice"])
    attempt, config, player = launch(client, elearning12)
    assert config["cmi"]["core"]["entry"] == "ab-initio"
    assert 'src="/static/vendor/scorm-again/scorm12.min.js"' in player.content.decode()
    middle = {"cmi": {"core": {"lesson_status": "incomplete", "lesson_location": "1", "exit": "suspend",
                               "session_time": "00:01:30", "score": {"raw": "", "min": "", "max": ""}},
                      "suspend_data": "page=1"}}
    assert post(client, config["commitUrl"], middle, sequence=1).status_code == 200
    _, config, _ = launch(client, elearning12)
    assert config["cmi"]["suspend_data"] == "page=1"
    assert config["cmi"]["core"].items() >= {"entry": "resume", "lesson_location": "1"}.items()
    done = {"cmi": {"core": {"lesson_status": "passed", "lesson_location": "3", "exit": "",
                             "session_time": "00:00:40", "score": {"raw": "100", "min": "0", "max": "100"}}}}
    assert post(client, config["commitUrl"], done, sequence=1).status_code == 200
    completion = Completion.objects.get(employee=people["alice"], course=elearning12)
    assert completion.score_scaled == Decimal("1.0000")
    attempt.refresh_from_db()
    assert (attempt.lesson_status, attempt.total_seconds, attempt.session_seconds) == ("passed", 90, 40)


def test_scorm12_bad_status_is_refused(login, people, elearning12):
    client = login(people["alice"])
    _, config, _ = launch(client, elearning12)
    response = post(client, config["commitUrl"], {"cmi": {"core": {"lesson_status": "finished"}}})
    assert response.status_code == 400 and response.json()["field"] == "cmi.core.lesson_status"


def test_a_commit_takes_the_same_queries_whatever_it_carries(login, people, elearning, django_assert_num_queries):
    client = login(people["alice"])
    attempt, config, _ = launch(client, elearning)
    small = cmi2004(location="1", suspend_data="a")
    large = cmi2004(location="3", suspend_data="b" * 60000,
                    interactions={str(n): {"id": f"q{n}", "result": "correct"} for n in range(200)})
    # session and user (2, the authentication middleware), SAVEPOINT, the attempt row locked with its
    # package and learner (1), its UPDATE (1), RELEASE SAVEPOINT: six, small or large.
    for sequence, payload in ((1, small), (2, large)):
        with django_assert_num_queries(6):
            assert post(client, config["commitUrl"], payload, sequence=sequence).status_code == 200
    attempt.refresh_from_db()
    assert len(attempt.suspend_data) == 60000


def test_my_learning_starts_and_resumes_an_assigned_module_in_one_click(login, people, elearning):
    Assignment.objects.create(course=elearning, employee=people["alice"], source=Assignment.Source.MANAGER,
                              due_on=dt.date.today() + dt.timedelta(days=30))
    client = login(people["alice"])
    action = f'action="{reverse("training:elearning_start", args=[elearning.code])}"'
    page = client.get(reverse("training:my_learning")).content.decode()
    assert action in page and ">Start<span" in page
    launch(client, elearning)
    page = client.get(reverse("training:my_learning")).content.decode()
    assert action in page and ">Resume<span" in page
