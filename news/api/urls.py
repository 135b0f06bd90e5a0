from django.urls import path

from .. import feeds
from .views import ArticleListApi

app_name = "news_api"
urlpatterns = [
    path("articles/", ArticleListApi.as_view(), name="articles"),
    # Private per-person feed addresses: the token is the credential (see news.feeds).
    path("feed/<str:token>/rss/", feeds.NewsFeed(), name="feed_rss"),
    path("feed/<str:token>/atom/", feeds.AtomNewsFeed(), name="feed_atom"),
]
