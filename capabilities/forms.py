"""Forms of the capabilities pages."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .enums import MemberRole
from .models import Institute


class InstituteForm(forms.ModelForm):
    """What an institute says of itself; verification stays with portal staff."""

    website = forms.URLField(
        label=_("Website"), required=False, assume_scheme="https", max_length=200
    )

    class Meta:
        model = Institute
        fields = ["name", "acronym", "kind", "economy", "rmo", "website", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 5})}


class InvitationForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail address"), widget=forms.EmailInput(attrs={"autocomplete": "off"})
    )
    role = forms.ChoiceField(label=_("Role"), choices=MemberRole.choices, initial=MemberRole.EDITOR)


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=MemberRole.choices)
