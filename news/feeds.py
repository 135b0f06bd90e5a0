"""RSS and Atom feeds. Pages need a signed-in session, and most feed readers cannot sign in, so
each member of staff gets a private feed address (`FeedToken`) under /api/news/feed/<token>/; the
session-only feeds at /news/feed/ serve a browser that is already signed in. Both only ever list
news the owner may read."""

from django.contrib.syndication.views import Feed
from django.http import Http404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from people.selectors import employee_for

from .models import FeedToken
from .selectors import live_articles, targeting_q

FEED_SIZE = 30


class NewsFeed(Feed):
    title = "Staff news"
    description = "Latest news and announcements for you."

    def get_object(self, request, token=None):
        if token is not None:
            ft = FeedToken.objects.select_related("employee__org_unit").filter(token=token).first()
            if ft is None or not ft.employee.is_active:
                raise Http404("No such feed")
            return ft.employee
        employee = employee_for(request.user)
        if employee is None:
            raise Http404("No employee record")
        return employee

    def link(self, obj):
        return reverse("news:list")

    def items(self, obj):
        return live_articles().filter(targeting_q(obj)).order_by("-publish_at", "-id")[:FEED_SIZE]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.summary

    def item_link(self, item):
        return reverse("news:detail", args=[item.slug])

    def item_pubdate(self, item):
        return item.publish_at

    def item_updateddate(self, item):
        return item.updated_at

    def item_categories(self, item):
        return [item.get_category_display()]


class AtomNewsFeed(NewsFeed):
    feed_type = Atom1Feed
    subtitle = NewsFeed.description
