"""In a real browser: an employee books annual leave, their manager approves it in the approval
queue, the employee sees it approved. axe-core finds no serious or critical problem on the way, and
the pages reflow at phone width."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from self_service.models import Request
from tests.browser.conftest import assert_no_horizontal_scroll, sign_in

pytestmark = pytest.mark.browser


def _next_working_monday():
    day = dt.date.today() + dt.timedelta(days=14)
    while day.weekday() != 0 or day.month == 12:
        day += dt.timedelta(days=1)
    return day


def test_employee_books_leave_manager_approves(page, axe, people, password):
    start = _next_working_monday()
    sign_in(page, "alice", password)
    page.get_by_role("link", name="Self-service").first.click()
    expect(page.get_by_role("heading", level=1, name="My requests")).to_be_visible()
    axe(page)
    page.get_by_role("button", name="Make a request").first.click()
    expect(page.get_by_role("heading", name="What do you want to ask for?")).to_be_visible()
    axe(page)
    page.get_by_role("button", name="Continue").click()  # nothing chosen: an error
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select what you want to ask for")
    axe(page)
    page.get_by_label("Annual leave").check()
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1, name="Annual leave")).to_be_visible()
    axe(page)
    page.get_by_label("First day of leave").fill(start.isoformat())
    page.get_by_label("Last day of leave").fill((start + dt.timedelta(days=2)).isoformat())
    page.get_by_label("Morning only on the last day").check()
    page.get_by_role("button", name="Send request").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("sent")
    expect(page.locator(".govuk-tag", has_text="Waiting for approval")).to_be_visible()
    axe(page)
    req = Request.objects.get(employee=people["alice"])
    assert req.days == 2.5

    page.get_by_role("button", name="Sign out").click()
    sign_in(page, "manager", password)
    expect(page.get_by_role("link", name="1 request waiting for your approval")).to_be_visible()
    page.get_by_role("link", name="1 request waiting for your approval").click()
    expect(page.get_by_role("heading", level=1, name="Requests waiting for your approval")).to_be_visible()
    axe(page)
    page.get_by_label(f"Select {req.reference}").check()
    page.get_by_role("button", name="Approve selected").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("1 request approved.")
    expect(page.get_by_text("Nothing is waiting for your decision.")).to_be_visible()
    axe(page)

    page.get_by_role("button", name="Sign out").click()
    sign_in(page, "alice", password)
    page.goto(f"/self-service/requests/{req.pk}/")
    expect(page.locator(".govuk-tag", has_text="Approved")).to_be_visible()
    axe(page)
    assert not page.js_errors


def test_self_service_pages_at_phone_width(phone_page, axe, people, password, leave_for):
    page = phone_page
    req = leave_for(people["alice"], _next_working_monday())
    sign_in(page, "alice", password)
    for url in ["/self-service/", "/self-service/new/", "/self-service/new/annual-leave/",
                "/self-service/new/bank-details/", "/self-service/payslips/", "/self-service/history/"]:
        page.goto(url)
        assert_no_horizontal_scroll(page)
        axe(page)
    page.context.clear_cookies()
    sign_in(page, "manager", password)
    for url in ["/self-service/approvals/", f"/self-service/requests/{req.pk}/", "/self-service/acting-manager/"]:
        page.goto(url)
        assert_no_horizontal_scroll(page)
        axe(page)
