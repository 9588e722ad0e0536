from django import forms
from django.utils.translation import gettext_lazy as _

from evaluation.figures import SCORES
from evaluation.models import PartnershipReview

NO_OPINION = ""


class ReviewForm(forms.Form):
    """A score from 1 to 5 on each of the four axes (each may stay "sans avis") and an
    optional comment. Fields are named after the axes: `axe-<slug>`."""

    comment = forms.CharField(
        label=_("Votre commentaire (facultatif)"),
        required=False,
        max_length=PartnershipReview._meta.get_field("comment").max_length,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"max_length": _("Votre commentaire dépasse %(limit_value)d caractères.")},
    )

    def __init__(self, *args, themes, review=None, **kwargs):
        self.themes = list(themes)
        current = {score.theme_id: score.score for score in review.scores.all()} if review else {}
        initial = {"comment": review.comment if review else ""}
        choices = [(NO_OPINION, _("Sans avis"))] + [(str(score), str(score)) for score in SCORES]
        super().__init__(*args, initial=initial, **kwargs)
        for theme in self.themes:
            name = self.field_name(theme)
            self.fields[name] = forms.ChoiceField(
                label=theme.name,
                choices=choices,
                required=False,
                widget=forms.RadioSelect,
                error_messages={"invalid_choice": _("Choisissez une note de 1 à 5, ou « sans avis ».")},
            )
            self.initial[name] = str(current[theme.pk]) if theme.pk in current else NO_OPINION
        self.order_fields([self.field_name(theme) for theme in self.themes] + ["comment"])

    @staticmethod
    def field_name(theme) -> str:
        return f"axe-{theme.slug}"

    def score_fields(self):
        return [self[self.field_name(theme)] for theme in self.themes]

    def clean(self):
        cleaned_data = super().clean()
        if self.errors:
            return cleaned_data
        if not cleaned_data.get("comment", "").strip() and not any(self.scores().values()):
            raise forms.ValidationError(
                _("Donnez une note sur au moins un axe, ou un commentaire."), code="empty"
            )
        return cleaned_data

    def scores(self) -> dict:
        """{Theme: score or None} from the cleaned data."""
        return {
            theme: int(value) if (value := self.cleaned_data.get(self.field_name(theme))) else None
            for theme in self.themes
        }
