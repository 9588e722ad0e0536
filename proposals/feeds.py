"""The Atom feed of /preconisations/flux/: each new visible préconisation and each
publication of an official answer, newest first. Anonymous like every page: the page
cache keeps it and a write makes it fresh."""

from django.urls import reverse
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from evaluation.feeds import FEED_SIZE, SUMMARY_WORDS, EntryFeed, FeedEntry, tag_authority
from proposals.models import Proposal


def proposal_entries(authority: str) -> list[FeedEntry]:
    """The FEED_SIZE newest events: two queries (new préconisations, answers)."""
    visible = Proposal.objects.visible().only(
        "pk", "slug", "title", "body", "status", "official_answer", "answered_at", "created_at"
    )
    entries = [
        FeedEntry(
            guid=f"tag:{authority},2026:preconisations/{proposal.pk}",
            title=_("Nouvelle préconisation : %(title)s") % {"title": proposal.title},
            link=proposal.get_absolute_url(),
            date=proposal.created_at,
            summary=Truncator(proposal.body).words(SUMMARY_WORDS),
        )
        for proposal in visible.order_by("-created_at", "-pk")[:FEED_SIZE]
    ]
    answered = visible.filter(answered_at__isnull=False).exclude(official_answer="")
    entries += [
        FeedEntry(
            # One entry per publication: an answer published again is news again.
            guid=f"tag:{authority},2026:preconisations/{proposal.pk}/reponse/{proposal.answered_at.timestamp():.6f}",
            title=_("Réponse officielle : %(title)s") % {"title": proposal.title},
            link=proposal.get_absolute_url() + "#reponse",
            date=proposal.answered_at,
            summary=_("Statut : %(status)s. %(answer)s")
            % {
                "status": proposal.get_status_display(),
                "answer": Truncator(proposal.official_answer).words(SUMMARY_WORDS),
            },
        )
        for proposal in answered.order_by("-answered_at", "-pk")[:FEED_SIZE]
    ]
    entries.sort(key=lambda entry: entry.date, reverse=True)
    return entries[:FEED_SIZE]


class ProposalFeed(EntryFeed):
    def get_object(self, request):
        return {"entries": proposal_entries(tag_authority(request))}

    def title(self, obj):
        return _("Archipel Citoyen : préconisations et réponses officielles")

    def subtitle(self, obj):
        return _("Les nouvelles préconisations et les réponses officielles qu’elles reçoivent.")

    def link(self, obj):
        return reverse("proposals:proposal_list")

    def feed_url(self, obj):
        return reverse("proposals:proposal_feed")
