"""Atom feeds: the pieces every feed of the site shares (`FeedEntry`, `EntryFeed`) and
/partenariats/<slug>/flux/, a partnership's actions, yearly assessments and the changes
of its public history (with the role of who made them, never a name).

Anonymous like every page: the page cache keeps them and a write makes them fresh."""

import hashlib
from dataclasses import dataclass
from datetime import datetime, time

from django.contrib.syndication.views import Feed
from django.db.models import OuterRef, Subquery
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from django.utils.text import Truncator, capfirst
from django.utils.translation import gettext as _

from cooperation.models import Partnership
from core.history import HistoryEntry, history_page
from evaluation.models import PartnershipAction, PartnershipAssessment

FEED_SIZE = 50
SUMMARY_WORDS = 60


@dataclass
class FeedEntry:
    guid: str
    title: str
    link: str
    date: datetime
    summary: str


def tag_authority(request) -> str:
    """The site's domain, for the entries' tag: URIs (RFC 4151), stable across pages."""
    return request.get_host().split(":")[0]


class EntryFeed(Feed):
    """An Atom feed of FeedEntry: `get_object` returns {"entries": [...], ...}."""

    feed_type = Atom1Feed
    # Atom (RFC 4287) requires an author of the feed when its entries name none.
    author_name = "Archipel Citoyen"

    def items(self, obj):
        return obj["entries"]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        # Atom's summary is HTML: the text escaped, its lines kept.
        return escape(item.summary).replace("\n", "<br>")

    def item_link(self, item):
        return item.link

    def item_guid(self, item):
        return item.guid

    def item_pubdate(self, item):
        return item.date

    def item_updateddate(self, item):
        return item.date


def _day_start(day) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def partnership_entries(partnership: Partnership, authority: str) -> list[FeedEntry]:
    """The FEED_SIZE newest: actions (dated when added to the catalogue), assessments
    (dated when published) and history changes. A fixed number of queries: one for the
    actions, one for the assessments, and those of `history_page`."""
    page_url = partnership.get_absolute_url()
    base = f"tag:{authority},2026:partenariats/{partnership.pk}"
    added = (
        PartnershipAction.history.filter(id=OuterRef("pk"))
        .order_by("history_date", "history_id")
        .values("history_date")[:1]
    )
    actions = (
        PartnershipAction.objects.filter(partnership=partnership)
        .annotate(added=Subquery(added))
        .order_by("-added", "-year", "-pk")[:FEED_SIZE]
    )
    entries = [
        FeedEntry(
            guid=f"{base}/actions/{action.pk}",
            title=_("Action : %(action)s") % {"action": action},
            link=page_url + "#evaluation",
            # An action recorded in no history (raw SQL): the start of its year.
            date=action.added or _day_start(datetime(action.year, 1, 1)),
            summary=Truncator(action.outcomes_here or action.outcomes_abroad).words(SUMMARY_WORDS),
        )
        for action in actions
    ]
    assessments = PartnershipAssessment.objects.filter(partnership=partnership).order_by(
        "-published_on", "-year"
    )[:FEED_SIZE]
    entries += [
        FeedEntry(
            guid=f"{base}/bilans/{assessment.pk}",
            title=_("Bilan %(year)s") % {"year": assessment.year},
            link=page_url + "#evaluation",
            date=_day_start(assessment.published_on),
            summary=Truncator(assessment.achievements).words(SUMMARY_WORDS),
        )
        for assessment in assessments
    ]
    history_url = reverse("cooperation:partnership_history", args=[partnership.slug])
    entries += [
        _change_entry(change, base, history_url) for change in history_page(partnership, 1, FEED_SIZE)
    ]
    entries.sort(key=lambda entry: entry.date, reverse=True)
    return entries[:FEED_SIZE]


def _change_entry(change: HistoryEntry, base: str, history_url: str) -> FeedEntry:
    # A HistoryEntry carries no id: its date (to the microsecond), action and subject
    # name one change.
    key = hashlib.sha256(f"{change.date.isoformat()}|{change.action}|{change.what}".encode()).hexdigest()
    lines = [capfirst(_("par : %(role)s") % {"role": change.role})]
    if change.reason:
        # Translated when it is a message of ours, as on the history page.
        lines.append(_("Motif : %(reason)s") % {"reason": _(change.reason)})
    lines += [
        _("%(field)s : %(old)s → %(new)s") % {"field": c.field, "old": c.old, "new": c.new}
        for c in change.changes
    ]
    return FeedEntry(
        guid=f"{base}/historique/{key[:20]}",
        title=_("%(action)s : %(what)s") % {"action": change.action, "what": change.what},
        link=history_url,
        date=change.date,
        summary="\n".join(lines),
    )


class PartnershipFeed(EntryFeed):
    def get_object(self, request, slug):
        partnership = get_object_or_404(
            Partnership.objects.select_related("french_authority", "partner"), slug=slug
        )
        return {
            "partnership": partnership,
            "entries": partnership_entries(partnership, tag_authority(request)),
        }

    def title(self, obj):
        partnership = obj["partnership"]
        return _("Partenariat %(french)s – %(partner)s : actions, bilans et modifications") % {
            "french": partnership.french_authority.localized_name,
            "partner": partnership.partner.localized_name,
        }

    def subtitle(self, obj):
        return _("Les actions, les bilans annuels et chaque modification de la fiche du partenariat.")

    def link(self, obj):
        return obj["partnership"].get_absolute_url()

    def feed_url(self, obj):
        return reverse("evaluation:partnership_feed", args=[obj["partnership"].slug])
