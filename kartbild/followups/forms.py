from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kartbild.corevalues.models import CoreValueFramework
from kartbild.followups.actions import MAX_BATCH
from kartbild.followups.models import FollowUp, Statement
from kartbild.organisations.models import Organisation, Unit
from kartbild.organisations.tree import UnitTree

# The answers a statement offers, in the order shown: the scale, then "vet ej".
ANSWER_CHOICES = [
    ("1", _("Stämmer inte alls")),
    ("2", _("Stämmer ganska dåligt")),
    ("3", _("Stämmer delvis")),
    ("4", _("Stämmer ganska bra")),
    ("5", _("Stämmer helt")),
    ("6", _("Vet ej")),
]


class FollowUpForm(forms.Form):
    name = forms.CharField(label=_("Namn"), max_length=120)
    framework = forms.ModelChoiceField(
        label=_("Värdegrund"),
        queryset=CoreValueFramework.objects.none(),
        help_text=_("Påståendena görs av värdegrundens beteenden. Bara publicerade versioner."),
    )
    previous_round = forms.ModelChoiceField(
        label=_("Föregående omgång"),
        queryset=FollowUp.objects.none(),
        required=False,
        help_text=_("Med en föregående omgång visar resultaten utvecklingen över tid."),
    )
    opens_on = forms.DateField(
        label=_("Öppnar"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    closes_on = forms.DateField(
        label=_("Stänger"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        framework_field = self.fields["framework"]
        assert isinstance(framework_field, forms.ModelChoiceField)
        framework_field.queryset = CoreValueFramework.objects.filter(
            organisation=organisation, status=CoreValueFramework.Status.PUBLISHED
        )
        previous_field = self.fields["previous_round"]
        assert isinstance(previous_field, forms.ModelChoiceField)
        previous_field.queryset = FollowUp.objects.filter(organisation=organisation)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        opens, closes = data.get("opens_on"), data.get("closes_on")
        if opens and closes and closes < opens:
            self.add_error("closes_on", _("Slutdatumet kan inte vara före startdatumet."))
        return data


def unit_choices(organisation: Organisation, empty: str) -> list[tuple[str, str]]:
    """The unit tree as indented choices, in the order it is read."""
    tree = UnitTree.of(organisation)
    return [("", empty)] + [
        (str(node.unit.pk), "\u2003" * node.depth + node.unit.name) for node in tree.walk()
    ]


class CodesForm(forms.Form):
    unit = forms.ChoiceField(label=_("Enhet"), required=False)
    size = forms.IntegerField(label=_("Antal koder"), min_value=1, max_value=MAX_BATCH)

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        unit_field = self.fields["unit"]
        assert isinstance(unit_field, forms.ChoiceField)
        unit_field.choices = unit_choices(organisation, str(_("Ingen enhet")))

    def clean_unit(self) -> Unit | None:
        value = self.cleaned_data.get("unit")
        if not value:
            return None
        return Unit.objects.filter(pk=value, organisation=self.organisation).first()


class AnswerForm(forms.Form):
    """The whole survey on one page: the unit (unless a code gives it) and every statement."""

    def __init__(
        self,
        *args: Any,
        statements: list[Statement],
        organisation: Organisation,
        ask_unit: bool,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.statements = statements
        self.organisation = organisation
        if ask_unit:
            self.fields["unit"] = forms.ChoiceField(
                label=_("Var arbetar du?"),
                required=False,
                choices=unit_choices(organisation, str(_("Jag vill inte svara"))),
                help_text=_(
                    "Välj den enhet du tillhör. Resultat för en enhet visas bara när många där "
                    "har svarat."
                ),
            )
        for statement in statements:
            self.fields[f"s{statement.pk}"] = forms.ChoiceField(
                label=statement.text,
                choices=ANSWER_CHOICES,
                required=False,
                widget=forms.RadioSelect,
            )

    def statement_fields(self) -> list[forms.BoundField]:
        return [self[f"s{statement.pk}"] for statement in self.statements]

    def clean_unit(self) -> int | None:
        value = self.cleaned_data.get("unit")
        if not value:
            return None
        unit = Unit.objects.filter(pk=value, organisation=self.organisation).first()
        return unit.pk if unit is not None else None

    def codes(self) -> dict[int, int]:
        found = {}
        for statement in self.statements:
            value = self.cleaned_data.get(f"s{statement.pk}")
            if value:
                found[statement.pk] = int(value)
        return found
