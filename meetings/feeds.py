from django.contrib.syndication.views import Feed
from django.urls import reverse_lazy
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy as _

from meetings.models import Meeting

FEED_SIZE = 30


class MeetingFeed(Feed):
    feed_type = Atom1Feed
    title = _("Archipel — rencontres publiques")
    subtitle = _("Les rencontres publiques sur la coopération européenne et internationale de Toulouse.")
    link = reverse_lazy("meetings:meeting_list")

    def items(self):
        return Meeting.objects.published().order_by("-created_at", "-pk")[:FEED_SIZE]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.agenda

    def item_pubdate(self, item):
        return item.created_at

    def item_updateddate(self, item):
        return item.created_at
