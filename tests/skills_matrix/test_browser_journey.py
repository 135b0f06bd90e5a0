"""In a real browser: an employee completes a self-assessment on a phone, their manager validates it
and sees the team matrix change; axe-core finds no serious or critical problem on the way."""

import pytest
from playwright.sync_api import expect

from skills_matrix.models import Assessment
from tests.browser.conftest import (  # noqa: F401 - fixtures shared with the other journeys
    assert_no_horizontal_scroll,
    axe,
    base_url,
    browser,
    page,
    phone_page,
    sign_in,
)

from .factories import assign, make_area, make_campaign, make_profile, make_skill, only_test_skills_active

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_self_assessment_on_a_phone_then_manager_validates(phone_page, page, axe, people, password):  # noqa: F811
    area = make_area("Office tools")
    word, excel = make_skill(area, "Word"), make_skill(area, "Excel")
    only_test_skills_active(area)
    alice = people["alice"]
    assign(alice, make_profile({word: 2, excel: 3}, name="Case worker"))
    make_campaign("2027 skills analysis")

    # The employee, on a phone.
    sign_in(phone_page, "alice", password)
    phone_page.goto("/skills/")
    expect(phone_page.get_by_role("heading", level=1, name="My skills")).to_be_visible()
    axe(phone_page)
    assert_no_horizontal_scroll(phone_page)
    phone_page.get_by_role("button", name="Start your self-assessment").click()
    expect(phone_page.get_by_role("heading", level=1, name="Office tools")).to_be_visible()
    axe(phone_page)
    assert_no_horizontal_scroll(phone_page)
    # Forgetting one skill names it in the error summary; the other answer is kept.
    phone_page.locator(f"#skill_{word.pk}_2").check()
    # Each answer is saved as it is chosen (htmx), so a dropped connection on a phone loses nothing.
    expect(phone_page.get_by_role("status")).to_contain_text("saved at")
    phone_page.get_by_role("button", name="Save and continue").click()
    expect(phone_page.locator(".govuk-error-summary")).to_contain_text("Choose a level for Excel")
    axe(phone_page)
    expect(phone_page.locator(f"#skill_{word.pk}_2")).to_be_checked()
    phone_page.locator(f"#skill_{excel.pk}_3").check()
    phone_page.get_by_role("button", name="Save and continue").click()
    expect(phone_page.get_by_role("heading", level=1, name="Check your answers before sending them")).to_be_visible()
    axe(phone_page)
    assert_no_horizontal_scroll(phone_page)
    phone_page.get_by_role("button", name="Send to my manager").click()
    expect(phone_page.locator(".govuk-notification-banner")).to_contain_text("sent to your manager")

    # The manager, at a desk: before validation the matrix still shows Excel as not assessed.
    sign_in(page, "manager", password)
    page.goto("/skills/matrix/")
    row = page.get_by_role("row").filter(has_text=alice.display_name)
    expect(row).to_contain_text("not assessed, needs 3: 3 below")
    expect(row).to_contain_text("self-assessed 3, awaiting validation")
    axe(page)
    page.goto("/skills/validate/")
    axe(page)
    page.get_by_role("link", name=f"Validate {alice.display_name}'s self-assessment").click()
    axe(page)
    page.get_by_label("Validated level for Excel").select_option("2")
    page.get_by_label("Reason for a different level for Excel").fill("Needs support with formulas")
    page.get_by_role("button", name="Validate self-assessment").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("is validated")
    assert Assessment.objects.get(employee=alice).status == Assessment.Status.VALIDATED

    page.goto("/skills/matrix/")
    row = page.get_by_role("row").filter(has_text=alice.display_name)
    expect(row).to_contain_text("level 2, needs 3: 1 below")
    expect(row).to_contain_text("level 2, needs 2: meets requirement")
    axe(page)
    page.goto("/skills/matrix/?view=table")
    axe(page)
