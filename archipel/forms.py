"""Forms of the citizen's own page (/profil/): display name and account deletion."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Value
from django.utils.translation import gettext_lazy as _

from archipel.models import User, name_key

DISPLAY_NAME_MAX_LENGTH = User._meta.get_field("display_name").max_length
# Names that would pass for the site, its team, the city or a deleted account in a
# thread: a name is refused when its folded form (archipel.models.name_key: no case,
# accents, punctuation nor spaces) contains one of these. Staff name themselves in the
# admin.
RESERVED_NAME_PARTS = (
    "archipel",
    "equipe",
    "moderat",  # modération, modérateur, modératrice
    "administrat",  # administrateur, administration
    "comptesupprime",
    "anonyme",
    "villedetoulouse",
    "mairiedetoulouse",
    "toulousemetropole",
    "officiel",
)
# The usernames of accounts that chose no name (archipel.adapters.populate_username).
NAMELESS_ACCOUNT = re.compile(r"citoyen[0-9a-f]{8}")


class DisplayNameForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["display_name"]
        labels = {"display_name": _("Nom affiché")}
        help_texts = {
            "display_name": _(
                "Le nom montré à côté de vos préconisations et commentaires (60 caractères au plus)."
            )
        }
        error_messages = {
            "display_name": {
                "required": _("Indiquez le nom à afficher."),
                "max_length": _(
                    "Le nom affiché compte au plus %(limit_value)d caractères (vous en avez saisi %(show_value)d)."
                ),
            }
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Blank on the model (the username stands in), but a name someone chooses is never empty.
        self.fields["display_name"].required = True
        self.fields["display_name"].widget.attrs.update(
            {"autocomplete": "nickname", "placeholder": self.instance.get_username()}
        )

    def clean_display_name(self):
        name = " ".join(self.cleaned_data["display_name"].split())
        # Folded by the database, as the stored name_key is: one folding, in one place.
        folded = User.objects.annotate(key=name_key(Value(name))).values_list("key", flat=True).first()
        if not folded:
            raise ValidationError(
                _("Le nom affiché doit contenir au moins une lettre ou un chiffre."), code="empty"
            )
        if any(part in folded for part in RESERVED_NAME_PARTS) or NAMELESS_ACCOUNT.fullmatch(folded):
            raise ValidationError(_("Ce nom est réservé ; choisissez-en un autre."), code="reserved")
        return name  # another account's name: refused by User.clean()


class DeleteAccountForm(forms.Form):
    """Asks the user to type their e-mail address (or, without one, their username)."""

    confirmation = forms.CharField(
        label=_("Pour confirmer, saisissez votre adresse e-mail"),
        max_length=254,
        error_messages={"required": _("Saisissez votre adresse e-mail pour confirmer la suppression.")},
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if not user.email:
            self.fields["confirmation"].label = _("Pour confirmer, saisissez votre identifiant")
            self.fields["confirmation"].error_messages["required"] = _(
                "Saisissez votre identifiant pour confirmer la suppression."
            )

    @property
    def expected(self) -> str:
        return self.user.email or self.user.get_username()

    def clean_confirmation(self):
        typed = self.cleaned_data["confirmation"].strip()
        if typed.casefold() != self.expected.casefold():
            raise ValidationError(
                _("Ce que vous avez saisi ne correspond pas à votre compte : rien n’a été supprimé."),
                code="mismatch",
            )
        return typed
