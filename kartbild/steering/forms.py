from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from kartbild.corevalues.models import CoreValue, CoreValueFramework
from kartbild.followups.models import FollowUp
from kartbild.mappings.models import Mapping
from kartbild.organisations.models import Organisation
from kartbild.steering import actions, kolada
from kartbild.steering.models import Goal, Indicator, Level
from kartbild.workshops.actions import Rejected
from kartbild.workshops.models import Action, WorkshopSession

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def core_values_of(organisation: Organisation) -> QuerySet[CoreValue]:
    """The värdegrund values goals and actions can be linked to: those of the organisation's
    frameworks that are not replaced by a newer version."""
    return (
        CoreValue.objects.filter(framework__organisation=organisation)
        .exclude(framework__status=CoreValueFramework.Status.REPLACED)
        .select_related("framework")
        .order_by("framework__name", "position", "pk")
    )


def _core_value_label(value: CoreValue) -> str:
    return f"{value.name} ({value.framework.name})"


class _NumberField(forms.CharField):
    """A number typed the Swedish way ("12,5"); empty is None when not required."""

    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]
        text = super().to_python(value)
        if not text:
            return None
        try:
            return actions.parse_number(text)
        except Rejected as rejection:
            raise forms.ValidationError(rejection.message) from rejection


class GoalForm(forms.Form):
    level = forms.ChoiceField(label=_("Nivå"), choices=Level.choices)
    name = forms.CharField(label=_("Namn"), max_length=200)
    parent = forms.ModelChoiceField(
        label=_("Ligger under"),
        queryset=Goal.objects.none(),
        required=False,
        empty_label=_("Inget – högst upp i trädet"),
        help_text=_("Byt här för att flytta målet i trädet."),
        error_messages={"invalid_choice": _("Välj ett mål i organisationen.")},
    )
    description = forms.CharField(
        label=_("Beskrivning"), required=False, max_length=4000, widget=forms.Textarea
    )
    owner = forms.CharField(
        label=_("Ansvarig"),
        required=False,
        max_length=120,
        help_text=_("Namn eller roll, t.ex. Kommundirektören."),
    )
    starts_on = forms.DateField(label=_("Från"), required=False, widget=DATE)
    ends_on = forms.DateField(label=_("Till"), required=False, widget=DATE)
    core_values = forms.ModelMultipleChoiceField(
        label=_("Värden i värdegrunden"),
        queryset=CoreValue.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("Välj bland organisationens värden.")},
    )

    def __init__(
        self, *args: Any, organisation: Organisation, goal: Goal | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        parent = self.fields["parent"]
        assert isinstance(parent, forms.ModelChoiceField)
        candidates = Goal.objects.of(organisation).exclude(level=Level.ACTIVITY)
        if goal is not None:
            candidates = candidates.exclude(pk=goal.pk)
        parent.queryset = candidates
        parent.label_from_instance = _goal_label  # type: ignore[method-assign,assignment]
        values = self.fields["core_values"]
        assert isinstance(values, forms.ModelMultipleChoiceField)
        values.queryset = core_values_of(organisation)
        values.label_from_instance = _core_value_label  # type: ignore[method-assign,assignment]


def _goal_label(goal: Goal) -> str:
    return f"{goal.get_level_display()}: {goal.name}"


def goal_initial(goal: Goal) -> dict[str, Any]:
    return {
        "level": goal.level,
        "name": goal.name,
        "parent": goal.parent_id,
        "description": goal.description,
        "owner": goal.owner,
        "starts_on": goal.starts_on,
        "ends_on": goal.ends_on,
        "core_values": list(goal.core_values.all()),
    }


class IndicatorForm(forms.ModelForm):
    target_value = _NumberField(
        label=_("Målvärde"), required=False, help_text=_("Använd decimalkomma, t.ex. 12,5.")
    )

    class Meta:
        model = Indicator
        fields = [
            "name",
            "description",
            "unit",
            "direction",
            "target_value",
            "target_year",
            "kolada_kpi",
        ]
        widgets = {"description": forms.Textarea, "direction": forms.RadioSelect}

    def clean_kolada_kpi(self) -> str:
        kpi: str = self.cleaned_data["kolada_kpi"].strip().upper()
        if kpi and not kolada.KPI_PATTERN.match(kpi):
            raise forms.ValidationError(
                _("Nyckeltalets id ska vara en bokstav och fem siffror, t.ex. N00945.")
            )
        return kpi

    def clean_target_year(self) -> int | None:
        year: int | None = self.cleaned_data["target_year"]
        if year is not None and not actions.FIRST_YEAR <= year <= actions.LAST_YEAR:
            raise forms.ValidationError(_("Skriv ett årtal, t.ex. 2030."))
        return year


class ValueForm(forms.Form):
    year = forms.CharField(label=_("År"), max_length=4)
    period = forms.CharField(
        label=_("Period (valfritt)"),
        max_length=20,
        required=False,
        help_text=_("Lämna tomt för helår, annars t.ex. T1 eller 2026-03."),
    )
    value = forms.CharField(
        label=_("Värde"), max_length=40, help_text=_("Använd decimalkomma, t.ex. 12,5.")
    )

    def clean_year(self) -> int:
        try:
            return actions.parse_year(self.cleaned_data["year"])
        except Rejected as rejection:
            raise forms.ValidationError(rejection.message) from rejection

    def clean_value(self) -> str:
        text: str = self.cleaned_data["value"]
        try:
            actions.parse_number(text)
        except Rejected as rejection:
            raise forms.ValidationError(rejection.message) from rejection
        return text


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Fil (CSV eller XLSX)"),
        help_text=_("Kolumnerna år och värde, och gärna period. Decimalkomma går bra."),
    )


