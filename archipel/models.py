from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Coalesce, Lower, NullIf
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.search import sort_key

# What a name is once folded: every character that is not a letter or a digit goes
# (ASCII punctuation, spaces and controls, Latin-1 signs such as « » ·, the general
# punctuation block with its dashes, quotes and spaces, CJK punctuation). Listed rather
# than [^[:alnum:]], whose meaning depends on the server's locale.
NAME_NOISE = r"[\x01-\x2f\x3a-\x40\x5b-\x60\x7b-\x7f\u00a0-\u00bf\u00d7\u00f7\u2000-\u206f\u3000-\u303f]+"


def name_key(expression):
    """A public name folded for comparison: case, accents, punctuation and spaces
    ("Jeanne Dupont-Léger", "jeanne dupont leger" and "JEANNE_DUPONT.LEGER" are one
    name). Lower again after unaccenting: a server in the C locale lowers ASCII only."""
    return models.Func(
        Lower(sort_key(expression)),
        models.Value(NAME_NOISE),
        models.Value(""),
        models.Value("g"),
        function="regexp_replace",
        output_field=models.TextField(),
    )


def public_name_key():
    """The folded public name of a user: the display name, or the username without one."""
    return name_key(Coalesce(NullIf(models.F("display_name"), models.Value("")), models.F("username")))


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
    # Unique: nobody shows another account's name, whatever its case, accents or
    # punctuation (archipel/forms.py says so in French before the database refuses).
    name_key = models.GeneratedField(
        expression=public_name_key(),
        output_field=models.TextField(),
        db_persist=True,
        verbose_name=_("nom public replié"),
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
            ),
            models.UniqueConstraint(
                fields=["name_key"],
                name="user_public_name_unique_folded",
                violation_error_message=_(
                    "Ce nom est déjà celui d’un autre participant ; choisissez-en un autre."
                ),
            ),
        ]

    def __str__(self):
        return self.public_name

    def clean(self):
        """Another account's public name is refused in French wherever a form saves a user
        (the profile, the admin): the unique constraint on name_key is not validated by
        forms that do not show it, and would otherwise answer an IntegrityError."""
        super().clean()
        folded = name_key(models.Value(self.display_name or self.username))
        if User.objects.filter(name_key=folded).exclude(pk=self.pk).exists():
            raise ValidationError(
                {"display_name": _("Ce nom est déjà celui d’un autre participant ; choisissez-en un autre.")},
                code="taken",
            )

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
