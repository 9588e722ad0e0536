"""Staff see every e-mail's progress (sent, pending, failed), its recipients and their
errors, and try the failed ones again. Nothing here sends: the workers do."""

from django.contrib import admin, messages
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.timezone import localtime
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from mailing import services
from mailing.models import Delivery, Message


def progress(messages_about):
    """The progress of each message about an object, for a read-only field of its admin
    page: "12 envoyé(s), 3 en attente, 1 en échec", linked to the deliveries."""
    rows = list(messages_about.with_progress().order_by("created_at"))
    if not rows:
        return _("Aucun courriel.")
    return format_html_join(
        "",
        '<p><a href="{}">{}</a> : {}</p>',
        (
            (
                reverse("admin:mailing_delivery_changelist") + f"?message__id__exact={m.pk}",
                date_format(localtime(m.created_at), "SHORT_DATETIME_FORMAT"),
                _counts(m),
            )
            for m in rows
        ),
    )


def _counts(message) -> str:
    if message.recipients_recorded_at is None:
        return gettext("liste des destinataires en préparation")
    return gettext("%(sent)d envoyé(s), %(pending)d en attente, %(failed)d en échec") % {
        "sent": message.sent_count,
        "pending": message.pending_count,
        "failed": message.failed_count,
    }


@admin.action(description=_("Réessayer les envois en échec"))
def retry_failed(modeladmin, request, queryset):
    retried = sum(services.deliveries_retry(message=message) for message in queryset)
    modeladmin.message_user(
        request,
        ngettext("%(count)d envoi sera réessayé.", "%(count)d envois seront réessayés.", retried)
        % {"count": retried},
        messages.SUCCESS,
    )


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = ["__str__", "kind", "created_at", "sent", "pending", "failed"]
    list_filter = ["kind"]
    date_hierarchy = "created_at"
    search_fields = ["subject", "context"]
    fields = [
        "kind",
        "target_link",
        "template",
        "subject",
        "created_at",
        "recipients_recorded_at",
        "deliveries_link",
    ]
    readonly_fields = fields
    actions = [retry_failed]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).with_progress().prefetch_related("target")

    @admin.display(description=_("envoyés"), ordering="sent_count")
    def sent(self, obj):
        return obj.sent_count

    @admin.display(description=_("en attente"), ordering="pending_count")
    def pending(self, obj):
        return obj.pending_count

    @admin.display(description=_("en échec"), ordering="failed_count")
    def failed(self, obj):
        return obj.failed_count

    @admin.display(description=_("sujet"))
    def target_link(self, obj):
        target = obj.target
        if target is None:
            return "—"
        url = reverse(f"admin:{target._meta.app_label}_{target._meta.model_name}_change", args=[target.pk])
        return format_html('<a href="{}">{}</a>', url, target)

    @admin.display(description=_("envois"))
    def deliveries_link(self, obj):
        url = reverse("admin:mailing_delivery_changelist") + f"?message__id__exact={obj.pk}"
        return format_html('<a href="{}">{}</a>', url, _counts(obj))


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ["address", "message", "state", "attempts", "next_attempt_at", "sent_at", "last_error"]
    list_filter = ["state", "message__kind"]
    list_select_related = ["message"]
    search_fields = ["address"]
    fields = list_display
    readonly_fields = fields
    # 5,000 voters: no COUNT(*) of every delivery for each page.
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
