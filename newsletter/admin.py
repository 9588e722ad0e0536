"""The newsletter admin: subscriptions (read only, exportable) and bulletins (sent once).

The address hash is never shown; staff find a pending sign-up by typing its exact
address, which is hashed the same way. Subscriptions are not added or edited by hand:
only their owner's confirmation makes one.
"""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.streaming import stream_csv
from mailing.admin import progress
from mailing.models import Message
from newsletter import services, tokens
from newsletter.models import Bulletin, Subscription

# Subscriptions ---------------------------------------------------------------------------


class StatusFilter(admin.SimpleListFilter):
    title = _("statut")
    parameter_name = "statut"

    def lookups(self, request, model_admin):
        return [("en-attente", _("en attente")), ("confirme", _("confirmé"))]

    def queryset(self, request, queryset):
        if self.value() == "en-attente":
            return queryset.pending()
        if self.value() == "confirme":
            return queryset.confirmed()
        return queryset


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin):
    list_display = ["address", "status", "language", "created_at", "confirmation_sent_at", "confirmed_at"]
    list_filter = [StatusFilter, "language"]
    search_fields = ["email"]
    search_help_text = _("Une adresse exacte trouve aussi les inscriptions en attente.")
    fields = ["email", "status", "language", "created_at", "confirmation_sent_at", "confirmed_at"]
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("adresse e-mail"), ordering="email")
    def address(self, obj):
        return obj.email or "—"  # pending: only the hash is kept

    @admin.display(description=_("statut"), ordering="confirmed_at")
    def status(self, obj):
        return _("confirmé") if obj.is_confirmed else _("en attente")

    def get_search_results(self, request, queryset, search_term):
        """Pending rows have no address: the exact address typed finds them by its hash."""
        term = search_term.strip()
        if not term:
            return queryset, False
        return queryset.filter(Q(email_hash=tokens.email_hash(term)) | Q(email__icontains=term)), False

    def get_urls(self):
        export = path(
            "export/",
            self.admin_site.admin_view(self.export_view),
            name="newsletter_subscription_export",
        )
        return [export, *super().get_urls()]

    def export_view(self, request):
        """The confirmed subscribers as CSV (email, language, confirmed_at), streamed."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        subscribers = (
            Subscription.objects.confirmed()
            .order_by("confirmed_at", "pk")
            .values_list("email", "language", "confirmed_at")
            .iterator(chunk_size=2000)
        )
        return stream_csv(
            header=["email", "language", "confirmed_at"],
            rows=(
                [email, language, confirmed_at.isoformat()] for email, language, confirmed_at in subscribers
            ),
            filename=f"abonnes-confirmes-{timezone.localdate():%Y-%m-%d}.csv",
        )


# Bulletins -------------------------------------------------------------------------------


@admin.register(Bulletin)
class BulletinAdmin(admin.ModelAdmin):
    list_display = ["subject", "created_at", "sent_at", "recipient_count"]
    list_filter = [("sent_at", admin.EmptyFieldListFilter)]
    search_fields = ["subject", "body"]
    date_hierarchy = "created_at"
    fields = ["subject", "body", "created_at", "sent_at", "recipient_count", "emails"]
    actions = ["send"]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.sent_at is not None:
            return self.fields  # what left is what the record keeps
        return ["created_at", "sent_at", "recipient_count", "emails"]

    @admin.display(description=_("progression de l’envoi"))
    def emails(self, obj):
        return progress(Message.objects.about(obj)) if obj.pk else "—"

    @admin.action(description=_("Envoyer aux abonnés confirmés"), permissions=["change"])
    def send(self, request, queryset):
        """First POST: a page that says what will leave, to how many. Second ("apply"): send."""
        bulletins = list(queryset.order_by("created_at"))
        if "apply" not in request.POST:
            context = {
                **self.admin_site.each_context(request),
                "title": _("Envoyer aux abonnés confirmés"),
                "opts": self.model._meta,
                "bulletins": bulletins,
                "subscriber_count": Subscription.objects.confirmed().count(),
                "selected": [b.pk for b in bulletins],
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
                "action": request.POST.get("action", ""),
            }
            return TemplateResponse(request, "admin/newsletter/bulletin/send_confirmation.html", context)
        for bulletin in bulletins:
            try:
                count = services.bulletin_send(bulletin=bulletin)
            except ValidationError as error:
                self.message_user(
                    request,
                    _("« %(subject)s » n’est pas reparti : %(error)s")
                    % {"subject": bulletin.subject, "error": error.messages[0]},
                    messages.ERROR,
                )
                continue
            self.message_user(
                request,
                ngettext(
                    "« %(subject)s » part vers %(count)d abonné confirmé.",
                    "« %(subject)s » part vers %(count)d abonnés confirmés.",
                    count,
                )
                % {"subject": bulletin.subject, "count": count},
                messages.SUCCESS,
            )
        return None
