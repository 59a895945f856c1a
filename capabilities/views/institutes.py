"""Pages of institutes and their people: lists, registration, members, invitations."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.forms import CheckboxSelectMultiple
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from nmiq_portal.core import sections
from nmiq_portal.core.forms import add_service_errors, message_service_errors

from .. import jsonld, selectors, services
from ..enums import MemberRole
from ..filters import InstituteFilterSet
from ..forms import InstituteForm, InvitationForm, RoleForm
from ..models import Institute, Invitation, Membership

PAGE_SIZE = 30


def visible_institute(request, slug) -> Institute:
    return get_object_or_404(Institute.objects.visible_to(request.user), slug=slug)


def institute_list(request):
    filterset = InstituteFilterSet(
        request.GET, queryset=selectors.institute_list(user=request.user)
    )
    # The page offers the economies that have an institute; the API accepts any ISO code.
    economy = filterset.form.fields["economy"]
    economy.choices = selectors.economy_choices(user=request.user)
    economy.widget = CheckboxSelectMultiple(choices=economy.choices)
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"filter": filterset, "page": page, "query": query.urlencode()}
    template = (
        "capabilities/_institute_results.html"
        if request.htmx
        else "capabilities/institute_list.html"
    )
    return render(request, template, context)


@login_required
def institute_register(request):
    """A signed-in person registers their institute; staff verify it before it goes public."""
    form = InstituteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            institute = services.institute_register(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _(
                    "%(institute)s is registered and you are its administrator. Portal staff "
                    "will verify it; until then only its members see it."
                )
                % {"institute": institute.acronym},
            )
            return redirect(institute.get_absolute_url())
    return render(request, "capabilities/institute_register.html", {"form": form})


def institute_detail(request, slug):
    institute = visible_institute(request, slug)
    records = selectors.institute_records(user=request.user, institute=institute)
    may_see_history = request.user.has_perm("capabilities.view_institute_history", institute)
    return render(
        request,
        "capabilities/institute_detail.html",
        {
            "institute": institute,
            **records,
            "history": selectors.record_history(institute) if may_see_history else None,
            "json_ld": jsonld.organisation_ld(request, institute, records["contacts"]),
            "sections": sections.render_context("institute", request, institute=institute),
        },
    )


@login_required
def institute_members(request, slug):
    institute = visible_institute(request, slug)
    if not request.user.has_perm("capabilities.view_members", institute):
        raise PermissionDenied
    can_manage = request.user.has_perm("capabilities.manage_members", institute)
    form = InvitationForm()
    if request.method == "POST":
        form = InvitationForm(request.POST)
        if form.is_valid():
            try:
                invitation = services.invitation_create(
                    actor=request.user, institute=institute, **form.cleaned_data
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request, _("Invitation sent to %(email)s.") % {"email": invitation.email}
                )
                return redirect("capabilities:institute_members", slug=institute.slug)
    return render(
        request,
        "capabilities/institute_members.html",
        {
            "institute": institute,
            "members": selectors.institute_members(institute=institute),
            "invitations": selectors.institute_pending_invitations(institute=institute)
            if can_manage
            else [],
            "form": form,
            "can_manage": can_manage,
            "role_choices": MemberRole.choices,
        },
    )


@login_required
@require_POST
def membership_role(request, slug, pk):
    membership = get_object_or_404(
        Membership.objects.select_related("institute", "user"), pk=pk, institute__slug=slug
    )
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a valid role."))
    else:
        try:
            services.membership_change_role(
                actor=request.user, membership=membership, role=form.cleaned_data["role"]
            )
        except ValidationError as error:
            message_service_errors(request, error)
        else:
            messages.success(
                request,
                _("%(member)s is now %(role)s.")
                % {"member": membership.user, "role": membership.get_role_display().lower()},
            )
    return redirect("capabilities:institute_members", slug=slug)


@login_required
@require_POST
def membership_end(request, slug, pk):
    membership = get_object_or_404(
        Membership.objects.select_related("institute", "user"), pk=pk, institute__slug=slug
    )
    leaving = membership.user_id == request.user.pk
    try:
        services.membership_end(actor=request.user, membership=membership)
    except ValidationError as error:
        message_service_errors(request, error)
        return redirect("capabilities:institute_members", slug=slug)
    if leaving:
        messages.success(
            request, _("You left %(institute)s.") % {"institute": membership.institute.acronym}
        )
        return redirect("accounts:profile")
    messages.success(request, _("%(member)s was removed.") % {"member": membership.user})
    return redirect("capabilities:institute_members", slug=slug)


@login_required
@require_POST
def invitation_revoke(request, slug, uuid):
    invitation = get_object_or_404(
        Invitation.objects.select_related("institute"), uuid=uuid, institute__slug=slug
    )
    try:
        services.invitation_revoke(actor=request.user, invitation=invitation)
    except ValidationError as error:
        message_service_errors(request, error)
    else:
        messages.success(
            request, _("The invitation to %(email)s was withdrawn.") % {"email": invitation.email}
        )
    return redirect("capabilities:institute_members", slug=slug)


@login_required
def invitation(request, uuid):
    """The invited person's page: accept or decline."""
    invitation = get_object_or_404(
        Invitation.objects.select_related("institute", "invited_by"), uuid=uuid
    )
    may_answer = request.user.has_perm("capabilities.answer_invitation", invitation)
    if request.method == "POST":
        if not may_answer:
            raise PermissionDenied
        try:
            if request.POST.get("answer") == "accept":
                services.invitation_accept(actor=request.user, invitation=invitation)
                messages.success(
                    request,
                    _("Welcome to %(institute)s.") % {"institute": invitation.institute.acronym},
                )
                return redirect(invitation.institute.get_absolute_url())
            if request.POST.get("answer") == "decline":
                services.invitation_decline(actor=request.user, invitation=invitation)
                messages.info(request, _("You declined the invitation."))
                return redirect("home")
            messages.error(request, _("Choose to accept or to decline."))
        except ValidationError as error:
            message_service_errors(request, error)
    return render(
        request,
        "capabilities/invitation.html",
        {"invitation": invitation, "may_answer": may_answer},
    )
