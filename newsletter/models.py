"""Newsletter subscriptions and the bulletins sent to them.

A pending sign-up keeps only a keyed hash of the address and the address sealed with the
key of its confirmation link (newsletter.tokens): the address itself is stored once its
owner confirms, because sending needs it. Unsubscribing deletes the row.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from newsletter import tokens

EMAIL_MAX_LENGTH = 254  # RFC 5321: the longest address a mail server accepts


class SubscriptionQuerySet(models.QuerySet):
    def confirmed(self):
        return self.filter(confirmed_at__isnull=False)

    def pending(self):
        return self.filter(confirmed_at__isnull=True)

    def with_confirmation_token(self, token: str):
        return self.filter(confirmation_token_hash=tokens.confirmation_token_hash(token))


class Subscription(models.Model):
    """One address's subscription to the newsletter, pending until its owner confirms."""

    email_hash = models.CharField(
        _("empreinte de l’adresse"),
        max_length=64,
        unique=True,
        editable=False,
        help_text=_("HMAC-SHA256 de l’adresse normalisée : retrouve une inscription sans garder l’adresse."),
    )
    email = models.EmailField(
        _("adresse e-mail"),
        max_length=EMAIL_MAX_LENGTH,
        blank=True,
        help_text=_("Vide tant que l’inscription n’est pas confirmée."),
    )
    language = models.CharField(
        _("langue"), max_length=10, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    confirmation_token_hash = models.CharField(
        _("empreinte du lien de confirmation"),
        max_length=64,
        blank=True,
        db_index=True,
        editable=False,
        help_text=_("SHA-256 du jeton aléatoire du dernier lien de confirmation envoyé."),
    )
    sealed_email = models.TextField(
        _("adresse chiffrée"),
        blank=True,
        editable=False,
        help_text=_("L’adresse chiffrée avec la clé du lien de confirmation, jusqu’à la confirmation."),
    )
    confirmation_sent_at = models.DateTimeField(
        _("dernier courriel d’inscription"), null=True, blank=True, db_index=True
    )
    confirmed_at = models.DateTimeField(_("confirmée le"), null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(_("demandée le"), auto_now_add=True, db_index=True)

    objects = SubscriptionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("abonnement aux nouvelles")
        verbose_name_plural = _("abonnements aux nouvelles")
        constraints = [
            # The address is stored if and only if its owner confirmed.
            models.CheckConstraint(
                condition=Q(confirmed_at__isnull=True, email="")
                | (Q(confirmed_at__isnull=False) & ~Q(email="")),
                name="subscription_email_only_when_confirmed",
            )
        ]

    def __str__(self):
        return self.email or str(_("inscription en attente de confirmation"))

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None

    def confirmation_expired(self, now=None) -> bool:
        sent_at = self.confirmation_sent_at or self.created_at
        return sent_at < (now or timezone.now()) - tokens.CONFIRMATION_MAX_AGE


class Bulletin(models.Model):
    """A message written by staff and sent once to every confirmed subscriber."""

    subject = models.CharField(_("objet"), max_length=200)
    body = models.TextField(
        _("texte"),
        help_text=_("Texte brut, envoyé tel quel ; le lien de désinscription est ajouté à la fin."),
    )
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True, db_index=True)
    sent_at = models.DateTimeField(_("envoyé le"), null=True, blank=True, editable=False)
    recipient_count = models.PositiveIntegerField(_("destinataires"), default=0, editable=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("bulletin")
        verbose_name_plural = _("bulletins")

    def __str__(self):
        return self.subject
