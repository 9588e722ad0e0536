"""Every e-mail the site sends: a message, and one delivery row per recipient.

No web request talks to a mail server. A write records the message (and, for one
recipient, its delivery) in its own transaction and defers a task; workers send the
deliveries over one SMTP connection each, mark each recipient as soon as the server
accepts its message, retry temporary failures with backoff and record permanent ones.
The delivery rows are the truth: a worker killed mid-way leaves them pending, and the
next one resumes where it stopped.
"""

from datetime import timedelta

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# A temporary failure is tried again after 1, 2, 4… minutes, at most an hour apart;
# after MAX_ATTEMPTS tries the delivery is recorded as failed (staff may retry it).
MAX_ATTEMPTS = 10
MAX_BACKOFF = timedelta(hours=1)


class MessageKind(models.TextChoices):
    ANSWER = "answer", _("réponse officielle")
    MODERATION = "moderation", _("modération")
    NEWSLETTER = "newsletter", _("inscription aux nouvelles")
    BULLETIN = "bulletin", _("bulletin")
    ACCOUNT = "account", _("compte")
    MEETING = "meeting", _("rencontre publique")
    CORRECTION = "correction", _("réponse à une correction")
    ANSWER_DUE = "answer_due", _("échéance de réponse")


class DeliveryState(models.TextChoices):
    PENDING = "pending", _("en attente")
    SENT = "sent", _("envoyé")
    FAILED = "failed", _("en échec")


class MessageQuerySet(models.QuerySet):
    def with_progress(self):
        """Each message with its counts of sent, pending and failed deliveries."""
        return self.annotate(
            sent_count=Count("deliveries", filter=Q(deliveries__state=DeliveryState.SENT)),
            pending_count=Count("deliveries", filter=Q(deliveries__state=DeliveryState.PENDING)),
            failed_count=Count("deliveries", filter=Q(deliveries__state=DeliveryState.FAILED)),
        )

    def about(self, obj):
        """The messages about `obj` (a proposal's answers, a bulletin's sending)."""
        return self.filter(content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk)


class Message(models.Model):
    """What is sent: a template rendered for each recipient at sending time, or a text
    rendered once (allauth's messages, rendered in the request that asks for them)."""

    kind = models.CharField(_("type"), max_length=20, choices=MessageKind.choices, db_index=True)
    template = models.CharField(
        _("gabarit"),
        max_length=200,
        blank=True,
        help_text=_("Sans gabarit, l’objet et le texte ci-dessous sont envoyés tels quels."),
    )
    subject = models.CharField(_("objet"), max_length=300, blank=True)
    body = models.TextField(_("texte"), blank=True)
    context = models.JSONField(_("contexte"), default=dict, blank=True)
    content_type = models.ForeignKey(
        ContentType, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("sujet (type)")
    )
    object_id = models.PositiveBigIntegerField(_("sujet (identifiant)"), null=True, blank=True)
    target = GenericForeignKey("content_type", "object_id")
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True, db_index=True)
    recipients_recorded_at = models.DateTimeField(
        _("destinataires enregistrés le"),
        null=True,
        blank=True,
        help_text=_("Vide tant que la liste des destinataires n’est pas établie."),
    )

    objects = MessageQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("courriel")
        verbose_name_plural = _("courriels")
        indexes = [models.Index(fields=["content_type", "object_id"], name="message_target_idx")]

    def __str__(self):
        label = self.subject or self.context.get("label", "")
        return f"{self.get_kind_display()} — {label}" if label else str(self.get_kind_display())


class DeliveryQuerySet(models.QuerySet):
    def due(self, now=None):
        return self.filter(state=DeliveryState.PENDING, next_attempt_at__lte=now or timezone.now())


class Delivery(models.Model):
    """One message to one address: its state, its attempts and the last error."""

    message = models.ForeignKey(
        Message, on_delete=models.CASCADE, related_name="deliveries", verbose_name=_("courriel")
    )
    address = models.EmailField(_("adresse"), max_length=254)
    language = models.CharField(_("langue"), max_length=10, default="fr")
    context = models.JSONField(
        _("contexte du destinataire"),
        default=dict,
        blank=True,
        help_text=_("Ce qui change d’un destinataire à l’autre : ses liens de désinscription."),
    )
    state = models.CharField(
        _("état"), max_length=10, choices=DeliveryState.choices, default=DeliveryState.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("tentatives"), default=0)
    last_error = models.TextField(_("dernière erreur"), blank=True)
    next_attempt_at = models.DateTimeField(_("prochaine tentative"), default=timezone.now)
    sent_at = models.DateTimeField(_("envoyé le"), null=True, blank=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    objects = DeliveryQuerySet.as_manager()

    class Meta:
        ordering = ["pk"]
        verbose_name = _("envoi")
        verbose_name_plural = _("envois")
        constraints = [
            # The guarantee behind "each recipient once": a fan-out run twice adds nobody.
            models.UniqueConstraint(fields=["message", "address"], name="delivery_once_per_address"),
        ]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(state="pending"),
                name="delivery_due_idx",
            ),
            models.Index(fields=["message", "state"], name="delivery_message_state_idx"),
        ]

    def __str__(self):
        return f"{self.address} ({self.get_state_display()})"

    @staticmethod
    def backoff(attempts: int) -> timedelta:
        return min(timedelta(minutes=2 ** max(attempts - 1, 0)), MAX_BACKOFF)
