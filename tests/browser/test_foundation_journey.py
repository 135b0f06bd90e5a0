"""The foundation journey in a real browser: sign in, find a colleague, open their profile, update my
own details; axe-core finds no serious or critical problem on any page on the way, at desktop and
phone widths."""

import re

import pytest
from playwright.sync_api import expect

from people.models import AuditEntry, Employee

from .conftest import assert_no_horizontal_scroll, force_sign_in, sign_in

pytestmark = pytest.mark.browser


def test_sign_in_search_profile_update_details(page, axe, people, password):
    page.goto("/")
    # Deny by default: the home page sends us to sign in first.
    assert "/sign-in/" in page.url
    expect(page.get_by_role("heading", name="Sign in", level=1)).to_be_visible()
    # The GOV.UK Frontend stylesheet is served by the live server (a styled page, not a bare one).
    assert page.evaluate("() => getComputedStyle(document.querySelector('.govuk-header')).backgroundColor") in {
        "rgb(11, 12, 12)", "rgb(29, 112, 184)",
    }
    axe(page)

    # A wrong password shows the error state, which must be accessible too.
    page.get_by_label("Username").fill("alice")
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    axe(page)

    sign_in(page, "alice", password)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Hello")
    # Keyboard users meet the skip link first, and it takes them to the main content.
    page.keyboard.press("Tab")
    expect(page.locator(":focus")).to_have_text("Skip to main content")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#main-content$"))
    expect(page.get_by_role("heading", name="My tasks")).to_be_visible()
    axe(page)

    # Search the directory from the home page's "Find a colleague" box.
    page.get_by_role("link", name="Directory").first.click()
    page.get_by_label("Name, job title or team").fill("inspector")
    page.get_by_role("button", name="Search").click()
    dave = people["dave"]
    expect(page.get_by_role("heading", name="1 person matching “inspector”")).to_be_visible()
    axe(page)

    page.get_by_role("link", name=dave.display_name).click()
    expect(page.get_by_role("heading", level=1, name=dave.display_name)).to_be_visible()
    # Alice does not manage Dave: she sees his directory card but not his employment record.
    expect(page.get_by_role("heading", name="Employment record")).to_have_count(0)
    axe(page)

    # My own details: first a mistake, then a correct change.
    page.goto("/people/me/details/")
    expect(page.get_by_role("heading", level=1, name="Update my details")).to_be_visible()
    axe(page)
    page.get_by_label("Work phone").fill("call me maybe")
    page.get_by_role("button", name="Save my details").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary.get_by_role("link")).to_contain_text("phone number")
    assert page.title().startswith("Error:")
    axe(page)

    page.get_by_label("Work phone").fill("01632 960 001")
    page.get_by_label("Mobile (works mainly in the community)").check()
    page.get_by_role("button", name="Save my details").click()
    banner = page.locator(".govuk-notification-banner--success")
    expect(banner).to_contain_text("Your details have been updated")
    expect(page.get_by_role("link", name="01632 960 001")).to_be_visible()
    axe(page)

    alice = Employee.objects.get(pk=people["alice"].pk)
    assert (alice.work_phone, alice.work_style) == ("01632 960 001", "mobile")
    entry = AuditEntry.objects.get(subject=alice, action="employee.details_updated")
    assert entry.changes["work_phone"][1] == "01632 960 001"
    assert not page.js_errors


def test_directory_and_my_details_at_phone_width(phone_page, axe, people, org, password):
    page = phone_page
    page.goto("/sign-in/")
    assert_no_horizontal_scroll(page)
    axe(page)
    sign_in(page, "bob", password)
    assert_no_horizontal_scroll(page)
    axe(page)

    page.goto("/people/?q=social+worker")
    expect(page.get_by_role("heading", name="2 people matching “social worker”")).to_be_visible()
    assert_no_horizontal_scroll(page)
    axe(page)

    page.get_by_role("link", name=people["alice"].display_name).click()
    expect(page.get_by_role("heading", level=1, name=people["alice"].display_name)).to_be_visible()
    assert_no_horizontal_scroll(page)
    axe(page)

    # Enough results to page through, including a long unbroken email address that must wrap.
    Employee.objects.bulk_create([
        Employee(first_name=f"Pat{i}", last_name=f"Carer{i:03d}", job_title="Care Worker", org_unit=org["team_b"],
                 email=f"pat.carer.with.a.very.long.address{i}@adult-social-care.council.example",
                 search_text=f"pat{i} carer{i:03d} care worker")
        for i in range(40)
    ])
    page.goto("/people/?q=care+worker")
    expect(page.get_by_role("heading", name="40 people matching “care worker”")).to_be_visible()
    page.get_by_role("navigation", name="Pagination").get_by_role("link", name="Next page").click()
    expect(page.get_by_role("link", name="Page 2 of 2")).to_be_visible()
    assert_no_horizontal_scroll(page)
    axe(page)

    page.goto("/people/me/details/")
    page.get_by_label("Work mobile").fill("not a number!")
    page.get_by_role("button", name="Save my details").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_no_horizontal_scroll(page)
    axe(page)

    page.get_by_label("Work mobile").fill("07700 900 123")
    page.get_by_label("Agile (works from any council site or home)").check()
    page.get_by_role("button", name="Save my details").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text("Your details have been updated")
    assert_no_horizontal_scroll(page)
    axe(page)
    assert Employee.objects.get(pk=people["bob"].pk).mobile_phone == "07700 900 123"


