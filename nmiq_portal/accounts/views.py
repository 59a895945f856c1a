"""The profile page: personal details, notification preference, API tokens, language, the
person's data and the deletion of their account."""

import json

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

from nmiq_portal.core import sections

from . import services
from .forms import AccountDeleteForm, ApiTokenForm, ProfileForm
from .models import ApiToken


def _profile_context(request, *, profile_form=None, token_form=None, new_token=None):
    return {
        "profile_form": profile_form or ProfileForm(instance=request.user),
        "token_form": token_form or ApiTokenForm(),
        "tokens": ApiToken.objects.filter(user=request.user),
        "new_token": new_token,
        "now": timezone.now(),
        "sections": sections.render_context("profile", request),
    }


@login_required
def profile(request):
    if request.method == "POST":
        form = ProfileForm(request.POST, instance=request.user)
        if form.is_valid():
            services.profile_update(
                actor=request.user,
                user=request.user,
                **{field: form.cleaned_data[field] for field in form.Meta.fields},
            )
            messages.success(request, _("Your profile was saved."))
            return redirect("accounts:profile")
        return render(
            request, "accounts/profile.html", _profile_context(request, profile_form=form)
        )
    return render(request, "accounts/profile.html", _profile_context(request))


@login_required
@require_POST
def token_create(request):
    form = ApiTokenForm(request.POST)
    if form.is_valid():
        try:
            token, secret = services.api_token_create(
                actor=request.user,
                name=form.cleaned_data["name"],
                expiry=form.expiry(),
                read_only=form.cleaned_data["read_only"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Token “%(name)s” created.") % {"name": token.name})
            return render(
                request, "accounts/profile.html", _profile_context(request, new_token=secret)
            )
    return render(request, "accounts/profile.html", _profile_context(request, token_form=form))


@login_required
@require_POST
def token_revoke(request, uuid):
    token = get_object_or_404(ApiToken, uuid=uuid, user=request.user)
    services.api_token_revoke(actor=request.user, token=token)
    messages.success(request, _("Token “%(name)s” revoked.") % {"name": token.name})
    return redirect("accounts:profile")


@login_required
def personal_data(request):
    """Everything the portal holds about the signed-in person, as a JSON download."""
    data = services.personal_data_export(actor=request.user, user=request.user)
    response = HttpResponse(
        json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = 'attachment; filename="nmiq-portal-my-data.json"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
def account_delete(request):
    form = AccountDeleteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.account_delete(
                actor=request.user,
                user=request.user,
                confirmation=form.cleaned_data["confirmation"],
            )
        except ValidationError as error:
            form.add_error("confirmation", error.message_dict["confirmation"])
        else:
            logout(request)
            messages.success(request, _("Your account is deleted."))
            return redirect("home")
    status = 400 if form.errors else 200
    return render(request, "accounts/delete.html", {"form": form}, status=status)


@require_POST
def switch_language(request):
    """Django's set_language; a signed-in person's e-mails follow the language they choose."""
    response = set_language(request)
    language = request.POST.get("language")
    if request.user.is_authenticated and language in dict(settings.LANGUAGES):
        services.profile_update(actor=request.user, user=request.user, language=language)
    return response
