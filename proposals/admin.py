"""The participation admin: préconisations (status and official answer), comments, and
the moderation queue of reports.

Moderation goes through `proposals.services` (hide, restore, answer) so the counters
follow the rows and the e-mails are recorded with the change and sent by the workers. Votes have no admin page on
purpose: staff see the counts, nobody sees who voted what.

Who does what (the roles of archipel/roles.py): hiding and restoring needs the custom
permissions `proposals.moderate_proposal` / `proposals.moderate_comment`; a préconisation's
status and official answer need `proposals.answer_proposal`, its text `proposals.change_proposal`.
Each admin shows as read-only what the user may not change, offers only the actions the
user may run, answers 403 to a refused action, and checks again when saving.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import F
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from mailing.admin import progress
from mailing.models import Message, MessageKind
from proposals import services
from proposals.models import Comment, Proposal, Report, Topic


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["title", "slug", "is_home"]
    list_filter = ["is_home", "themes"]
    search_fields = ["title", "summary"]
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["themes"]
    autocomplete_fields = ["sources"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "is_home", "summary"]}),
        (None, {"fields": ["objectives", "themes_intro", "diagnostic", "mayor_record"]}),
        (None, {"fields": ["themes", "sources"]}),
    ]


# Moderation actions ----------------------------------------------------------------------


class ModerationForm(forms.Form):
    reason = forms.CharField(
        label=_("Motif"),
        max_length=Proposal._meta.get_field("hidden_reason").max_length,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
    )

    def __init__(self, *args, reason_required=True, help_text="", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].required = reason_required
        self.fields["reason"].help_text = help_text


def _moderate(modeladmin, request, queryset, *, targets_of, hide: bool):
    """The intermediate page of "Masquer" / "Rétablir": ask for the reason, then act.

    The first POST comes from the changelist (no "apply" key) and shows the form; the
    second carries the reason and the same selection, and calls the service per target.
    """
    targets = targets_of(queryset)
    if not hide:
        targets = [target for target in targets if target.is_hidden]
    if hide:
        form_kwargs = {
            "reason_required": True,
            "help_text": _("Affiché publiquement à la place du texte, et envoyé à l’auteur."),
        }
    else:
        form_kwargs = {
            "reason_required": False,
            "help_text": _("Facultatif : envoyé à l’auteur avec l’avis de rétablissement."),
        }
    form = ModerationForm(request.POST if "apply" in request.POST else None, **form_kwargs)
    if form.is_valid():
        reason = form.cleaned_data["reason"].strip()
        for target in targets:
            if hide:
                services.moderation_hide(target=target, reason=reason)
            else:
                services.moderation_restore(target=target, reason=reason)
        if hide:
            message = ngettext("%(count)d contenu masqué.", "%(count)d contenus masqués.", len(targets))
        else:
            message = ngettext("%(count)d contenu rétabli.", "%(count)d contenus rétablis.", len(targets))
        modeladmin.message_user(request, message % {"count": len(targets)}, messages.SUCCESS)
        return None
    if not targets:
        modeladmin.message_user(request, _("Aucun contenu masqué dans la sélection."), messages.WARNING)
        return None
    opts = modeladmin.model._meta
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": _("Masquer avec un motif") if hide else _("Rétablir"),
        "opts": opts,
        "form": form,
        "targets": targets,
        # The whole selection, also when "select all" reached past the page.
        "selected": list(queryset.values_list("pk", flat=True)),
        "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        "action": request.POST.get("action", ""),
        "hide": hide,
        "submit_label": _("Masquer") if hide else _("Rétablir"),
    }
    return TemplateResponse(request, "admin/proposals/moderation_form.html", context)


def _same_objects(queryset):
    return list(queryset.select_related("author"))


def _reported_targets(queryset):
    """The distinct proposals and comments the selected reports point at."""
    targets = {}
    for report in queryset.select_related("proposal__author", "comment__author"):
        target = report.target
        targets[(type(target), target.pk)] = target
    return list(targets.values())


def moderation_actions(targets_of):
    """ "Masquer" and "Rétablir", for an admin with a `has_moderate_permission(request)`."""

    @admin.action(description=_("Masquer (avec motif)"), permissions=["moderate"])
    def hide(modeladmin, request, queryset):
        return _moderate(modeladmin, request, queryset, targets_of=targets_of, hide=True)

    @admin.action(description=_("Rétablir"), permissions=["moderate"])
    def restore(modeladmin, request, queryset):
        return _moderate(modeladmin, request, queryset, targets_of=targets_of, hide=False)

    return [hide, restore]


class RefusedActionsForbidden:
    """An action of this admin that the user may not run answers 403, where Django would
    show the list again (or redirect with "no action selected") and leave the user
    wondering: nothing is written either way."""

    def changelist_view(self, request, extra_context=None):
        if request.method == "POST":
            known = {getattr(action, "__name__", action) for action in self.actions or []}
            known |= {name for name, _action in self.admin_site.actions}
            name = request.POST.get("action", "")
            if name in known and name not in self.get_actions(request):
                raise PermissionDenied
        return super().changelist_view(request, extra_context)


# Proposals -------------------------------------------------------------------------------


class ProposalAdminForm(forms.ModelForm):
    notify = forms.BooleanField(
        label=_("Prévenir l’auteur et les votants"),
        required=False,
        help_text=_(
            "Coché, l’enregistrement d’un nouveau statut ou d’une nouvelle réponse envoie un courriel à "
            "l’auteur et à chaque votant. Décochez-le pour corriger une réponse déjà envoyée."
        ),
    )

    class Meta:
        model = Proposal
        fields = "__all__"  # noqa: DJ007 (the admin's fieldsets choose the fields)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "notify" not in self.fields:  # left out for staff who may not answer
            return
        # Checked for a first answer; unchecked once voters were told (a typo fix tells nobody).
        told = (
            self.instance.pk and Message.objects.about(self.instance).filter(kind=MessageKind.ANSWER).exists()
        )
        self.fields["notify"].initial = not told


@admin.register(Proposal)
class ProposalAdmin(RefusedActionsForbidden, admin.ModelAdmin):
    form = ProposalAdminForm
    list_display = [
        "title",
        "author",
        "status",
        "votes_for",
        "votes_against",
        "comment_count",
        "is_hidden",
        "created_at",
    ]
    list_filter = ["status", "is_hidden", "is_official", "themes", "topic"]
    list_select_related = ["author"]
    search_fields = ["title", "body"]
    date_hierarchy = "created_at"
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["themes"]
    readonly_fields = [
        "author",
        "answered_at",
        "votes_for",
        "votes_against",
        "comment_count",
        "is_hidden",
        "hidden_reason",
        "created_at",
        "updated_at",
        "answer_emails",
    ]
    fieldsets = [
        (None, {"fields": ["topic", "title", "slug", "body", "tags", "themes", "is_official", "author"]}),
        (
            _("Réponse officielle"),
            {
                "fields": ["status", "official_answer", "notify", "answered_at", "answer_emails"],
            },
        ),
        (_("Compteurs"), {"fields": [("votes_for", "votes_against", "comment_count")]}),
        (
            _("Modération"),
            {
                "fields": ["is_hidden", "hidden_reason"],
                "description": _(
                    "Masquer ou rétablir : actions « Masquer (avec motif) » et « Rétablir » de la liste."
                ),
            },
        ),
        (None, {"fields": [("created_at", "updated_at")]}),
    ]
    actions = moderation_actions(_same_objects)

    # What `proposals.change_proposal` lets staff rewrite, and what `proposals.answer_proposal`
    # lets them answer (the notify box goes with the answer).
    TEXT_FIELDS = ("topic", "title", "slug", "body", "tags", "themes", "is_official")
    ANSWER_FIELDS = ("status", "official_answer")

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) or request.user.has_perm(
            "proposals.answer_proposal"
        )

    def has_moderate_permission(self, request):
        return request.user.has_perm("proposals.moderate_proposal")

    def _writable_fields(self, request, obj) -> set[str]:
        """The fields the user may write: on `obj`, or on a new préconisation (None)."""
        fields = set()
        if request.user.has_perm("proposals.add_proposal" if obj is None else "proposals.change_proposal"):
            fields.update(self.TEXT_FIELDS)
        if request.user.has_perm("proposals.answer_proposal"):
            fields.update([*self.ANSWER_FIELDS, "notify"])
        return fields

    def get_readonly_fields(self, request, obj=None):
        writable = self._writable_fields(request, obj)
        refused = [name for name in (*self.TEXT_FIELDS, *self.ANSWER_FIELDS) if name not in writable]
        return [*self.readonly_fields, *refused]

    def get_prepopulated_fields(self, request, obj=None):
        return self.prepopulated_fields if "slug" in self._writable_fields(request, obj) else {}

    def get_fieldsets(self, request, obj=None):
        if "notify" in self._writable_fields(request, obj):
            return self.fieldsets
        return [
            (name, {**options, "fields": [field for field in options["fields"] if field != "notify"]})
            for name, options in self.fieldsets
        ]

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        # A declared field stays in a model form whatever its `fields` say.
        if "notify" not in self._writable_fields(request, obj):
            form.base_fields.pop("notify", None)
        return form

    def save_model(self, request, obj, form, change):
        """Save only the fields the form changed, and the answer through its service.

        A full save would write back the counters read when the form was loaded and
        lose the votes cast meanwhile; the status and the answer go through
        `services.proposal_answer`, which tells the voters only when staff ask
        (`notify`): the workers send those e-mails once the admin's transaction commits.

        The form leaves out the fields the user may not change (get_readonly_fields); a
        changed field outside the user's permissions is refused here all the same, inside
        the admin's transaction, so nothing is written.
        """
        refused = set(form.changed_data) - self._writable_fields(request, obj if change else None)
        if refused:
            raise PermissionDenied
        if not change:
            super().save_model(request, obj, form, change)
            return
        concrete = {field.name for field in Proposal._meta.concrete_fields}
        plain = [name for name in form.changed_data if name in concrete and name not in self.ANSWER_FIELDS]
        if plain:
            obj.save(update_fields=[*plain, "updated_at"])
        if any(name in form.changed_data for name in self.ANSWER_FIELDS):
            services.proposal_answer(
                proposal=obj,
                status=obj.status,
                answer=obj.official_answer,
                notify=form.cleaned_data.get("notify", False),
            )

    @admin.display(description=_("courriels de réponse"))
    def answer_emails(self, obj):
        return progress(Message.objects.about(obj).filter(kind=MessageKind.ANSWER)) if obj.pk else "—"


# Comments --------------------------------------------------------------------------------


@admin.register(Comment)
class CommentAdmin(RefusedActionsForbidden, admin.ModelAdmin):
    list_display = ["excerpt", "proposal", "author", "parent_id", "is_hidden", "is_deleted", "created_at"]
    list_filter = ["is_hidden", ("deleted_at", admin.EmptyFieldListFilter), "alignment"]
    list_select_related = ["proposal", "author"]
    search_fields = ["body", "proposal__title", "author__username", "author__email"]
    date_hierarchy = "created_at"
    # Staff moderate comments (actions), they do not rewrite them.
    readonly_fields = [
        "proposal",
        "parent",
        "author",
        "body",
        "alignment",
        "created_at",
        "edited_at",
        "deleted_at",
        "is_hidden",
        "hidden_reason",
    ]
    fields = readonly_fields
    actions = moderation_actions(_same_objects)

    def has_add_permission(self, request):
        return False

    def has_moderate_permission(self, request):
        return request.user.has_perm("proposals.moderate_comment")

    @admin.display(description=_("extrait"))
    def excerpt(self, obj):
        if obj.is_deleted:
            return _("(message supprimé)")
        return Truncator(obj.body).chars(80)

    @admin.display(description=_("supprimé"), boolean=True, ordering="deleted_at")
    def is_deleted(self, obj):
        return obj.is_deleted


# Reports: the moderation queue -----------------------------------------------------------


@admin.register(Report)
class ReportAdmin(RefusedActionsForbidden, admin.ModelAdmin):
    list_display = ["target_link", "reason", "details_excerpt", "reporter", "created_at", "resolved_at"]
    list_filter = [("resolved_at", admin.EmptyFieldListFilter), "reason"]
    list_select_related = ["reporter", "proposal", "comment"]
    search_fields = ["details", "proposal__title", "comment__body", "reporter__username", "reporter__email"]
    # The queue: open reports first, the newest on top.
    ordering = [F("resolved_at").asc(nulls_first=True), "-created_at"]
    readonly_fields = ["reporter", "proposal", "comment", "reason", "details", "created_at", "resolved_at"]
    fields = readonly_fields
    actions = [*moderation_actions(_reported_targets), "mark_resolved"]

    def has_add_permission(self, request):
        return False

    def has_moderate_permission(self, request):
        """Hiding from the queue acts on the reported préconisations and comments."""
        return self.has_change_permission(request) and request.user.has_perms(
            ["proposals.moderate_proposal", "proposals.moderate_comment"]
        )

    @admin.display(description=_("contenu signalé"))
    def target_link(self, obj):
        target = obj.target
        url = reverse(f"admin:proposals_{target._meta.model_name}_change", args=[target.pk])
        hidden = _(" (masqué)") if target.is_hidden else ""
        return format_html('{} : <a href="{}">{}</a>{}', target._meta.verbose_name, url, target, hidden)

    @admin.display(description=_("précisions"))
    def details_excerpt(self, obj):
        return Truncator(obj.details).chars(80)

    @admin.action(description=_("Classer sans suite (le contenu reste visible)"), permissions=["change"])
    def mark_resolved(self, request, queryset):
        # A plain update: closing a report changes no counter and tells nobody.
        count = queryset.filter(resolved_at__isnull=True).update(resolved_at=timezone.now())
        self.message_user(
            request,
            ngettext("%(count)d signalement classé.", "%(count)d signalements classés.", count)
            % {"count": count},
            messages.SUCCESS,
        )