@pytest.mark.parametrize("device", ["page", "phone_page"])
def test_organisation_and_record_pages_are_accessible(request, device, axe, people, password, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    page = request.getfixturevalue(device)
    phone = device == "phone_page"
    sign_in(page, "manager", password)

    # The org tree, then down into a department and a team.
    page.goto("/people/organisation/")
    expect(page.get_by_role("heading", level=1, name="How the council is organised")).to_be_visible()
    axe(page)
    if phone:
        assert_no_horizontal_scroll(page)
    page.get_by_role("link", name="Social Work").click()
    expect(page.get_by_role("heading", level=1, name="Social Work")).to_be_visible()
    page.get_by_role("link", name="Team A").click()
    expect(page.get_by_role("heading", level=1, name="Team A")).to_be_visible()
    axe(page)
    if phone:
        assert_no_horizontal_scroll(page)

    # A report's full record, with its history table, as their manager sees it.
    carol = people["carol"]
    page.goto(f"/people/{people['alice'].pk}/")
    page.get_by_role("link", name=carol.display_name).click()
    expect(page.get_by_role("heading", name="Employment record")).to_be_visible()
    axe(page)
    if phone:
        assert_no_horizontal_scroll(page)

    # A photo upload, resized on the server, then shown on the profile with its history row.
    page.goto("/people/me/details/")
    page.get_by_label("Profile photo").set_input_files(
        files=[{"name": "me.png", "mimeType": "image/png", "buffer": _png_bytes()}]
    )
    page.get_by_role("button", name="Save my details").click()
    expect(page.locator(".govuk-notification-banner--success")).to_be_visible()
    expect(page.get_by_text("Photo changed")).to_be_visible()
    axe(page)
    if phone:
        assert_no_horizontal_scroll(page)

    # A text file dressed up as a PNG is refused with a message that says why.
    page.goto("/people/me/details/")
    page.get_by_label("Profile photo").set_input_files(
        files=[{"name": "not-a-photo.png", "mimeType": "image/png", "buffer": b"just some text\n" * 20}]
    )
    page.get_by_role("button", name="Save my details").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text("must be a JPG, PNG, GIF or WebP photo")
    axe(page)

    # Error pages and the public accessibility statement.
    page.goto("/people/organisation/no-such-unit/")
    expect(page.get_by_role("heading", level=1, name="Page not found")).to_be_visible()
    axe(page)
    page.goto("/accessibility/")
    axe(page)

    # Signing out returns to the sign-in page.
    if phone and page.get_by_role("button", name="Sign out").is_hidden():
        pytest.fail("the sign-out control must be reachable at phone width")
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", level=1, name="Sign in")).to_be_visible()


def _png_bytes() -> bytes:
    import io

    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (900, 600), (20, 120, 200)).save(buf, "PNG")
    return buf.getvalue()


def test_force_sign_in_opens_a_session_without_the_form(page, people):
    # Runs after journeys that emptied the database: the roles shipped by a data migration are back.
    from django.contrib.auth.models import Group

    from people import roles

    assert set(Group.objects.values_list("name", flat=True)) >= set(roles.ALL_ROLES)
    force_sign_in(page, people["hr"].user)
    page.goto(f"/people/{people['dave'].pk}/")
    # HR sees everyone's employment record.
    expect(page.get_by_role("heading", name="Employment record")).to_be_visible()

    # The API docs page works in a real browser, its Swagger UI served by us (no CDN).
    external = []
    page.on("request", lambda r: None if r.url.startswith(page.base_url) else external.append(r.url))
    page.goto("/api/docs/")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Staff intranet API")
    expect(page.get_by_text("/api/employees/{id}/").first).to_be_visible()
    assert [u for u in external if not u.startswith("data:")] == []


def test_refusals_are_clear_and_accessible(page, axe, people, password, settings):
    from people import services

    # A leaver's profile is refused, with the reason, to someone with no right to their record.
    services.employee_deactivate(actor=people["hr"].user, employee=people["dave"])
    sign_in(page, "alice", password)
    response = page.goto(f"/people/{people['dave'].pk}/")
    assert response.status == 403
    expect(page.get_by_role("heading", level=1, name="You do not have access to this page")).to_be_visible()
    expect(page.get_by_text("This person no longer works here.")).to_be_visible()
    axe(page)
    page.get_by_role("button", name="Sign out").click()

    # Repeated wrong passwords lock the account for a while, and the page says what to do.
    for _ in range(settings.AXES_FAILURE_LIMIT):
        page.goto("/sign-in/")
        page.get_by_label("Username").fill("bob")
        page.get_by_label("Password").fill("wrong-password")
        page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1, name="Your account is temporarily locked")).to_be_visible()
    axe(page)
