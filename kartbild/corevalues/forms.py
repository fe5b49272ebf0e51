"""Forms of the authoring pages. They only check what a person typed; the rules of a version
(only a draft changes, links stay inside the catalogue) are in actions.py."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from kartbild.catalogue.models import Value, ValueCatalogue
from kartbild.corevalues.actions import INTRODUCTION_MAX_LENGTH
from kartbild.corevalues.models import Behaviour
from kartbild.organisations.models import Organisation

# What the organisation writes is Swedish, also when the interface is English (WCAG 3.1.2).
SWEDISH = {"lang": "sv"}


class FrameworkForm(forms.Form):
    name = forms.CharField(
        label=_("Namn"),
        max_length=120,
        widget=forms.TextInput(attrs=SWEDISH),
        help_text=_("Till exempel ”Vägen vi går”."),
    )
    introduction = forms.CharField(
        label=_("Inledning"),
        required=False,
        max_length=INTRODUCTION_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5, **SWEDISH}),
        help_text=_("Varför värdegrunden finns och hur den togs fram. Visas överst på sidan."),
    )


class CreateFrameworkForm(FrameworkForm):
    catalogue = forms.ModelChoiceField(
        label=_("Värdekatalog"),
        queryset=ValueCatalogue.objects.none(),
        empty_label=None,
        help_text=_("Värdena i värdegrunden kan kopplas till värdeord i den här katalogen."),
    )

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        catalogues = ValueCatalogue.objects.visible_to(organisation)
        field = self.fields["catalogue"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = catalogues
        newest = catalogues.order_by("-created_on", "-pk").first()
        if newest is not None:
            field.initial = newest.pk


class ValueForm(forms.Form):
    name = forms.CharField(
        label=_("Namn"),
        max_length=80,
        widget=forms.TextInput(attrs=SWEDISH),
        help_text=_("Till exempel ”Tillit”."),
    )
    description = forms.CharField(
        label=_("Beskrivning"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4, **SWEDISH}),
        help_text=_("Vad värdet betyder hos er, med några meningar."),
    )
    catalogue_values = forms.ModelMultipleChoiceField(
        label=_("Värdeord i katalogen"),
        queryset=Value.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    # Narrows the list of catalogue values shown; the page is sent with the "search" button.
    q = forms.CharField(label=_("Sök värdeord"), required=False, max_length=60)

    def __init__(self, *args: Any, choices: QuerySet[Value], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["catalogue_values"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = choices


class BehaviourForm(forms.Form):
    text = forms.CharField(
        label=_("Text"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2, **SWEDISH}),
        help_text=_(
            "Ett konkret beteende (”Jag lyssnar färdigt innan jag svarar”) eller en princip."
        ),
    )
    audience = forms.ChoiceField(
        label=_("Gäller"),
        choices=Behaviour.Audience.choices,
        initial=Behaviour.Audience.EVERYONE,
        widget=forms.RadioSelect,
    )
    kind = forms.ChoiceField(
        label=_("Slag"),
        choices=Behaviour.Kind.choices,
        initial=Behaviour.Kind.BEHAVIOUR,
        widget=forms.RadioSelect,
    )
