"""Citizens' corrections in the admin: the queue (new ones first), and the decision form.

Staff make the change on the corrected page's own admin page (the link "Modifier la
fiche"), then come back and accept it with an answer: `services.correction_decide`
records the decision, marks those changes in the history "Sur proposition d’un
citoyen", and records the e-mail to the citizen, sent by the workers.
"""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import F
from django.urls import reverse
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from corrections import services
from corrections.forms import DecisionForm
from corrections.models import TARGETS, Correction, CorrectionStatus
from mailing.admin import progress
from mailing.models import Message, MessageKind

CITIZEN_FIELDS = [
    "kind",
    "target_link",
    "edit_target",
    "problem",
    "reason",
    "source_link",
    "citizen",
    "created_at",
]
DECISION_FIELDS = ["status", "answer", "decided_by", "decided_at", "answer_emails"]


@admin.register(Correction)
class CorrectionAdmin(admin.ModelAdmin):
    form = DecisionForm
    list_display = ["problem_excerpt", "kind", "target_link", "citizen", "status", "created_at", "decided_at"]
    list_filter = ["status", "kind"]
    list_select_related = [
        "citizen",
        "partnership__french_authority",
        "partnership__partner",
        "authority",
        "organisation",
        "network",
    ]
    search_fields = ["problem", "reason", "source_url", "citizen__email", "citizen__username"]
    date_hierarchy = "created_at"
    fieldsets = [
        (_("La correction"), {"fields": CITIZEN_FIELDS}),
        (_("Décision"), {"fields": DECISION_FIELDS}),
    ]

    # The queue: new corrections (not decided yet) first, the newest on top.
    ordering = [F("decided_at").asc(nulls_first=True), "-created_at"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related(*self.list_select_related, "decided_by")

    def get_readonly_fields(self, request, obj=None):
        readonly = [*CITIZEN_FIELDS, "decided_by", "decided_at", "answer_emails"]
        # A decision is final: the citizen was told. (Read from `decided_at`, which the form
        # does not set: a refused form leaves its choice in `obj.status`.)
        if obj is not None and obj.decided_at is not None:
            readonly += ["status", "answer"]
        return readonly

    def has_add_permission(self, request):
        return False  # citizens send them, from the catalogue's pages

    def save_model(self, request, obj, form, change):
        """The decision goes through its service (one transaction, the e-mail with it)."""
        try:
            decided = services.correction_decide(
                correction=obj, status=obj.status, answer=obj.answer, decided_by=request.user
            )
        except ValidationError as error:
            # Decided by someone else since the form was shown: nothing written here.
            self.message_user(request, " ".join(error.messages), messages.ERROR)
            return
        if (
            decided.status == CorrectionStatus.ACCEPTED
            and services.has_history(decided)
            and not decided.credited
        ):
            self.message_user(
                request,
                _(
                    "Aucune modification de cette fiche par vous depuis l’arrivée de la correction : "
                    "son historique ne dira pas « sur proposition d’un citoyen ». Modifiez la fiche avant "
                    "d’accepter une correction."
                ),
                messages.WARNING,
            )

    @admin.display(description=_("ce qui est faux ou manque"))
    def problem_excerpt(self, obj):
        return Truncator(obj.problem).chars(80)

    @admin.display(description=_("fiche"))
    def target_link(self, obj):
        target = obj.target
        return format_html('<a href="{}">{}</a>', target.get_absolute_url(), target)

    @admin.display(description=_("modifier la fiche"))
    def edit_target(self, obj):
        field, model, _related = TARGETS[obj.kind]
        url = reverse(
            f"admin:{model._meta.app_label}_{model._meta.model_name}_change",
            args=[getattr(obj, f"{field}_id")],
        )
        return format_html(
            '<a href="{}">{}</a><br><span class="help">{}</span>',
            url,
            _("Modifier la fiche dans l’administration"),
            _(
                "Faites-y la modification, puis revenez accepter la correction : l’historique de la fiche "
                "dira « sur proposition d’un citoyen »."
            ),
        )

    @admin.display(description=_("source"))
    def source_link(self, obj):
        if not obj.source_url:
            return "—"
        return format_html('<a href="{}" rel="noopener noreferrer">{}</a>', obj.source_url, obj.source_url)

    @admin.display(description=_("courriel de réponse"))
    def answer_emails(self, obj):
        return progress(Message.objects.about(obj).filter(kind=MessageKind.CORRECTION)) if obj.pk else "—"
