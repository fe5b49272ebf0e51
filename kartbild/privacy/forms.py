from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from kartbild.organisations.models import Organisation
from kartbild.privacy.models import PrivacyContact


class PrivacyContactForm(forms.ModelForm):
    class Meta:
        model = PrivacyContact
        fields = ["controller", "contact", "data_protection_officer"]


class DeleteOrganisationForm(forms.Form):
    """A typed confirmation: the admin writes the organisation's name, so that a slip of the
    mouse cannot delete everything."""

    name = forms.CharField(label=_("Skriv organisationens namn"), max_length=200)
    understood = forms.BooleanField(
        label=_("Jag förstår att allt raderas för gott och inte kan återställas."),
        error_messages={
            "required": _("Kryssa i att du förstår att raderingen inte går att ångra.")
        },
    )

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        self.fields["name"].help_text = _("Skriv exakt: %(name)s") % {"name": organisation.name}

    def clean_name(self) -> str:
        name = str(self.cleaned_data["name"]).strip()
        if name != self.organisation.name:
            raise forms.ValidationError(
                _("Namnet stämmer inte. Skriv organisationens namn exakt som det står.")
            )
        return name
