"""WCAG 2.2 target size (2.5.8) on the pages where links stand alone as controls, at desk and phone
width: the org tree and a unit's page, My skills with an assessment in progress, the training
catalogue as learning staff see it, and news management with a page of articles. Then the skills gap
matrix: wide as it is, it scrolls inside its own labelled, focusable region with the person column
held in place, and the page itself stays the width of the window (checked on the screenshot too)."""

import datetime as dt
import io

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from people.models import OrgUnit
from tests.browser.conftest import AXE_JS, assert_no_horizontal_scroll, force_sign_in
from tests.factories import OrgUnitFactory
from tests.skills_matrix.factories import (
    assign,
    make_area,
    make_campaign,
    make_profile,
    make_skill,
    only_test_skills_active,
)

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

DEVICES = ["page", "phone_page"]


def target_size_violations(page) -> list[str]:
    """axe-core's target-size rule alone (also part of the full run of the axe fixture), with proof
    that it looked at something: a page where it checked no target would pass without meaning it."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE_JS))
    result = page.evaluate("() => axe.run(document, {runOnly: {type: 'rule', values: ['target-size']}})")
    checked = sum(len(r["nodes"]) for r in result["passes"] + result["violations"] if r["id"] == "target-size")
    assert checked, f"target-size checked no target on {page.url}"
    return [f"{n['target']}: {n['failureSummary']}" for v in result["violations"] for n in v["nodes"]]


def _council(org):
    """A council shaped like the demo's: several portfolios side by side, departments beneath."""
    for code, name in [("children", "Children and Families"), ("housing", "Housing and Communities"),
                       ("resources", "Resources"), ("ceo", "Chief Executive's Office")]:
        portfolio = OrgUnitFactory(code=code, name=name, kind=OrgUnit.Kind.PORTFOLIO, parent=org["council"])
        for n in range(3):
            OrgUnitFactory(code=f"{code}-{n}", name=f"{name} department {n + 1}", kind=OrgUnit.Kind.DEPARTMENT,
                           parent=portfolio)


def _news(people):
    from news.models import Article

    now = timezone.now()
    for n in range(8):
        Article.objects.create(title=f"Council update {n + 1}", slug=f"council-update-{n + 1}", summary="s", body="b",
                               author=people["admin"].user, publish_at=now - dt.timedelta(hours=n + 1))


@pytest.mark.parametrize("device", DEVICES)
def test_link_targets_are_big_enough_on_the_pages_people_tap(request, device, axe, people, org):
    from skills_matrix.models import Assessment
    from training.models import Course

    page = request.getfixturevalue(device)
    _council(org)
    _news(people)
    Course.objects.create(code="excel", title="Excel essentials", kind=Course.Kind.ELEARNING)
    only_test_skills_active(area := make_area("Office tools"))
    assign(people["alice"], make_profile({make_skill(area, "Word"): 2}))
    Assessment.objects.create(employee=people["alice"], campaign=make_campaign())

    visits = [("manager", "/people/organisation/", "How the council is organised"),
              ("manager", "/people/organisation/council/", "Demo Council"),
              ("alice", "/skills/", "My skills"),
              ("hr", "/training/", None),
              ("admin", "/news/manage/", "Manage news")]
    for username, url, heading in visits:
        page.context.clear_cookies()
        force_sign_in(page, people[username].user)
        page.goto(url)
        if heading:
            expect(page.get_by_role("heading", level=1, name=heading)).to_be_visible()
        assert not (problems := target_size_violations(page)), f"{url} as {username}:\n" + "\n".join(problems)
        axe(page)
        if device == "phone_page":
            assert_no_horizontal_scroll(page)


def _wide_matrix(people):
    only_test_skills_active(area := make_area("Digital skills"))
    skills = [make_skill(area, f"Skill number {n + 1}") for n in range(30)]
    profile = make_profile(dict.fromkeys(skills, 2), name="Case worker")
    for who in ("alice", "bob"):
        assign(people[who], profile)


@pytest.mark.parametrize(("device", "width"), [("page", 1280), ("phone_page", 375)])
def test_the_wide_skills_matrix_scrolls_in_its_own_region(request, device, width, axe, people):
    from PIL import Image

    page = request.getfixturevalue(device)
    _wide_matrix(people)
    force_sign_in(page, people["manager"].user)
    page.goto("/skills/matrix/")
    region = page.get_by_role("region", name="People")
    expect(region).to_be_visible()

    # The page is as wide as the window; the matrix is wider and scrolls inside its region.
    sizes = region.evaluate("""el => ({doc: document.documentElement.scrollWidth, view: window.innerWidth,
        region: el.scrollWidth, visible: el.clientWidth})""")
    assert sizes["doc"] <= sizes["view"] == width, sizes
    assert sizes["region"] > sizes["visible"] + 500, sizes
    shot = Image.open(io.BytesIO(page.screenshot(full_page=True)))
    scale = 2 if device == "phone_page" else 1  # the phone context's device_scale_factor
    assert shot.width == width * scale, f"the page screenshot is {shot.width / scale:.0f}px wide, not {width}px"

    # Keyboard users reach the region and scroll it; the person column stays where it was.
    assert region.get_attribute("tabindex") == "0"
    person = page.locator("tbody th.app-matrix__person").first
    left_before = person.bounding_box()["x"]
    region.focus()
    for _ in range(10):
        page.keyboard.press("ArrowRight")
    page.wait_for_function("el => el.scrollLeft > 100", arg=region.element_handle())
    assert abs(person.bounding_box()["x"] - left_before) <= 1, "the person column scrolled away"
    expect(person).to_be_in_viewport()
    axe(page)
