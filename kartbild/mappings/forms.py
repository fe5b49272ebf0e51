from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kartbild.catalogue.models import ValueCatalogue
from kartbild.mappings.actions import MAX_OPEN_ANSWER
from kartbild.mappings.models import (
    AGE_BANDS,
    DEFAULT_RETENTION_MONTHS,
    MAX_PICKS,
    MAX_RETENTION_MONTHS,
    MIN_PICKS,
    TENURE_BANDS,
    Draft,
    Mapping,
    Perspective,
    QuestionFrame,
)
from kartbild.organisations.models import Organisation
from kartbild.organisations.tree import UnitTree


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Din kod"),
        max_length=40,
        help_text=_("Koden står i ditt brev, till exempel ABCD-EFGH-JKLM."),
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )


class BackgroundForm(forms.Form):
    """The few background questions a perspective is asked. Elected officials are reported as
    one group and are never asked anything that would split them."""

    @classmethod
    def for_draft(cls, draft: Draft, data: Any = None) -> BackgroundForm:
        form = cls(data=data, initial=draft.answers)
        mapping_perspective = draft.mapping_perspective
        mapping = mapping_perspective.mapping
        perspective = mapping_perspective.perspective
        if (
            perspective == Perspective.EMPLOYEES
            and mapping.ask_unit
            and not (draft.code_id and draft.answers.get("unit"))
        ):
            tree = UnitTree.of(mapping.organisation)
            choices = [("", _("Vill inte svara"))] + [
                (str(node.unit.pk), "\u2003" * node.depth + node.unit.name) for node in tree.walk()
            ]
            form.fields["unit"] = forms.TypedChoiceField(
                label=_("Var arbetar du?"),
                help_text=_(
                    "Välj den enhet du tillhör. Resultat visas bara för grupper med tillräckligt många svar."
                ),
                choices=choices,
                required=False,
                coerce=int,
                empty_value=None,
            )
        if perspective != Perspective.ELECTED and mapping.ask_age:
            form.fields["age_band"] = forms.ChoiceField(
                label=_("Hur gammal är du?"),
                choices=[("", _("Vill inte svara")), *AGE_BANDS],
                required=False,
            )
        if perspective == Perspective.EMPLOYEES and mapping.ask_tenure:
            form.fields["tenure_band"] = forms.ChoiceField(
                label=_("Hur länge har du arbetat i organisationen?"),
                choices=[("", _("Vill inte svara")), *TENURE_BANDS],
                required=False,
            )
        if perspective == Perspective.CITIZENS and mapping.district_list:
            form.fields["district"] = forms.ChoiceField(
                label=_("Var i kommunen bor du?"),
                choices=[("", _("Vill inte svara"))] + [(d, d) for d in mapping.district_list],
                required=False,
            )
        if mapping.open_question:
            form.fields["open_answer"] = forms.CharField(
                label=mapping.open_question,
                help_text=_("Frivilligt. Skriv inte ditt namn eller något som visar vem du är."),
                required=False,
                max_length=MAX_OPEN_ANSWER,
                widget=forms.Textarea(attrs={"rows": 5}),
            )
        return form

    def answers(self) -> dict[str, Any]:
        return dict(self.cleaned_data.items())


class MappingForm(forms.ModelForm):
    perspectives = forms.MultipleChoiceField(
        label=_("Perspektiv"),
        choices=Perspective.choices,
        widget=forms.CheckboxSelectMultiple,
        initial=[p.value for p in Perspective],
    )

    class Meta:
        model = Mapping
        fields = [
            "name",
            "catalogue",
            "picks",
            "opens_on",
            "closes_on",
            "ask_unit",
            "ask_age",
            "ask_tenure",
            "districts",
            "open_question",
            "english_enabled",
            "retention_months",
        ]
        widgets = {
            "opens_on": forms.DateInput(attrs={"type": "date"}),
            "closes_on": forms.DateInput(attrs={"type": "date"}),
            "districts": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {
            "picks": _("Hur många värden varje fråga ber om (3–15, oftast 10)."),
            "districts": _(
                "Ett område per rad. Lämna tomt för att inte fråga medborgare var de bor."
            ),
            "open_question": _(
                "Till exempel: Vad behöver förändras för att vi ska nå den önskade kulturen?"
            ),
            "retention_months": _(
                "Så länge sparas de enskilda svaren efter att kartläggningen stängts. Sedan "
                "raderas de och bara sammanställda resultat finns kvar."
            ),
        }

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.organisation = organisation
        self.fields["catalogue"].queryset = ValueCatalogue.objects.filter(  # type: ignore[attr-defined]
            Q(organisation=None) | Q(organisation=organisation)
        )
        if self.instance.pk:
            del self.fields["perspectives"]
        # Empty means the default, so that a form without the field still saves.
        self.fields["retention_months"].required = False

    def clean_picks(self) -> int:
        picks = self.cleaned_data["picks"]
        if not MIN_PICKS <= picks <= MAX_PICKS:
            raise forms.ValidationError(
                _("Antalet val måste vara mellan %(min)s och %(max)s.")
                % {"min": MIN_PICKS, "max": MAX_PICKS}
            )
        return int(picks)

    def clean_retention_months(self) -> int:
        months = self.cleaned_data["retention_months"]
        if months is None:
            return DEFAULT_RETENTION_MONTHS
        if not 1 <= months <= MAX_RETENTION_MONTHS:
            raise forms.ValidationError(
                _("Gallringstiden måste vara mellan 1 och %(max)s månader.")
                % {"max": MAX_RETENTION_MONTHS}
            )
        return int(months)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        opens, closes = data.get("opens_on"), data.get("closes_on")
        if opens and closes and closes < opens:
            self.add_error("closes_on", _("Slutdatum kan inte ligga före startdatum."))
        return data


def question_choices() -> list[tuple[str, str]]:
    choices = [("personal", str(_("Personliga värderingar")))]
    for frame in QuestionFrame:
        choices.append(
            (
                f"current:{frame.value}",
                str(_("Rådande kultur – %(frame)s") % {"frame": frame.label}),
            )
        )
        choices.append(
            (f"desired:{frame.value}", str(_("Önskad kultur – %(frame)s") % {"frame": frame.label}))
        )
    return choices


class QuestionsForm(forms.Form):
    """Which questions each perspective answers."""

    def __init__(self, *args: Any, mapping: Mapping, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.perspectives = list(mapping.perspectives.all())
        for mp in self.perspectives:
            self.fields[mp.perspective] = forms.MultipleChoiceField(
                label=mp.get_perspective_display(),
                choices=question_choices(),
                widget=forms.CheckboxSelectMultiple,
                initial=[q.key for q in mp.questions.all()],
                error_messages={"required": _("Välj minst en fråga för perspektivet.")},
            )

    def keys(self, perspective: str) -> list[tuple[str, str]]:
        order = [key for key, _label in question_choices()]
        chosen = sorted(self.cleaned_data[perspective], key=order.index)
        return [(key.split(":")[0], key.split(":")[1] if ":" in key else "") for key in chosen]


class PaperImportForm(forms.Form):
    file = forms.FileField(label=_("Fil (CSV eller XLSX)"))
