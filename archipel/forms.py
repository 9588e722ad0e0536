"""Forms of the citizen's own page (/profil/): display name and account deletion."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from archipel.models import User

DISPLAY_NAME_MAX_LENGTH = User._meta.get_field("display_name").max_length
# Names that would pass for the site or for a deleted account in a thread.
RESERVED_DISPLAY_NAMES = {"compte supprimé", "compte supprime", "archipel", "archipel citoyen"}


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
        if name.casefold() in RESERVED_DISPLAY_NAMES:
            raise ValidationError(_("Ce nom est réservé ; choisissez-en un autre."), code="reserved")
        return name


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
