from django.urls import path

from . import feeds, views

app_name = "news"
urlpatterns = [
    path("", views.article_list, name="list"),
    path("manage/", views.manage, name="manage"),
    path("manage/new/", views.article_edit, name="create"),
    path("manage/<id:pk>/", views.article_edit, name="edit"),
    path("manage/<id:pk>/unpublish/", views.article_unpublish, name="unpublish"),
    path("comments/<id:pk>/moderate/", views.comment_moderate, name="comment_moderate"),
    path("feeds/", views.feeds, name="feeds"),
    # Session-only feeds for a signed-in browser; feed readers use the private address on /api/news/.
    path("feed/rss/", feeds.NewsFeed(), name="feed_rss"),
    path("feed/atom/", feeds.AtomNewsFeed(), name="feed_atom"),
    path("<slug:slug>/", views.article_detail, name="detail"),
    path("<slug:slug>/react/", views.article_react, name="react"),
    path("<slug:slug>/comment/", views.comment_add, name="comment"),
]
