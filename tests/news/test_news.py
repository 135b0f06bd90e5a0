from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from core.errors import DomainError
from news import services
from news.models import Article, Comment, EditorScope
from news.rendering import render_body
from people import roles
from people.models import AuditEntry

from .factories import ArticleFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(people, org):
    """The head of social work edits news for the Adults portfolio."""
    head = people["head"]
    head.user.groups.add(Group.objects.get_or_create(name=roles.NEWS_EDITOR)[0])
    EditorScope.objects.create(editor=head, unit=org["adults"])
    return head


# --- sanitising -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body, forbidden",
    [
        ("Hello <script>alert('x')</script>", "<script"),
        ('<img src="x.png" onerror="alert(1)">', "onerror"),
        ("[click](javascript:alert(1))", "javascript:"),
        ('<iframe src="https://evil.example"></iframe>', "<iframe"),
        ('<p style="position:fixed">x</p>', "style="),
        ('<a href="https://ok.example" onclick="steal()">x</a>', "onclick"),
    ],
)
def test_unsafe_html_in_article_body_is_stripped(body, forbidden):
    article = ArticleFactory(body=body)
    assert forbidden not in article.body_html.lower()


def test_markdown_is_rendered_and_safe_markup_kept():
    html = render_body("## Heading\n\n**bold** and [a link](https://www.gov.uk)")
    assert "<h2>Heading</h2>" in html
    assert "<strong>bold</strong>" in html
    assert 'href="https://www.gov.uk"' in html


def test_reader_sees_sanitised_body(people, login):
    ArticleFactory(slug="bad", body="Safe text <script>alert(1)</script>")
    page = login(people["alice"]).get(reverse("news:detail", args=["bad"])).content.decode()
    assert "Safe text" in page
    assert "alert(1)</script>" not in page


# --- targeting and publishing -------------------------------------------------------------------


def test_article_for_one_portfolio_is_not_shown_to_another_portfolios_staff(people, org, login):
    ArticleFactory(title="Adults only news", slug="adults-only", targets=[org["adults"]])
    ArticleFactory(title="For everyone", slug="everyone")
    # alice is in Team A, beneath Adults: the portfolio's news reaches its teams.
    alice_page = login(people["alice"]).get(reverse("news:list")).content.decode()
    assert "Adults only news" in alice_page and "For everyone" in alice_page
    # dave works in Highways (Place): he sees the council-wide news only, and cannot open the other.
    client = login(people["dave"])
    dave_page = client.get(reverse("news:list")).content.decode()
    assert "Adults only news" not in dave_page and "For everyone" in dave_page
    assert client.get(reverse("news:detail", args=["adults-only"])).status_code == 404
    assert "Adults only news" not in client.get(reverse("search:results"), {"q": "Adults"}).content.decode()
    assert client.get(reverse("news:list")).status_code == 200


def test_department_news_does_not_reach_the_portfolio_head_above_it(people, org, login):
    ArticleFactory(title="Social work rota", slug="rota", targets=[org["social"]])
    assert "Social work rota" in login(people["carol"]).get(reverse("news:list")).content.decode()
    assert "Social work rota" not in login(people["director"]).get(reverse("news:list")).content.decode()


def test_scheduled_and_unpublished_articles_are_hidden(people, login):
    now = timezone.now()
    ArticleFactory(title="Future item", publish_at=now + timedelta(days=1))
    ArticleFactory(title="Expired item", publish_at=now - timedelta(days=3), unpublish_at=now - timedelta(days=1))
    ArticleFactory(title="Draft item", publish_at=None)
    ArticleFactory(title="Live item")
    page = login(people["alice"]).get(reverse("news:list")).content.decode()
    assert "Live item" in page
    for hidden in ("Future item", "Expired item", "Draft item"):
        assert hidden not in page


def test_pinned_items_come_first(people, login):
    ArticleFactory(title="Newest", publish_at=timezone.now() - timedelta(minutes=1))
    ArticleFactory(title="Old but pinned", publish_at=timezone.now() - timedelta(days=10), is_pinned=True)
    page = login(people["alice"]).get(reverse("news:list")).content.decode()
    assert page.index("Old but pinned") < page.index("Newest")


