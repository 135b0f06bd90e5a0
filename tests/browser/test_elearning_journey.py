"""A learner with an assignment plays the "Spot scams and phishing" module inside the intranet, as a
SCORM 2004 package (API_1484_11) and as a SCORM 1.2 one (API): answers the question, closes the tab
half way, comes back, resumes at the bookmark and finishes. The assignment is complete, the score
recorded, the certificate downloads; axe finds no serious or critical problem on the intranet pages
around the player (the module itself is the supplier's)."""

import datetime as dt
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from playwright.sync_api import expect

from training import services
from training.elearning.sample import sample_package
from training.models import Assignment, Completion, Course, ElearningAttempt

from .conftest import AXE_JS, force_sign_in

pytestmark = pytest.mark.browser


def wait_for(check, timeout=10.0):
    """The SCO's commits reach the server from the browser; wait for the database to show them."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if value := check():
            return value
        time.sleep(0.1)
    raise AssertionError("the server never saw the commit")


@pytest.fixture
def assigned(people):
    def _make(standard):
        admin = people["admin"]
        course = Course.objects.create(code=f"spot-scams-{standard}", title="Spot scams and phishing",
                                       kind=Course.Kind.ELEARNING, summary="Essential Digital Skills")
        services.package_upload(actor=admin.user, course=course,
                                upload=SimpleUploadedFile("p.zip", sample_package(standard)))
        Assignment.objects.create(course=course, employee=people["alice"], source=Assignment.Source.MANAGER,
                                  assigned_by=people["manager"].user, due_on=dt.date.today() + dt.timedelta(days=14))
        return course
    return _make


@pytest.mark.parametrize("standard", ["scorm2004", "scorm12"])
def test_learner_resumes_at_the_bookmark_and_finishes(page, axe, people, assigned, standard):
    course = assigned(standard)
    # The player's CSP refuses injected inline scripts (as it should): axe-core comes in as an init
    # script instead, in every frame, with the policy left on.
    page.context.add_init_script(path=str(AXE_JS))
    csp_refusals = []  # the player's and the SCO's policies must not get in the way of playing
    page.on("console", lambda m: csp_refusals.append((m.text, m.location)) if "Content Security Policy" in m.text else None)
    force_sign_in(page, people["alice"].user)
    page.goto(f"/training/courses/{course.code}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Spot scams and phishing")
    axe(page)
    page.goto("/training/my/")
    axe(page)
    page.get_by_role("button", name="Start Spot scams and phishing").click()  # one click to the module

    sco = page.frame_locator("#elearning-frame")
    expect(sco.get_by_text("Page 1 of 4")).to_be_visible()
    axe(page)  # the player page, and the module framed in it
    sco.get_by_role("button", name="Next").click()
    sco.get_by_role("button", name="Next").click()
    sco.get_by_label("Report the email and do not click the link").check()
    sco.get_by_role("button", name="Next").click()
    expect(sco.get_by_text("Page 4 of 4")).to_be_visible()
    attempt = ElearningAttempt.objects.get(employee=people["alice"], course=course)
    wait_for(lambda: ElearningAttempt.objects.filter(pk=attempt.pk, location="3").exists())
    assert not csp_refusals

    # Half way: the tab is closed (the SCO suspends on pagehide; the runtime sends it by sendBeacon).
    context = page.context
    page.close(run_before_unload=True)
    wait_for(lambda: ElearningAttempt.objects.filter(pk=attempt.pk, exit="suspend").exists())
    errors = list(page.js_errors)
    page = context.new_page()
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto("/training/my/")
    page.get_by_role("button", name="Resume Spot scams and phishing").click()
    sco = page.frame_locator("#elearning-frame")
    expect(sco.get_by_text("Page 4 of 4")).to_be_visible()  # the bookmark
    sco.get_by_role("button", name="Back").click()
    expect(sco.get_by_label("Report the email and do not click the link")).to_be_checked()  # suspend data
    sco.get_by_role("button", name="Next").click()
    sco.get_by_role("button", name="Finish").click()
    expect(sco.get_by_text("Your score: 100%")).to_be_visible()

    completion = wait_for(lambda: Completion.objects.filter(employee=people["alice"], course=course).first())
    assert completion.source == Completion.Source.ELEARNING and completion.score_scaled == 1
    assert Assignment.objects.get(course=course, employee=people["alice"]).status == Assignment.Status.COMPLETED
    attempt.refresh_from_db()
    assert attempt.sessions == 2 and attempt.finished_at is not None

    page.get_by_role("link", name="Back to the course").click()
    expect(page.get_by_text("You have completed this course.")).to_be_visible()
    expect(page.locator("#elearning-attempts")).to_contain_text("Passed")
    expect(page.locator("#elearning-attempts")).to_contain_text("100%")
    axe(page)
    with page.expect_download() as download_info:
        page.locator("#elearning-attempts").get_by_role("link", name="Certificate").click()
    with open(download_info.value.path(), "rb") as fh:
        assert fh.read(4) == b"%PDF"
    assert not errors


def test_cmi5_launch_reports_through_our_lrs_and_completes(page, axe, people, assigned):
    """The AU fetches its token, reads LMS.LaunchData and sends its statements to /xapi/; it keeps
    its bookmark in the State API, so a second launch resumes there; completed + passed
    (moveOn CompletedAndPassed) ends the registration and completes the assignment."""
    from lrs.models import LaunchToken, Statement

    course = assigned("cmi5")
    page.context.add_init_script(path=str(AXE_JS))
    force_sign_in(page, people["alice"].user)
    page.goto(f"/training/courses/{course.code}/")
    page.get_by_role("button", name="Start the e-learning").click()
    sco = page.frame_locator("#elearning-frame")
    expect(sco.get_by_text("Page 1 of 4")).to_be_visible()
    axe(page, context="main > :not(.app-elearning-frame)")
    sco.get_by_role("button", name="Next").click()
    sco.get_by_role("button", name="Next").click()
    sco.get_by_label("Report the email and do not click the link").check()
    sco.get_by_role("button", name="Next").click()
    expect(sco.get_by_text("Page 4 of 4")).to_be_visible()
    attempt = ElearningAttempt.objects.get(employee=people["alice"], course=course)
    verbs = lambda: set(Statement.objects.filter(registration=attempt.registration)  # noqa: E731
                        .values_list("verb_iri", flat=True))
    assert {"http://adlnet.gov/expapi/verbs/launched", "http://adlnet.gov/expapi/verbs/initialized"} <= verbs()

    context = page.context
    page.close(run_before_unload=True)
    wait_for(lambda: "http://adlnet.gov/expapi/verbs/terminated" in verbs())
    page = context.new_page()
    page.goto(f"/training/courses/{course.code}/")
    page.get_by_role("button", name="Resume the e-learning").click()
    sco = page.frame_locator("#elearning-frame")
    expect(sco.get_by_text("Page 4 of 4")).to_be_visible()
    sco.get_by_role("button", name="Finish").click()
    expect(sco.get_by_text("Your score: 100%")).to_be_visible()

    completion = wait_for(lambda: Completion.objects.filter(employee=people["alice"], course=course).first())
    assert completion.source == Completion.Source.ELEARNING and completion.score_scaled == 1
    assert Assignment.objects.get(course=course, employee=people["alice"]).status == Assignment.Status.COMPLETED
    assert {"http://adlnet.gov/expapi/verbs/completed", "http://adlnet.gov/expapi/verbs/passed"} <= verbs()
    wait_for(lambda: not LaunchToken.objects.filter(registration=attempt.registration).exists())
    page.get_by_role("link", name="Back to the course").click()
    expect(page.get_by_text("You have completed this course.")).to_be_visible()
    axe(page)


def test_a_dropped_connection_loses_nothing(page, people, assigned):
    """Commits that cannot reach the server are kept in the browser and sent once it answers again."""
    course = assigned("scorm2004")
    force_sign_in(page, people["alice"].user)
    page.goto("/training/my/")
    page.get_by_role("button", name="Start Spot scams and phishing").click()
    sco = page.frame_locator("#elearning-frame")
    expect(sco.get_by_text("Page 1 of 4")).to_be_visible()
    attempt = ElearningAttempt.objects.get(employee=people["alice"], course=course)
    page.route("**/commit/**", lambda route: route.abort("internetdisconnected"))
    sco.get_by_role("button", name="Next").click()
    sco.get_by_role("button", name="Next").click()
    expect(page.locator("#elearning-status")).to_contain_text("kept on this computer")
    time.sleep(1)
    assert ElearningAttempt.objects.get(pk=attempt.pk).location in ("", "0")  # nothing reached the server
    page.unroute("**/commit/**")
    wait_for(lambda: ElearningAttempt.objects.filter(pk=attempt.pk, location="2").exists(), timeout=15)
    expect(page.locator("#elearning-status")).to_have_text("")
