"""Forms of the accounts pages."""

from datetime import timedelta

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import User


class SignupForm(forms.Form):
    """Extra fields on allauth's sign-up form (allauth calls ``signup`` after saving the user)."""

    name = forms.CharField(
        label=_("Full name"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )

    def signup(self, request, user):
        """allauth's hook; the adapter has already stored the name."""


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["name", "language", "notification_delivery"]
        widgets = {"notification_delivery": forms.RadioSelect}


class ApiTokenForm(forms.Form):
    EXPIRY_CHOICES = [
        ("30", _("30 days")),
        ("90", _("90 days")),
        ("365", _("1 year")),
    ]

    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_("What the token is for, e.g. “NMI database sync”."),
    )
    expires_in = forms.TypedChoiceField(
        label=_("Expires in"), choices=EXPIRY_CHOICES, coerce=int, initial="90"
    )
    read_only = forms.BooleanField(
        label=_("Read-only"),
        required=False,
        help_text=_("The token can read what you can see but change nothing."),
    )

    def expiry(self) -> timedelta:
        return timedelta(days=self.cleaned_data["expires_in"])


class AccountDeleteForm(forms.Form):
    confirmation = forms.CharField(
        label=_("Your e-mail address"),
        max_length=254,
        help_text=_("Type the address you sign in with to confirm."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
