from django import forms
from django.utils.translation import gettext_lazy as _
from taggit.forms import TagField

from cooperation.models import Theme
from proposals.models import (
    BODY_MAX_LENGTH,
    COMMENT_MAX_LENGTH,
    REPORT_REASON_MAX_LENGTH,
    TITLE_MAX_LENGTH,
    Alignment,
    ReportReason,
    VoteValue,
)

MAX_TAGS = 8
TAG_MAX_LENGTH = 40


class ProposalForm(forms.Form):
    title = forms.CharField(
        label=_("Titre"),
        max_length=TITLE_MAX_LENGTH,
        error_messages={"required": _("Donnez un titre à votre préconisation.")},
    )
    body = forms.CharField(
        label=_("Votre préconisation"),
        max_length=BODY_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={"required": _("Décrivez votre préconisation.")},
    )
    themes = forms.ModelMultipleChoiceField(
        label=_("Axes"),
        queryset=Theme.objects.all(),
        to_field_name="slug",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("Cet axe n’existe pas.")},
    )
    tags = TagField(
        label=_("Étiquettes"),
        required=False,
        help_text=_("Séparées par des virgules, par exemple : jumelage, jeunesse, climat."),
    )

    def clean_title(self):
        return " ".join(self.cleaned_data["title"].split())

    def clean_tags(self):
        tags = [" ".join(tag.split()) for tag in self.cleaned_data["tags"] if tag.strip()]
        if len(tags) > MAX_TAGS:
            raise forms.ValidationError(
                _("Au plus %(max)d étiquettes."), code="too_many_tags", params={"max": MAX_TAGS}
            )
        for tag in tags:
            if len(tag) > TAG_MAX_LENGTH:
                raise forms.ValidationError(
                    _("Une étiquette fait au plus %(max)d caractères."),
                    code="tag_too_long",
                    params={"max": TAG_MAX_LENGTH},
                )
        return tags


class VoteForm(forms.Form):
    value = forms.ChoiceField(
        choices=VoteValue.choices + [("retirer", _("Retirer mon vote"))],
        error_messages={
            "invalid_choice": _("Un vote est « pour » ou « contre »."),
            "required": _("Choisissez « pour » ou « contre »."),
        },
    )


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Votre commentaire"),
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": _("Le commentaire est vide."),
            "max_length": _(
                "Un commentaire fait au plus %(limit_value)d caractères (il en a %(show_value)d)."
            ),
        },
    )
    alignment = forms.ChoiceField(
        label=_("Votre position"),
        choices=[("", _("Sans position"))] + Alignment.choices,
        required=False,
        error_messages={"invalid_choice": _("Position inconnue.")},
    )
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def clean_body(self):
        body = self.cleaned_data["body"].strip()
        if not body:
            raise forms.ValidationError(_("Le commentaire est vide."), code="required")
        return body


class ReportForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Motif"),
        choices=ReportReason.choices,
        error_messages={"required": _("Choisissez un motif."), "invalid_choice": _("Motif inconnu.")},
    )
    details = forms.CharField(
        label=_("Précisions (facultatif)"),
        max_length=REPORT_REASON_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
