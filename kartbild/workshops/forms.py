from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from kartbild.accounts.models import Membership, Role
from kartbild.catalogue.models import Value
from kartbild.mappings.models import Mapping
from kartbild.organisations.models import Organisation
from kartbild.organisations.tree import UnitTree
from kartbild.workshops import actions
from kartbild.workshops.models import Action, Workshop


def facilitator_choices(organisation: Organisation) -> list[tuple[int, str]]:
    """Who may lead a session: the organisation's facilitators and admins."""
    members = (
        Membership.objects.active()
        .filter(organisation=organisation, role__in=[Role.FACILITATOR, Role.ADMIN])
        .select_related("user")
        .order_by("user__first_name", "user__username")
    )
    return [
        (m.user_id, f"{m.user.get_full_name() or m.user.get_username()} ({m.get_role_display()})")
        for m in members
    ]


def unit_choices(tree: UnitTree) -> list[tuple[str, str]]:
    return [(str(node.unit.pk), "\u2003" * node.depth + node.unit.name) for node in tree.walk()]


class WorkshopForm(forms.ModelForm):
    class Meta:
        model = Workshop
        fields = ["name", "description", "mapping"]
        help_texts = {
            "mapping": _("Kartbilden som visas och som påståenden kan skapas från. Valfritt."),
        }

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        mapping = self.fields["mapping"]
        assert isinstance(mapping, forms.ModelChoiceField)
        mapping.queryset = Mapping.objects.for_organisation(organisation)
        mapping.empty_label = _("Ingen kartläggning")


class SessionForm(forms.Form):
    date = forms.DateField(label=_("Datum"), widget=forms.DateInput(attrs={"type": "date"}))
    start_time = forms.TimeField(label=_("Börjar"), widget=forms.TimeInput(attrs={"type": "time"}))
    end_time = forms.TimeField(
        label=_("Slutar"), required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )
    place = forms.CharField(label=_("Plats"), max_length=120, required=False)
    facilitators = forms.TypedMultipleChoiceField(
        label=_("Värdegrundsledare (två)"),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["facilitators"]
        assert isinstance(field, forms.TypedMultipleChoiceField)
        field.choices = facilitator_choices(organisation)
        field.error_messages["invalid_choice"] = _("Välj bland organisationens ledare.")

    def clean_facilitators(self) -> list[Any]:
        ids = self.cleaned_data["facilitators"]
        if len(ids) != actions.FACILITATORS:
            raise forms.ValidationError(_("Välj två värdegrundsledare."))
        return list(get_user_model().objects.filter(pk__in=ids))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start_time"), data.get("end_time")
        if start and end and end <= start:
            self.add_error("end_time", _("Sluttiden måste vara efter starttiden."))
        return data


class InviteForm(forms.Form):
    name = forms.CharField(label=_("Namn"), max_length=120)
    email = forms.EmailField(label=_("E-post (valfritt)"), required=False)
    unit = forms.TypedChoiceField(label=_("Enhet"), coerce=int)

    def __init__(self, *args: Any, tree: UnitTree, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["unit"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [("", str(_("Välj enhet"))), *unit_choices(tree)]
        field.error_messages["invalid_choice"] = _("Välj en enhet i listan.")


class JoinForm(forms.Form):
    code = forms.CharField(
        label=_("Kod"),
        max_length=20,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )


class StatementForm(forms.Form):
    text = forms.CharField(
        label=_("Nytt påstående"),
        max_length=actions.STATEMENT_MAX_LENGTH,
        error_messages={"max_length": _("Ett påstående får vara högst %(limit_value)d tecken.")},
    )


def _value_name(value: Value) -> str:
    return value.name_sv


class ActionForm(forms.ModelForm):
    class Meta:
        model = Action
        fields = ["what", "owner", "due_on", "values"]
        widgets = {
            "due_on": forms.DateInput(attrs={"type": "date"}),
            "values": forms.CheckboxSelectMultiple,
        }
        help_texts = {"values": _("Värdena som åtgärden handlar om.")}

    def __init__(self, *args: Any, values: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["values"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = values
        field.label_from_instance = _value_name  # type: ignore[method-assign,assignment]
        field.required = False


def action_values(workshop: Workshop) -> Any:
    """The values an action can be linked to: the linked mapping's catalogue, or none."""
    if workshop.mapping is None:
        return Value.objects.none()
    return workshop.mapping.catalogue.values.filter(hidden=False).order_by("name_sv")