def test_category_filter_shows_best_practice_stories(people, login):
    ArticleFactory(title="How our team uses Teams", category=Article.Category.BEST_PRACTICE)
    ArticleFactory(title="Car park closure", category=Article.Category.SERVICE_UPDATE)
    page = login(people["alice"]).get(reverse("news:list"), {"category": "best-practice"}).content.decode()
    assert "How our team uses Teams" in page and "Car park closure" not in page


def test_news_list_query_count_does_not_grow(people, org, login, django_assert_num_queries):
    client = login(people["alice"])
    for i in range(3):
        ArticleFactory(targets=[org["team_a"]] if i % 2 else None)

    # Six queries of ours: session, user, employee (for targeting), paginator count, the user's
    # groups (editor link; cached for the request), the page of articles. Navigation items other
    # apps register may add their own, so measure at a small size, then prove it does not grow.
    def measure():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("news:list")).status_code == 200
        return len(ctx)

    small = measure()
    for i in range(25):
        ArticleFactory(targets=[org["adults"]] if i % 3 else None)
    with django_assert_num_queries(small):
        client.get(reverse("news:list"))


# --- editors -----------------------------------------------------------------------------------


def test_editor_publishes_to_their_portfolio(editor, org, people, login):
    client = login(editor)
    resp = client.post(
        reverse("news:create"),
        {
            "title": "Social work awards", "kind": "article", "category": "council-news",
            "summary": "Winners announced.", "body": "Well done <script>x()</script>all.",
            "target_units": [org["social"].pk], "publish_at": "2020-01-01T09:00",
        },
    )
    assert resp.status_code == 302, resp.content.decode()
    article = Article.objects.get(title="Social work awards")
    assert "<script" not in article.body_html
    assert AuditEntry.objects.filter(action="news.article_created", object_id=str(article.pk)).exists()
    assert "Social work awards" in login(people["carol"]).get(reverse("news:list")).content.decode()


def test_editor_cannot_publish_outside_their_portfolio_or_to_everyone(editor, org, login):
    client = login(editor)
    base = {"title": "X", "kind": "article", "category": "council-news", "summary": "s", "body": "b"}
    resp = client.post(reverse("news:create"), {**base, "target_units": [org["highways"].pk]})
    assert resp.status_code == 400  # Highways is not offered to this editor at all
    assert "target_units" in resp.context["form"].errors
    resp = client.post(reverse("news:create"), base)
    assert resp.status_code == 400
    assert "whole council" in resp.content.decode()
    assert not Article.objects.exists()


