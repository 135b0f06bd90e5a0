"""Browser journeys for training (Playwright + chromium, fixtures shared with tests/browser):
an employee books a session and cancels, and the next person on the waiting list gets the place; a
learner asks a digital champion for help and the champion logs it. axe-core finds no serious or
critical problem on the pages on the way."""

import pytest
from playwright.sync_api import expect

from tests.browser import conftest as shared
from training import services
from training.models import Booking, HelpLog, HelpRequest

from .conftest import make_session

pytestmark = pytest.mark.browser

# The shared browser fixtures, used here so the training journeys live with the training tests.
browser = shared.browser
base_url = shared.base_url
page = shared.page
phone_page = shared.phone_page
axe = shared.axe
_live_database = shared._live_database


def test_book_cancel_and_waiting_list_promotion(page, axe, people, password, course):
    session = make_session(course, capacity=1)
    shared.sign_in(page, "alice", password)
    page.get_by_role("link", name="Learning").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Learning")
    axe(page)
    page.get_by_role("link", name=course.title).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(course.title)
    axe(page)
    page.get_by_role("link", name="View session").first.click()
    page.get_by_role("button", name="Book a place").click()
    expect(page.get_by_text("Your place is booked")).to_be_visible()
    expect(page.locator("#my-booking")).to_contain_text("Place confirmed")
    axe(page)

    # Bob finds the session full and joins the waiting list.
    waiting = services.booking_create(actor=people["bob"].user, session=session, employee=people["bob"])
    assert waiting.status == Booking.Status.WAITLISTED

    page.get_by_role("button", name="Cancel my booking").click()
    expect(page.get_by_text("The booking is cancelled")).to_be_visible()
    waiting.refresh_from_db()
    assert waiting.status == Booking.Status.CONFIRMED

    page.goto("/training/my/")
    expect(page.locator("#booked")).to_contain_text("You have no sessions booked")
    axe(page)


def test_ask_a_champion_and_the_champion_logs_help(page, axe, people, password, champion_profile):
    shared.sign_in(page, "alice", password)
    page.goto("/training/champions/")
    axe(page)
    page.get_by_role("link", name="Ask a champion for help").click()
    page.get_by_role("button", name="Send request").click()  # empty: the error names the field
    expect(page.locator(".govuk-error-summary")).to_contain_text("This field is required")
    axe(page)
    page.get_by_label("What do you need help with?").fill("Setting up Teams on my phone")
    page.get_by_role("button", name="Send request").click()
    expect(page.get_by_text("gone to the digital champions for Social Work")).to_be_visible()
    axe(page)

    page.context.clear_cookies()
    shared.sign_in(page, "champion", password)
    expect(page.get_by_role("link", name="Colleagues waiting for a digital champion")).to_be_visible()
    page.get_by_role("link", name="Colleagues waiting for a digital champion").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Help requests")
    axe(page)
    page.get_by_role("button", name="I'll help with Setting up Teams on my phone").click()
    page.get_by_role("link", name="Log help for Setting up Teams on my phone").click()
    page.get_by_label("Minutes spent").fill("20")
    page.get_by_label("In person").check()
    axe(page)
    page.get_by_role("button", name="Log help").click()
    expect(page.get_by_text("The help you gave is logged")).to_be_visible()
    assert HelpRequest.objects.get().status == HelpRequest.Status.RESOLVED
    assert HelpLog.objects.get().minutes == 20


def test_my_learning_reflows_at_phone_width(phone_page, axe, people, password, course):
    make_session(course)
    shared.sign_in(phone_page, "alice", password)
    for url in ("/training/", "/training/sessions/", "/training/my/", "/training/champions/"):
        phone_page.goto(url)
        shared.assert_no_horizontal_scroll(phone_page)
    axe(phone_page)
