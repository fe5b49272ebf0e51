from __future__ import annotations

from typing import Any

from django import forms
from django.utils.functional import Promise
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from kartbild.catalogue.models import LEVELS, Frame, Polarity, ValueCatalogue, ValueType
from kartbild.organisations.models import Organisation


def level_label(level: int) -> str | Promise:
    # Lazy, so that the level's name follows the language of each request.
    return format_lazy("{} {}", level, LEVELS[level])


LEVEL_CHOICES = [(level, level_label(level)) for level in sorted(LEVELS)]


def catalogue_label(catalogue: ValueCatalogue) -> str:
    label = f"{catalogue.name} v{catalogue.version}"
    return f"{label} ({_('levererad')})" if catalogue.is_shipped else label


def suggested_name(organisation: Organisation) -> str:
    # Swedish genitive: "Ystads", but "Strängnäs" already ends in s.
    owner = organisation.name if organisation.name[-1:] in "sxzSXZ" else f"{organisation.name}s"
    return f"{owner} {_('värdekatalog')}"


class DeriveForm(forms.Form):
    source = forms.ModelChoiceField(
        queryset=ValueCatalogue.objects.none(), label=_("Utgå från"), empty_label=None
    )
    name = forms.CharField(
        label=_("Namn på den nya versionen"),
        max_length=100,
        help_text=_(
            "Samma namn som en av organisationens tidigare versioner ger nästa versionsnummer."
        ),
    )

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        source = self.fields["source"]
        source.queryset = ValueCatalogue.objects.visible_to(organisation)  # type: ignore[attr-defined]
        source.label_from_instance = catalogue_label  # type: ignore[attr-defined]
        self.fields["name"].initial = suggested_name(organisation)


class ValueForm(forms.Form):
    name_sv = forms.CharField(label=_("Namn på svenska"), max_length=60)
    name_en = forms.CharField(label=_("Namn på engelska"), max_length=60)
    description_sv = forms.CharField(
        label=_("Beskrivning på svenska"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("En mening som säger vad värdet betyder hos er."),
    )
    description_en = forms.CharField(
        label=_("Beskrivning på engelska"), max_length=300, widget=forms.Textarea(attrs={"rows": 2})
    )
    level = forms.TypedChoiceField(label=_("Nivå"), choices=[("", "–"), *LEVEL_CHOICES], coerce=int)
    polarity = forms.ChoiceField(
        label=_("Polaritet"),
        choices=Polarity.choices,
        initial=Polarity.POSITIVE,
        widget=forms.RadioSelect,
        help_text=_("Potentiellt begränsande värden finns bara på nivå 1–3."),
    )
    type = forms.ChoiceField(label=_("Typ"), choices=[("", "–"), *ValueType.choices])
    frames = forms.MultipleChoiceField(
        label=_("Passar i"),
        choices=Frame.choices,
        initial=list(Frame.values),
        widget=forms.CheckboxSelectMultiple,
    )
    slug = forms.CharField(
        label=_("Kortnamn"),
        max_length=60,
        required=False,
        help_text=_(
            "Stabilt namn i exporter och importer, till exempel ”narhet-till-naturen”. "
            "Lämna tomt så skapas det av det svenska namnet."
        ),
    )


STATUS_CHOICES = [
    ("", _("Alla")),
    ("shown", _("Visas i kartläggningar")),
    ("hidden", _("Dolda")),
]


class ValueFilterForm(forms.Form):
    """The filters of the values table, sent as GET parameters so that they work without
    JavaScript and can be linked to."""

    q = forms.CharField(label=_("Sök"), required=False, max_length=100)
    level = forms.TypedChoiceField(
        label=_("Nivå"),
        required=False,
        choices=[("", _("Alla nivåer")), *LEVEL_CHOICES],
        coerce=int,
        empty_value=None,
    )
    polarity = forms.ChoiceField(
        label=_("Polaritet"), required=False, choices=[("", _("Alla")), *Polarity.choices]
    )
    type = forms.ChoiceField(
        label=_("Typ"), required=False, choices=[("", _("Alla typer")), *ValueType.choices]
    )
    frame = forms.ChoiceField(
        label=_("Ram"), required=False, choices=[("", _("Alla ramar")), *Frame.choices]
    )
    status = forms.ChoiceField(label=_("Visas"), required=False, choices=STATUS_CHOICES)
