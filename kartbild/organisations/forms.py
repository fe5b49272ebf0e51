from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kartbild.organisations.models import Organisation, Unit


class UnitForm(forms.ModelForm):
    class Meta:
        model = Unit
        fields = ["name", "code", "level", "parent", "headcount"]
        labels = {"parent": _("Överordnad enhet")}

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.organisation = organisation
        parents = Unit.objects.filter(organisation=organisation).exclude(level=Unit.Level.TEAM)
        if self.instance.pk:
            parents = parents.exclude(pk=self.instance.pk)
        self.fields["parent"].queryset = parents  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        parent, level = data.get("parent"), data.get("level")
        if level and Unit.CHILD_LEVEL.get(parent.level if parent else None) != level:
            self.add_error(
                "level",
                _("En %(level)s kan inte ligga direkt under %(parent)s.")
                % {
                    "level": Unit.Level(level).label.lower(),
                    "parent": parent.name if parent else _("organisationen"),
                },
            )
        code = data.get("code")
        clash = Unit.objects.filter(organisation=self.instance.organisation, code=code)
        if code and clash.exclude(pk=self.instance.pk).exists():
            self.add_error("code", _("Koden används redan av en annan enhet."))
        return data


class UnitImportForm(forms.Form):
    file = forms.FileField(
        label=_("Fil (CSV eller XLSX)"),
        help_text=_("Kolumner: kod, namn, nivå, överordnad, anställda."),
    )
