"""A portfolio lead opens the adoption dashboard, changes the period, drills into a department and
downloads the PDF; axe-core finds no serious or critical problem on the way."""

import pytest
from playwright.sync_api import expect

from .conftest import sign_in

pytestmark = pytest.mark.browser


def test_portfolio_lead_dashboard_period_and_pdf(page, axe, people, password):
    sign_in(page, "director", password)
    page.get_by_role("link", name="Reporting").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Digital adoption: Adults and Health")
    # Only their own portfolio: the other portfolio is nowhere on the page.
    expect(page.get_by_text("Highways")).to_have_count(0)
    expect(page.locator("#period-shown")).to_contain_text("Last 3 months")
    axe(page)

    page.get_by_label("Period", exact=True).select_option(label="Last month")
    page.get_by_role("button", name="Show figures").click()
    expect(page.locator("#period-shown")).to_contain_text("Last month")
    axe(page)

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the PDF report").click()
    download = download_info.value
    assert download.suggested_filename.startswith("adoption-adults-")
    assert download.suggested_filename.endswith(".pdf")
    with open(download.path(), "rb") as fh:
        assert fh.read(4) == b"%PDF"

    page.locator("#comparison").get_by_role("link", name="Social Work").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Digital adoption: Social Work")
    expect(page.locator("#comparison")).to_contain_text("Team A")
    axe(page)