class ActionForm(forms.Form):
    what = forms.CharField(label=_("Åtgärd"), max_length=300)
    owner = forms.CharField(label=_("Ansvarig"), max_length=120)
    due_on = forms.DateField(label=_("Klart senast"), widget=DATE)
    status = forms.ChoiceField(label=_("Status"), choices=Action.Status.choices)
    goal = forms.ModelChoiceField(
        label=_("Mål"), queryset=Goal.objects.none(), required=False, empty_label=_("Inget")
    )
    indicator = forms.ModelChoiceField(
        label=_("Indikator"),
        queryset=Indicator.objects.none(),
        required=False,
        empty_label=_("Ingen"),
    )
    follow_up = forms.ModelChoiceField(
        label=_("Uppföljning"),
        queryset=FollowUp.objects.none(),
        required=False,
        empty_label=_("Ingen"),
    )
    mapping = forms.ModelChoiceField(
        label=_("Kartläggning"),
        queryset=Mapping.objects.none(),
        required=False,
        empty_label=_("Ingen"),
    )
    finding = forms.CharField(
        label=_("Iakttagelse i kartbilden"),
        max_length=300,
        required=False,
        help_text=_("T.ex. ”Byråkrati är det mest valda värdet i nuvarande kultur”."),
    )
    session = forms.ModelChoiceField(
        label=_("Workshoptillfälle"),
        queryset=WorkshopSession.objects.none(),
        required=False,
        empty_label=_("Inget"),
    )
    core_values = forms.ModelMultipleChoiceField(
        label=_("Värden i värdegrunden"),
        queryset=CoreValue.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        querysets: dict[str, QuerySet[Any]] = {
            "goal": Goal.objects.of(organisation),
            "indicator": Indicator.objects.filter(goal__organisation=organisation),
            "follow_up": FollowUp.objects.filter(organisation=organisation),
            "mapping": Mapping.objects.filter(organisation=organisation),
            "session": WorkshopSession.objects.filter(
                workshop__organisation=organisation
            ).select_related("workshop"),
            "core_values": core_values_of(organisation),
        }
        for name, queryset in querysets.items():
            field = self.fields[name]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = queryset
            field.error_messages["invalid_choice"] = _("Välj bland organisationens egna.")
        values = self.fields["core_values"]
        assert isinstance(values, forms.ModelMultipleChoiceField)
        values.label_from_instance = _core_value_label  # type: ignore[method-assign,assignment]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        due: date | None = data.get("due_on")
        if due is not None and not actions.FIRST_YEAR <= due.year <= actions.LAST_YEAR:
            self.add_error("due_on", _("Skriv ett rimligt datum."))
        return data


def action_initial(action: Action) -> dict[str, Any]:
    return {
        "what": action.what,
        "owner": action.owner,
        "due_on": action.due_on,
        "status": action.status,
        "goal": action.goal_id,
        "indicator": action.indicator_id,
        "follow_up": action.follow_up_id,
        "mapping": action.mapping_id,
        "finding": action.finding,
        "session": action.session_id,
        "core_values": list(action.core_values.all()),
    }
