from django import forms
from django.utils.translation import gettext_lazy as _

from newsletter.models import EMAIL_MAX_LENGTH


class SubscribeForm(forms.Form):
    """The sign-up form of the footer and of /nouvelles/ (its HTML is written by hand in
    templates/newsletter/_signup_form.html: one form on every page, with no form object)."""

    email = forms.EmailField(
        label=_("Votre adresse e-mail"),
        max_length=EMAIL_MAX_LENGTH,
        error_messages={
            "required": _("Indiquez votre adresse e-mail."),
            "invalid": _("Cette adresse e-mail n’est pas valide : vérifiez-la (exemple : nom@exemple.fr)."),
            "max_length": _("Une adresse e-mail compte au plus %(limit_value)d caractères."),
        },
    )
