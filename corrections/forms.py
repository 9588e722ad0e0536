from django import forms
from django.core.validators import URLValidator
from django.utils.translation import gettext_lazy as _

from corrections.models import (
    ANSWER_MAX_LENGTH,
    PROBLEM_MAX_LENGTH,
    REASON_MAX_LENGTH,
    SOURCE_URL_MAX_LENGTH,
    Correction,
    CorrectionStatus,
)

BAD_URL = _("Saisissez une adresse web complète, par exemple https://www.exemple.fr/page.")
TOO_LONG = _("Ce texte fait au plus %(limit_value)d caractères (il en a %(show_value)d).")


class CorrectionForm(forms.Form):
    problem = forms.CharField(
        label=_("Ce qui est faux ou manque"),
        max_length=PROBLEM_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": _("Dites ce qui est faux ou ce qui manque."), "max_length": TOO_LONG},
    )
    reason = forms.CharField(
        label=_("Pourquoi (facultatif)"),
        max_length=REASON_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": TOO_LONG},
    )
    source_url = forms.URLField(
        label=_("Adresse d’une source (facultatif)"),
        max_length=SOURCE_URL_MAX_LENGTH,
        required=False,
        assume_scheme="https",
        help_text=_(
            "Une page qui montre ce que vous dites : site de la collectivité, article, délibération…"
        ),
        validators=[URLValidator(schemes=["http", "https"], message=BAD_URL)],
        error_messages={
            "invalid": BAD_URL,
            "max_length": _(
                "Une adresse fait au plus %(limit_value)d caractères (elle en a %(show_value)d)."
            ),
        },
    )

    def clean_problem(self):
        problem = self.cleaned_data["problem"].strip()
        if not problem:
            raise forms.ValidationError(_("Dites ce qui est faux ou ce qui manque."), code="required")
        return problem

    def clean_reason(self):
        return self.cleaned_data["reason"].strip()


class DecisionForm(forms.ModelForm):
    """The admin's form: accept or decline, with the answer sent to the citizen."""

    status = forms.ChoiceField(
        label=_("Décision"),
        choices=[(CorrectionStatus.ACCEPTED, _("Accepter")), (CorrectionStatus.DECLINED, _("Refuser"))],
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Acceptez ou refusez la correction."),
            "invalid_choice": _("Une décision accepte ou refuse la correction."),
        },
    )
    answer = forms.CharField(
        label=_("Réponse au citoyen"),
        max_length=ANSWER_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6, "cols": 80}),
        help_text=_("Envoyée par courriel au citoyen avec la décision, qui ne peut plus changer ensuite."),
        error_messages={
            "required": _("Écrivez la réponse envoyée au citoyen : elle est requise pour décider.")
        },
    )

    class Meta:
        model = Correction
        fields = ["status", "answer"]

    def clean_answer(self):
        answer = self.cleaned_data["answer"].strip()
        if not answer:
            raise forms.ValidationError(
                _("Écrivez la réponse envoyée au citoyen : elle est requise pour décider."), code="required"
            )
        return answer

    def clean(self):
        # Decided meanwhile (the page reloads the correction: its fields are read-only now).
        if self.instance.decided_at is not None:
            raise forms.ValidationError(
                _("Cette correction a déjà reçu une réponse."), code="already_decided"
            )
        return super().clean()
