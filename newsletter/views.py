"""The newsletter pages: sign up (footer form), confirm, unsubscribe.

Nothing changes on GET: mail scanners open the links of a message before its reader
does, so every link leads to a page with one button, and the button POSTs.
"""

from django.contrib import messages
from django.core import signing
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from core.origin import same_origin_only
from core.ratelimit import rate_limit
from newsletter import services, tokens
from newsletter.forms import SubscribeForm
from newsletter.models import Subscription


@require_safe
def index(request):
    return _render_index(request, SubscribeForm())


def _render_index(request, form, status=200):
    # newsletter_page: the footer leaves out its copy of the form (one id per page).
    return render(
        request, "newsletter/index.html", {"newsletter_form": form, "newsletter_page": True}, status=status
    )


@same_origin_only  # its form is in every page, which holds no per-visitor token
@require_POST
@rate_limit("subscribe")
def subscribe(request):
    form = SubscribeForm(request.POST)
    if not form.is_valid():
        return _render_index(request, form, status=400)
    services.subscription_request(email=form.cleaned_data["email"], language=request.LANGUAGE_CODE)
    # The same answer whether the address is new, pending or confirmed, and whether a
    # message left or the hourly limit held it back: nobody learns who subscribed.
    messages.success(
        request,
        _(
            "Si cette adresse peut recevoir nos nouvelles, un courriel de confirmation vient de lui "
            "être envoyé : suivez le lien qu’il contient pour confirmer votre inscription. Sans "
            "confirmation, vous ne recevrez rien. Rien reçu ? Regardez dans les courriers indésirables ; "
            "un nouvel envoi à la même adresse n’est possible qu’une heure plus tard."
        ),
    )
    return redirect("newsletter:index")


def _invalid_link(request, *, expired=False):
    if expired:
        message = _(
            "Ce lien de confirmation a expiré : il est valable %(days)d jours. Inscrivez-vous à "
            "nouveau pour en recevoir un autre."
        ) % {"days": tokens.CONFIRMATION_MAX_AGE.days}
    else:
        message = _("Ce lien n’est pas valide : il a peut-être été coupé ou mal recopié depuis le courriel.")
    return render(request, "newsletter/invalid_link.html", {"message": message}, status=400)


@require_http_methods(["GET", "HEAD", "POST"])
def confirm(request, token):
    # The token is random: an unknown one (forged, cut, superseded by a newer link, of a
    # sign-up withdrawn or purged since, or an old signed link) gets one neutral answer.
    if request.method == "POST":
        try:
            services.subscription_confirm(token=token)
        except Subscription.DoesNotExist:
            return _invalid_link(request)
        except services.ConfirmationExpired:
            return _invalid_link(request, expired=True)
        return render(request, "newsletter/confirmed.html")
    subscription = Subscription.objects.with_confirmation_token(token).first()
    if subscription is None:
        return _invalid_link(request)
    if subscription.is_confirmed:
        return render(request, "newsletter/confirmed.html")
    if subscription.confirmation_expired():
        return _invalid_link(request, expired=True)
    return render(request, "newsletter/confirm.html", {"token": token})


# RFC 8058 one-click unsubscribe: mail clients POST "List-Unsubscribe=One-Click" to the
# URL of the List-Unsubscribe header, with no cookie and so no CSRF token. The signed
# token in the URL is what authenticates the request (only the subscriber's mailbox holds
# it), and a forged cross-site POST could only unsubscribe the owner of a token the forger
# already has: CSRF protection adds nothing here.
@csrf_exempt
@require_http_methods(["GET", "HEAD", "POST"])
def unsubscribe(request, token):
    try:
        digest = tokens.read_unsubscribe_token(token)
    except signing.BadSignature:
        return _invalid_link(request)
    if request.method == "POST":
        removed = services.subscription_delete(email_hash=digest)
        return render(request, "newsletter/unsubscribed.html", {"removed": removed})
    if not Subscription.objects.filter(email_hash=digest).exists():
        return render(request, "newsletter/unsubscribed.html", {"removed": False})
    return render(request, "newsletter/unsubscribe.html", {"token": token})
