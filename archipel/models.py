from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A citizen or a staff member. Citizens sign in with their e-mail address."""

    display_name = models.CharField(
        _("nom affiché"),
        max_length=60,
        blank=True,
        help_text=_("Le nom montré à côté de vos préconisations et commentaires."),
    )
    email_answers = models.BooleanField(
        _("réponses officielles"),
        default=True,
        db_default=True,
        help_text=_(
            "Un courriel quand une préconisation que vous avez proposée ou votée reçoit une réponse."
        ),
    )
    email_moderation = models.BooleanField(
        _("décisions de modération"),
        default=True,
        db_default=True,
        help_text=_("Un courriel quand l’une de vos contributions est masquée ou de nouveau visible."),
    )

    class Meta(AbstractUser.Meta):
        verbose_name = _("utilisateur")
        verbose_name_plural = _("utilisateurs")
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                condition=~models.Q(email=""),
                name="user_email_unique_ci",
                violation_error_message=_("Un compte existe déjà avec cette adresse e-mail."),
            )
        ]

    def __str__(self):
        return self.public_name

    @property
    def public_name(self) -> str:
        return self.display_name or self.username


def user_display(user) -> str:
    """How allauth names a user in its pages and e-mails."""
    return user.public_name


class SeedFile(models.Model):
    """A seed fixture file (`fixtures/*.json`, `fixtures/initial/*.json`) applied to this
    database. Each file is applied once: a start never loads it again, so what staff
    changed or deleted since stays as they left it. The hash tells when the file changed
    after it was applied (`load_catalogue --changes` shows what a reapply would do)."""

    path = models.CharField(_("fichier"), max_length=200, unique=True, help_text=_("Relatif à fixtures/."))
    sha256 = models.CharField(_("empreinte SHA-256"), max_length=64)
    applied_at = models.DateTimeField(_("appliqué le"), default=timezone.now)

    class Meta:
        verbose_name = _("fichier de données initiales")
        verbose_name_plural = _("fichiers de données initiales")
        ordering = ["path"]

    def __str__(self):
        return self.path
