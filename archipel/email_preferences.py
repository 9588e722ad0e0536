"""/profil/courriels/: which notifications a citizen receives, and the one-click
unsubscribe link that every answer and moderation e-mail carries (RFC 8058)."""

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from mailing.services import read_unsubscribe_token

# What an unsubscribe link turns off: its topic → the user's field, and how to say it.
TOPICS = {
    "answers": ("email_answers", gettext_lazy("les réponses officielles aux préconisations")),
    "moderation": ("email_moderation", gettext_lazy("les décisions de modération sur vos contributions")),
}


class EmailPreferencesForm(forms.ModelForm):
    class Meta:
        model = get_user_model()
        fields = ["email_answers", "email_moderation"]
        labels = {
            "email_answers": gettext_lazy(
                "Recevoir les réponses officielles aux préconisations que j’ai proposées ou votées"
            ),
            "email_moderation": gettext_lazy(
                "Recevoir les décisions de modération sur mes préconisations et commentaires"
            ),
        }


@login_required
@require_POST
def preferences(request):
    form = EmailPreferencesForm(request.POST, instance=request.user)
    # Two checkboxes cannot be invalid: an unchecked box is a "no".
    form.save()
    messages.success(request, _("Vos préférences de courriel sont enregistrées."))
    return redirect("profile")


@csrf_exempt  # the signed token in the address authenticates the request (RFC 8058)
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request, token):
    """GET: a page with one button (mail scanners follow links: nothing changes on GET).
    POST: that topic's e-mails are turned off, from the page or a mail client's one click."""
    try:
        user_id, topic = read_unsubscribe_token(token)
        field, label = TOPICS[topic]
    except (signing.BadSignature, KeyError, ValueError, TypeError):
        return render(request, "archipel/email_unsubscribe_invalid.html", status=400)
    context = {"token": token, "label": label}
    if request.method != "POST":
        return render(request, "archipel/email_unsubscribe.html", context)
    with transaction.atomic():
        get_user_model().objects.filter(pk=user_id).update(**{field: False})
    return render(request, "archipel/email_unsubscribed.html", context)
