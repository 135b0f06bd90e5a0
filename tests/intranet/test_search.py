import pytest
from django.db import connection
from django.urls import reverse

from core import search
from news.models import Article
from tests.news.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def _groups(resp):
    return {g.kind: [r.title for r in g.results] for g in resp.context["groups"]}


def test_one_box_groups_people_news_and_help(people, login):
    ArticleFactory(title="Social work awards shortlist", summary="Nominations are open.")
    resp = login(people["dave"]).get(reverse("search:results"), {"q": "social"})
    assert resp.status_code == 200
    groups = _groups(resp)
    assert {"people", "news", "courses", "help"} <= set(groups)
    assert any(p.endswith(people["alice"].last_name) for p in groups["people"])  # "Social Worker"
    assert groups["news"] == ["Social work awards shortlist"]
    page = resp.content.decode()
    assert page.index(">People (") < page.index(">News (") < page.index(">Help pages (")


def test_news_full_text_search_stems_words_and_ranks_titles_first(people, login):
    assert connection.vendor == "postgresql"
    ArticleFactory(title="Budget training", slug="b1", body="Sessions for managers.")
    ArticleFactory(title="Car parks", slug="b2", body="Managers should check their budgets.")
    ArticleFactory(title="Unrelated", slug="b3", body="Nothing here.")
    groups = _groups(login(people["alice"]).get(reverse("search:results"), {"q": "budgets"}))
    assert groups["news"] == ["Budget training", "Car parks"]


def test_search_respects_news_targeting(people, org, login):
    ArticleFactory(title="Highways gritting rota", targets=[org["place"]])
    assert _groups(login(people["alice"]).get(reverse("search:results"), {"q": "gritting"}))["news"] == []
    assert _groups(login(people["dave"]).get(reverse("search:results"), {"q": "gritting"}))["news"] == [
        "Highways gritting rota"
    ]


def test_falls_back_to_contains_search_off_postgresql(people, monkeypatch):
    from news.selectors import search_articles

    ArticleFactory(title="Recycling centre hours", body="Open late on Thursdays.")
    monkeypatch.setattr(connection, "vendor", "sqlite")
    assert [a.title for a in search_articles(people["alice"].user, "thursdays")] == ["Recycling centre hours"]
    assert search_articles(people["alice"].user, "budgets") == []


def test_help_pages_are_found(people, login):
    groups = _groups(login(people["alice"]).get(reverse("search:results"), {"q": "search"}))
    assert "Using site search" in groups["help"]


def test_filter_to_one_kind(people, login):
    ArticleFactory(title="Social media policy")
    groups = _groups(login(people["alice"]).get(reverse("search:results"), {"q": "social", "kind": "news"}))
    assert list(groups) == ["news"]


def test_empty_and_overlong_queries(people, login):
    client = login(people["alice"])
    assert client.get(reverse("search:results")).context["groups"] == []
    resp = client.get(reverse("search:results"), {"q": "x" * 300})
    assert "Search for 200 characters or fewer" in resp.content.decode()


def test_a_failing_provider_does_not_break_the_page(people, login, monkeypatch):
    def broken(user, query, limit):
        raise RuntimeError("index offline")

    monkeypatch.setitem(search._providers, "broken", search.SearchProvider("broken", "Broken", broken, 99))
    resp = login(people["alice"]).get(reverse("search:results"), {"q": "alice"})
    assert resp.status_code == 200
    assert _groups(resp)["broken"] == []


def test_search_needs_sign_in(client):
    assert client.get(reverse("search:results"), {"q": "x"}).status_code == 302


def test_search_query_count_does_not_grow_with_content(people, org, login, django_assert_num_queries):
    from django.test.utils import CaptureQueriesContext

    client = login(people["alice"])
    ArticleFactory(title="Budget one")
    # Per request: session, user, employee; then one query per provider (people, news; courses
    # and help need none of ours) plus the groups lookup for navigation. Measured once, then
    # proven not to grow with ten times the matching articles.
    with CaptureQueriesContext(connection) as ctx:
        client.get(reverse("search:results"), {"q": "budget"})
    for i in range(10):
        ArticleFactory(title=f"Budget {i}", category=Article.Category.COUNCIL_NEWS, targets=[org["adults"]])
    with django_assert_num_queries(len(ctx)):
        client.get(reverse("search:results"), {"q": "budget"})


def test_courses_come_from_the_training_catalogue(people, login):
    from training.models import Course

    Course.objects.create(code="excel-budgets", title="Excel for budgets", kind=Course.Kind.choices[0][0],
                          summary="Formulas and pivot tables for budget holders.")
    Course.objects.create(code="old-course", title="Excel 2003", kind=Course.Kind.choices[0][0], is_active=False)
    resp = login(people["alice"]).get(reverse("search:results"), {"q": "excel"})
    courses = next(g for g in resp.context["groups"] if g.kind == "courses")
    assert [r.title for r in courses.results] == ["Excel for budgets"]
    assert courses.results[0].url == reverse("training:course", args=["excel-budgets"])


def test_help_for_reporting_only_shown_to_those_who_can_open_it(people, login):
    def help_titles(who):
        resp = login(people[who]).get(reverse("search:results"), {"q": "dashboard"})
        return _groups(resp)["help"]

    assert help_titles("director") == ["Understanding the adoption dashboard"]
    assert help_titles("alice") == []
