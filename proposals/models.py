from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Least
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from taggit.managers import TaggableManager
from taggit.models import TaggedItemBase

from cooperation.models import Source, Theme
from core.models import Moderated, ModeratedQuerySet, Timestamped
from core.natural_keys import NaturalKeyManager, NaturalKeyModel
from core.search import search_query, search_vector

TITLE_MAX_LENGTH = 160
BODY_MAX_LENGTH = 5000
COMMENT_MAX_LENGTH = 2000
REPORT_REASON_MAX_LENGTH = 500
REPORTS_TO_HIDE = 3  # reports by different users that hide content until staff decide


class Topic(NaturalKeyModel):
    """A thematic page of Archipel: objectives, diagnostic, the mayor's record, sources."""

    title = models.CharField(_("titre"), max_length=200, unique=True)
    slug = models.SlugField(_("identifiant d’URL"), max_length=200, unique=True)
    summary = models.TextField(_("chapeau"), blank=True)
    objectives = models.TextField(_("nos objectifs"))
    themes_intro = models.TextField(_("introduction des axes"), blank=True)
    diagnostic = models.TextField(_("notre diagnostic"))
    mayor_record = models.TextField(_("le vrai bilan du maire"))
    themes = models.ManyToManyField(Theme, verbose_name=_("axes"), blank=True, related_name="topics")
    sources = models.ManyToManyField(Source, verbose_name=_("sources"), blank=True, related_name="topics")
    is_home = models.BooleanField(
        _("page d’accueil"), default=False, help_text=_("La thématique présentée sur la page d’accueil.")
    )

    natural_key_fields = ("slug",)

    class Meta:
        ordering = ["title"]
        verbose_name = _("thématique")
        verbose_name_plural = _("thématiques")
        constraints = [
            models.UniqueConstraint(
                fields=["is_home"],
                condition=models.Q(is_home=True),
                name="topic_single_home",
                violation_error_message=_("Une seule thématique peut être présentée sur la page d’accueil."),
            )
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("home")


class ProposalStatus(models.TextChoices):
    PUBLISHED = "publiee", _("Publiée")
    UNDER_STUDY = "en-etude", _("En étude")
    ADOPTED = "retenue", _("Retenue")
    REJECTED = "ecartee", _("Écartée")
    WITHDRAWN = "retiree", _("Retirée")


# Votes are closed on these: a withdrawn or rejected proposal is no longer up for debate.
CLOSED_STATUSES = (ProposalStatus.REJECTED, ProposalStatus.WITHDRAWN)


class TaggedProposal(TaggedItemBase):
    """The étiquettes of a proposal, with a real foreign key (fast joins at scale)."""

    content_object = models.ForeignKey("Proposal", on_delete=models.CASCADE, related_name="tagged_items")

    class Meta:
        verbose_name = _("étiquette de préconisation")
        verbose_name_plural = _("étiquettes de préconisations")
        constraints = [
            models.UniqueConstraint(fields=["content_object", "tag"], name="tagged_proposal_unique")
        ]


class ProposalQuerySet(ModeratedQuerySet):
    def search(self, text: str):
        return self.filter(search=search_query(text))

    def for_cards(self):
        return self.select_related("author", "topic").prefetch_related("tags", "themes")

    def answer_expected(self, now=None):
        """Threshold reached, no official answer yet, the due date not passed."""
        return self.filter(answered_at__isnull=True, answer_due_at__gt=now or timezone.now())

    def answer_late(self, now=None):
        """The due date passed without an official answer."""
        return self.filter(answered_at__isnull=True, answer_due_at__lte=now or timezone.now())


class Proposal(Moderated, NaturalKeyModel):
    """A préconisation: written by Archipel (official) or by a citizen, voted pour / contre."""

    topic = models.ForeignKey(
        Topic, verbose_name=_("thématique"), on_delete=models.PROTECT, related_name="proposals"
    )
    title = models.CharField(_("titre"), max_length=TITLE_MAX_LENGTH)
    slug = models.SlugField(_("identifiant d’URL"), max_length=200, unique=True)
    body = models.TextField(_("texte"), max_length=BODY_MAX_LENGTH)
    tags = TaggableManager(verbose_name=_("étiquettes"), through=TaggedProposal, blank=True)
    themes = models.ManyToManyField(Theme, verbose_name=_("axes"), blank=True, related_name="proposals")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("auteur"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="proposals",
        help_text=_("Vide pour une préconisation d’Archipel ou d’un compte supprimé."),
    )
    is_official = models.BooleanField(_("préconisation d’Archipel"), default=False)
    status = models.CharField(
        _("statut"),
        max_length=10,
        choices=ProposalStatus.choices,
        default=ProposalStatus.PUBLISHED,
        db_index=True,
    )
    official_answer = models.TextField(_("réponse officielle"), blank=True)
    # The answer deadline: set once, by the vote that reaches settings.ANSWER_THRESHOLD
    # votes pour (services.vote_cast), and never unset when votes are withdrawn.
    threshold_reached_at = models.DateTimeField(_("seuil de réponse atteint le"), null=True, blank=True)
    answer_due_at = models.DateTimeField(_("réponse attendue avant le"), null=True, blank=True, db_index=True)
    # Set by the first official answer published (services.proposal_answer), kept after.
    answered_at = models.DateTimeField(_("date de la réponse"), null=True, blank=True)
    answer_reminded_at = models.DateTimeField(_("échéance rappelée à l’équipe le"), null=True, blank=True)
    # Denormalised counters, moved in the same transaction as the rows they count.
    votes_for = models.PositiveIntegerField(_("votes pour"), default=0)
    votes_against = models.PositiveIntegerField(_("votes contre"), default=0)
    comment_count = models.PositiveIntegerField(_("commentaires"), default=0)
    # Moderated's, in the feminine and indexed: every public list filters on it.
    is_hidden = models.BooleanField(_("masquée"), default=False, db_index=True)
    # Not Timestamped's: "créée" and "modifiée", in the feminine.
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifiée le"), auto_now=True)
    search = models.GeneratedField(
        expression=search_vector("title", "body"),
        output_field=SearchVectorField(),
        db_persist=True,
        verbose_name=_("index de recherche"),
    )

    natural_key_fields = ("slug",)

    objects = NaturalKeyManager.from_queryset(ProposalQuerySet)()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("préconisation")
        verbose_name_plural = _("préconisations")
        # "change" is too coarse for the roles (archipel/roles.py): a moderator hides and
        # restores, an answer manager sets the status and the official answer, and
        # neither rewrites a préconisation.
        permissions = [
            ("moderate_proposal", _("Peut masquer et rétablir une préconisation")),
            ("answer_proposal", _("Peut changer le statut et la réponse officielle d’une préconisation")),
        ]
        indexes = [
            GinIndex(fields=["search"], name="proposal_search_gin"),
            models.Index(F("votes_for").desc(), F("id").desc(), name="proposal_most_supported"),
            models.Index(F("created_at").desc(), F("id").desc(), name="proposal_newest"),
            models.Index(F("comment_count").desc(), F("id").desc(), name="proposal_most_commented"),
            models.Index(
                Least("votes_for", "votes_against").desc(), F("id").desc(), name="proposal_most_debated"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(is_official=False) | Q(author__isnull=True),
                name="proposal_official_has_no_author",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("proposals:proposal_detail", args=[self.slug])

    @property
    def is_closed(self) -> bool:
        return self.status in CLOSED_STATUSES

    @property
    def vote_total(self) -> int:
        return self.votes_for + self.votes_against

    @property
    def support_percent(self) -> int:
        return round(100 * self.votes_for / self.vote_total) if self.vote_total else 0

    # The answer deadline, as its page shows it ---------------------------------------

    @property
    def answer_threshold(self) -> int:
        return settings.ANSWER_THRESHOLD

    @property
    def answer_delay_days(self) -> int:
        return settings.ANSWER_DELAY_DAYS

    @property
    def answer_threshold_percent(self) -> int:
        return min(100, 100 * self.votes_for // settings.ANSWER_THRESHOLD)

    @property
    def answer_state(self) -> str:
        """ "answered", "late", "due" (threshold reached, date not passed) or "" (neither)."""
        if self.answered_at is not None:
            return "answered"
        if self.answer_due_at is None:
            return ""
        return "late" if self.answer_due_at <= timezone.now() else "due"


# The sort expression of "les plus débattues": many votes on both sides.
DEBATE_SCORE = Least("votes_for", "votes_against")


class VoteValue(models.TextChoices):
    FOR = "pour", _("Pour")
    AGAINST = "contre", _("Contre")


class Vote(Timestamped):
    """One per user and proposal (the constraint is the real guarantee); changeable."""

    proposal = models.ForeignKey(
        Proposal, verbose_name=_("préconisation"), on_delete=models.CASCADE, related_name="votes"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("citoyen"), on_delete=models.CASCADE, related_name="votes"
    )
    value = models.CharField(_("vote"), max_length=6, choices=VoteValue.choices)

    class Meta:
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        constraints = [
            models.UniqueConstraint(fields=["proposal", "user"], name="vote_one_per_user_and_proposal"),
            models.CheckConstraint(condition=Q(value__in=VoteValue.values), name="vote_value_valid"),
        ]
        indexes = [models.Index(fields=["user", "-created_at"], name="vote_user_recent")]

    def __str__(self):
        return f"{self.get_value_display()} – {self.proposal}"

    def get_absolute_url(self):
        return self.proposal.get_absolute_url()


class Alignment(models.TextChoices):
    FOR = "pour", _("Pour")
    AGAINST = "contre", _("Contre")
    NEUTRAL = "neutre", _("Neutre")


class CommentQuerySet(models.QuerySet):
    def top_level(self):
        return self.filter(parent__isnull=True)


class Comment(Moderated):
    """A comment on a proposal, or a reply to one (one level deep)."""

    proposal = models.ForeignKey(
        Proposal, verbose_name=_("préconisation"), on_delete=models.CASCADE, related_name="comments"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("en réponse à"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="replies",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("auteur"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="comments",
        help_text=_("Vide quand le compte a été supprimé : le commentaire reste, sans nom."),
    )
    body = models.TextField(_("texte"), max_length=COMMENT_MAX_LENGTH)
    alignment = models.CharField(_("position"), max_length=6, choices=Alignment.choices, blank=True)
    created_at = models.DateTimeField(_("publié le"), auto_now_add=True)
    edited_at = models.DateTimeField(_("modifié le"), null=True, blank=True)
    deleted_at = models.DateTimeField(_("supprimé le"), null=True, blank=True)

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("commentaire")
        verbose_name_plural = _("commentaires")
        permissions = [("moderate_comment", _("Peut masquer et rétablir un commentaire"))]
        indexes = [
            models.Index(fields=["proposal", "parent", "created_at", "id"], name="comment_thread"),
            models.Index(fields=["author", "-created_at"], name="comment_author_recent"),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(parent=F("pk")), name="comment_not_its_own_parent"),
        ]

    def __str__(self):
        return self.body[:60]

    def get_absolute_url(self):
        return f"{self.proposal.get_absolute_url()}#commentaire-{self.pk}"

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None


class ReportReason(models.TextChoices):
    ABUSE = "injure", _("Propos injurieux ou haineux")
    SPAM = "spam", _("Publicité ou contenu répété")
    PERSONAL = "donnees", _("Données personnelles")
    OFF_TOPIC = "hors-sujet", _("Hors sujet")
    OTHER = "autre", _("Autre")


class Report(models.Model):
    """A citizen's report of a proposal or a comment, for the moderation queue."""

    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("signalé par"),
        on_delete=models.CASCADE,
        related_name="reports",
    )
    proposal = models.ForeignKey(
        Proposal,
        verbose_name=_("préconisation"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reports",
    )
    comment = models.ForeignKey(
        Comment,
        verbose_name=_("commentaire"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reports",
    )
    reason = models.CharField(_("motif"), max_length=12, choices=ReportReason.choices)
    details = models.TextField(_("précisions"), max_length=REPORT_REASON_MAX_LENGTH, blank=True)
    created_at = models.DateTimeField(_("signalé le"), auto_now_add=True)
    resolved_at = models.DateTimeField(_("traité le"), null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("signalement")
        verbose_name_plural = _("signalements")
        constraints = [
            models.CheckConstraint(
                condition=Q(proposal__isnull=False, comment__isnull=True)
                | Q(proposal__isnull=True, comment__isnull=False),
                name="report_one_target",
            ),
            models.UniqueConstraint(fields=["reporter", "proposal"], name="report_once_per_proposal"),
            models.UniqueConstraint(fields=["reporter", "comment"], name="report_once_per_comment"),
        ]

    def __str__(self):
        return f"{self.get_reason_display()} – {self.target}"

    def get_absolute_url(self):
        return self.target.get_absolute_url()

    @property
    def target(self):
        return self.proposal or self.comment
