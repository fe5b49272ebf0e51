from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from kartbild.accounts import throttle
from kartbild.accounts.models import Membership, Network, Role
from kartbild.organisations.models import Organisation, Unit

User = get_user_model()


class ThrottledLoginForm(AuthenticationForm):
    """Django's sign-in form, refusing to even try after too many recent failures."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _(
            "Fel användarnamn eller lösenord. Tänk på att lösenordet skiljer på stora och små "
            "bokstäver."
        ),
        "inactive": _("Kontot är inaktiverat."),
        "throttled": _(
            "För många misslyckade inloggningsförsök. Vänta en kvart och försök igen, eller be "
            "din administratör om hjälp."
        ),
    }

    def clean(self) -> dict[str, Any]:
        username = self.cleaned_data.get("username") or ""
        if self.request is not None and throttle.is_blocked(self.request, username):
            raise ValidationError(self.error_messages["throttled"], code="throttled")
        try:
            data = super().clean()
        except ValidationError:
            if self.request is not None:
                throttle.record_failure(self.request, username)
            raise
        throttle.clear(username)
        return data


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class RoleFields(forms.Form):
    """A role and, for a unit manager, the unit whose subtree they see."""

    role = forms.ChoiceField(label=_("Roll"), choices=Role.choices)
    unit = UnitChoiceField(
        label=_("Enhet (för chef)"),
        help_text=_("En chef ser resultat för sin enhet och enheterna under den."),
        queryset=Unit.objects.none(),
        required=False,
    )

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        unit = self.fields["unit"]
        assert isinstance(unit, UnitChoiceField)
        unit.queryset = Unit.objects.filter(organisation=organisation)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("role") == Role.UNIT_MANAGER:
            if not data.get("unit"):
                self.add_error("unit", _("Välj den enhet som chefen ansvarar för."))
        else:
            data["unit"] = None
        return data


class NewAccountForm(RoleFields):
    username = forms.CharField(
        label=_("Användarnamn"),
        max_length=150,
        validators=[UnicodeUsernameValidator()],
        help_text=_("Bokstäver, siffror och @ . + - _"),
    )
    first_name = forms.CharField(label=_("Förnamn"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Efternamn"), max_length=150, required=False)
    email = forms.EmailField(
        label=_("E-postadress"),
        help_text=_("Används för inloggning med organisationens konto (single sign-on)."),
    )
    password1 = forms.CharField(
        label=_("Lösenord (frivilligt)"),
        strip=False,
        required=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_(
            "Lämna tomt så får du en länk som personen själv väljer sitt lösenord med, eller "
            "loggar in med organisationens konto. Ett lösenord du sätter: minst 12 tecken, inte "
            "bara siffror, inte ett vanligt lösenord och inte likt användarnamnet."
        ),
    )
    password2 = forms.CharField(
        label=_("Lösenord igen"),
        strip=False,
        required=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    field_order = [
        "username",
        "first_name",
        "last_name",
        "email",
        "role",
        "unit",
        "password1",
        "password2",
    ]

    def clean_username(self) -> str:
        username: str = self.cleaned_data["username"]
        if User.objects.filter(username__iexact=username).exists():
            raise ValidationError(_("Användarnamnet är upptaget. Välj ett annat."))
        return username

    def clean_email(self) -> str:
        email: str = self.cleaned_data["email"]
        # Single sign-on finds the account by e-mail, so two accounts may not share one.
        if User.objects.filter(email__iexact=email).exists():
            raise ValidationError(_("E-postadressen används redan av ett annat konto."))
        return email

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        first, second = data.get("password1"), data.get("password2")
        if (first or second) and first != second:
            self.add_error("password2", _("Lösenorden är inte lika."))
        elif first:
            candidate = User(
                username=data.get("username", ""),
                first_name=data.get("first_name", ""),
                last_name=data.get("last_name", ""),
                email=data.get("email", ""),
            )
            try:
                password_validation.validate_password(first, candidate)
            except ValidationError as error:
                self.add_error("password1", error)
        return data

    def create(self, organisation: Organisation) -> Membership:
        data = self.cleaned_data
        user = User.objects.create_user(
            username=data["username"],
            email=data["email"],
            # No password: an unusable one, until the person sets theirs with the invitation link.
            password=data["password1"] or None,
            first_name=data["first_name"],
            last_name=data["last_name"],
        )
        return Membership.objects.create(
            user=user, organisation=organisation, role=data["role"], unit=data["unit"]
        )


class OrganisationForm(forms.ModelForm):
    """A new organisation with its first admin account, for the system admin."""

    class Meta:
        model = Organisation
        fields = ["name", "slug", "kind", "code"]

    admin_username = forms.CharField(
        label=_("Administratörens användarnamn"),
        max_length=150,
        validators=[UnicodeUsernameValidator()],
    )
    admin_email = forms.EmailField(label=_("Administratörens e-postadress"))
    admin_password = forms.CharField(
        label=_("Administratörens lösenord"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("Minst 12 tecken. Administratören lägger sedan upp övriga konton."),
    )

    def clean_admin_username(self) -> str:
        username: str = self.cleaned_data["admin_username"]
        if User.objects.filter(username__iexact=username).exists():
            raise ValidationError(_("Användarnamnet är upptaget. Välj ett annat."))
        return username

    def clean_admin_email(self) -> str:
        email: str = self.cleaned_data["admin_email"]
        if User.objects.filter(email__iexact=email).exists():
            raise ValidationError(_("E-postadressen används redan av ett annat konto."))
        return email

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        password = data.get("admin_password")
        if password:
            candidate = User(
                username=data.get("admin_username", ""), email=data.get("admin_email", "")
            )
            try:
                password_validation.validate_password(password, candidate)
            except ValidationError as error:
                self.add_error("admin_password", error)
        return data

    def create(self) -> Membership:
        organisation = self.save()
        data = self.cleaned_data
        user = User.objects.create_user(
            username=data["admin_username"],
            email=data["admin_email"],
            password=data["admin_password"],
        )
        return Membership.objects.create(user=user, organisation=organisation, role=Role.ADMIN)


class NetworkForm(forms.ModelForm):
    """A network of organisations with its first coordinator, for the system admin. The
    coordinator gets an account without a password and chooses one with the invitation link."""

    class Meta:
        model = Network
        fields = ["name", "slug", "organisations"]
        widgets = {"organisations": forms.CheckboxSelectMultiple}
        labels = {"organisations": _("Organisationer i nätverket")}

    coordinator_username = forms.CharField(
        label=_("Samordnarens användarnamn"),
        max_length=150,
        validators=[UnicodeUsernameValidator()],
    )
    coordinator_email = forms.EmailField(label=_("Samordnarens e-postadress"))

    def clean_coordinator_username(self) -> str:
        username: str = self.cleaned_data["coordinator_username"]
        if User.objects.filter(username__iexact=username).exists():
            raise ValidationError(_("Användarnamnet är upptaget. Välj ett annat."))
        return username

    def clean_coordinator_email(self) -> str:
        email: str = self.cleaned_data["coordinator_email"]
        if User.objects.filter(email__iexact=email).exists():
            raise ValidationError(_("E-postadressen används redan av ett annat konto."))
        return email

    def create(self) -> Network:
        network = self.save()
        coordinator = User.objects.create_user(
            username=self.cleaned_data["coordinator_username"],
            email=self.cleaned_data["coordinator_email"],
            password=None,
        )
        network.coordinators.add(coordinator)
        return network