def test_image_needs_alt_text(editor, org):
    from django.core.files.uploadedfile import SimpleUploadedFile

    image = SimpleUploadedFile("a.gif", b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", content_type="image/gif")
    with pytest.raises(DomainError) as err:
        services.article_save(
            actor=editor.user, targets=[org["adults"]], title="Pic", summary="s", body="b", image=image, image_alt=""
        )
    assert err.value.field == "image_alt"


@pytest.mark.parametrize(
    "who, status",
    [("alice", 403), ("dave", 403), ("hr", 403), ("head", 200), ("admin", 200)],
)
def test_manage_page_permissions(who, status, editor, people, login):
    assert login(people[who]).get(reverse("news:manage")).status_code == status


def test_editor_cannot_edit_another_portfolios_article(editor, org, login):
    other = ArticleFactory(targets=[org["place"]])
    assert login(editor).get(reverse("news:edit", args=[other.pk])).status_code == 403


def test_unpublish(editor, org, people, login):
    a = ArticleFactory(title="Going away", targets=[org["adults"]])
    login(editor).post(reverse("news:unpublish", args=[a.pk]))
    # (the editor's success message mentions the title, so look at the listed articles themselves)
    listed = login(people["alice"]).get(reverse("news:list")).context["page"].object_list
    assert a not in listed


# --- comments, reactions, moderation -------------------------------------------------------------


def test_staff_comment_and_editor_hides_it(editor, org, people, login, client):
    a = ArticleFactory(slug="a1", targets=[org["adults"]])
    login(people["alice"]).post(reverse("news:comment", args=["a1"]), {"body": "Rude remark"})
    comment = Comment.objects.get()
    assert "Rude remark" in client.get(reverse("news:detail", args=["a1"])).content.decode()
    # alice is not a news editor: she cannot hide it
    assert client.post(reverse("news:comment_moderate", args=[comment.pk])).status_code == 403
    login(editor).post(reverse("news:comment_moderate", args=[comment.pk]), {"reason": "Not respectful"})
    comment.refresh_from_db()
    assert comment.is_hidden
    assert AuditEntry.objects.filter(action="news.comment_hidden").exists()
    assert "Rude remark" not in login(people["bob"]).get(reverse("news:detail", args=[a.slug])).content.decode()


def test_empty_comment_is_refused_with_a_message(people, login):
    ArticleFactory(slug="a2")
    resp = login(people["alice"]).post(reverse("news:comment", args=["a2"]), {"body": "   "})
    assert resp.status_code == 400
    assert "Enter a comment" in resp.content.decode() or "This field is required" in resp.content.decode()
    assert not Comment.objects.exists()


def test_reaction_toggles(people, login):
    ArticleFactory(slug="r1")
    client = login(people["alice"])
    client.post(reverse("news:react", args=["r1"]), {"kind": "like"})
    assert "Like <span class=\"govuk-visually-hidden\">this article, </span>(1)" in client.get(
        reverse("news:detail", args=["r1"])
    ).content.decode()
    client.post(reverse("news:react", args=["r1"]), {"kind": "like"})
    assert "(1)" not in client.get(reverse("news:detail", args=["r1"])).content.decode()


def test_cannot_comment_on_news_not_meant_for_you(people, org, login):
    ArticleFactory(slug="adults", targets=[org["adults"]])
    assert login(people["dave"]).post(reverse("news:comment", args=["adults"]), {"body": "hi"}).status_code == 404


def test_reading_records_reach_once(people, login):
    a = ArticleFactory(slug="read-me")
    client = login(people["alice"])
    client.get(reverse("news:detail", args=["read-me"]))
    client.get(reverse("news:detail", args=["read-me"]))
    assert a.reads.count() == 1


# --- feeds, home, API ---------------------------------------------------------------------------


def test_private_feed_lists_only_news_for_its_owner(people, org, login, client):
    ArticleFactory(title="Adults feed item", targets=[org["adults"]])
    ArticleFactory(title="Everyone feed item")
    dave_token = services.feed_token_for(employee=people["dave"]).token
    client.logout()
    rss = client.get(reverse("news_api:feed_rss", args=[dave_token])).content.decode()
    assert "Everyone feed item" in rss and "Adults feed item" not in rss
    atom = client.get(reverse("news_api:feed_atom", args=[dave_token]))
    assert atom.status_code == 200 and "<feed" in atom.content.decode()
    assert client.get(reverse("news_api:feed_rss", args=["not-a-token"])).status_code == 404


def test_resetting_feed_address_stops_the_old_one(people, login, client):
    old = services.feed_token_for(employee=people["alice"]).token
    login(people["alice"]).post(reverse("news:feeds"))
    client.logout()
    assert client.get(reverse("news_api:feed_rss", args=[old])).status_code == 404


def test_session_feed_needs_sign_in(people, login, client):
    assert client.get(reverse("news:feed_rss")).status_code == 302
    ArticleFactory(title="Signed in item")
    assert "Signed in item" in login(people["alice"]).get(reverse("news:feed_rss")).content.decode()


def test_home_shows_latest_news_for_me(people, org, login):
    ArticleFactory(title="Place road works", targets=[org["place"]])
    ArticleFactory(title="Staff survey open")
    page = login(people["alice"]).get(reverse("home")).content.decode()
    assert "Latest news" in page and "Staff survey open" in page and "Place road works" not in page


def test_api_lists_only_visible_articles(people, org, api_as):
    ArticleFactory(title="Adults api", targets=[org["adults"]])
    ArticleFactory(title="All api")
    titles = [a["title"] for a in api_as(people["dave"]).get("/api/news/articles/").json()["results"]]
    assert titles == ["All api"]


def test_the_articles_endpoint_is_served_by_article_list_api():
    """API views are named <Thing>Api, so they are not confused with the page views."""
    from django.urls import resolve

    from news.api.views import ArticleListApi

    assert resolve("/api/news/articles/").func.view_class is ArticleListApi


def test_demo_seeder_runs(people, org):
    import io
    import random

    from news.demo import seed_news

    seed_news(rng=random.Random(1), staff_count=10, stdout=io.StringIO())
    assert Article.objects.filter(category=Article.Category.BEST_PRACTICE).exists()
    assert Article.objects.filter(target_units=org["adults"]).exists()
