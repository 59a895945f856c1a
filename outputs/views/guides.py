"""Pages of good-practice guides: the list, a guide and each of its versions, their PDFs, and
the forms of authors and reviewers."""

import logging
from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from nmiq_portal.core.forms import message_service_errors, save_page, saved_redirect
from nmiq_portal.core.permissions import require
from nmiq_portal.workflow import available_actions

from ..enums import GuideVersionStatus
from ..filters.guides import GuideFilterSet
from ..forms.guides import GuideForm, GuideTransitionForm, GuideVersionForm
from ..models import GuideVersion
from ..selectors import guides as selectors
from ..services import guides as services
from . import evidence

PAGE_SIZE = 30

logger = logging.getLogger(__name__)


def _query(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def guide_list(request):
    filterset = GuideFilterSet(
        request.GET, queryset=selectors.guide_list(user=request.user), request=request
    )
    institute = filterset.form.fields["institute"]
    institute.queryset = selectors.guide_institutes(user=request.user)
    institute.label_from_instance = lambda i: i.acronym
    filterset.form.fields["twa"].queryset = filterset.form.fields["twa"].queryset.filter(
        active=True
    )
    filterset.form.fields["area"].label_from_instance = lambda area: area.path.replace("/", " / ")
    guides = filterset.qs if filterset.is_valid() else filterset.queryset.none()
    page = Paginator(guides, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "outputs/guides/guide_list.html",
        {
            "filter": filterset,
            "page": page,
            "query": _query(request),
            "can_add": request.user.has_perm("outputs.add_guide"),
            "reviews": selectors.guide_review_queue(user=request.user),
        },
    )


def _visible_guide(request, slug):
    return get_object_or_404(selectors.guide_for_page(user=request.user), slug=slug)


def _render_guide(request, guide, versions, shown):
    user = request.user
    for version in versions:
        version.can_download = user.has_perm("outputs.download_guide_version", version)
    actions = available_actions(shown, user) if shown else []
    # Who moved the version and why: for its institutes, its reviewers and staff.
    audit = shown is not None and (
        user.has_perm("outputs.change_guide", guide)
        or user.has_perm("outputs.review_guide_version", shown)
    )
    return render(
        request,
        "outputs/guides/guide_detail.html",
        {
            "guide": guide,
            "versions": versions,
            "shown": shown,
            "latest": selectors.latest_published(versions),
            "institutes": list(guide.institutes.order_by("acronym")),
            "areas": list(guide.technology_areas.order_by("path")),
            "actions": actions,
            "timeline": selectors.version_timeline(versions=[shown]) if audit else [],
            "can_edit": user.has_perm("outputs.change_guide", guide),
            "can_add_version": user.has_perm(
                "outputs.add_guide_version", GuideVersion(guide=guide)
            ),
            "can_edit_version": shown is not None
            and user.has_perm("outputs.change_guide_version", shown),
            "cite_form": evidence.cite_form(request, shown) if shown else None,
        },
    )


def guide_detail(request, slug):
    """A guide as its latest published version shows it (or the newest version the user may
    see, when none is published), with the history of the versions."""
    guide = _visible_guide(request, slug)
    versions = selectors.guide_versions(user=request.user, guide=guide)
    shown = selectors.latest_published(versions) or (versions[0] if versions else None)
    return _render_guide(request, guide, versions, shown)


def _visible_version(request, slug, number):
    guide = _visible_guide(request, slug)
    versions = selectors.guide_versions(user=request.user, guide=guide)
    for version in versions:
        if version.number == number:
            return guide, versions, version
    raise Http404


def guide_version(request, slug, number):
    """One version of a guide, at a URL that stays its own."""
    guide, versions, shown = _visible_version(request, slug, number)
    return _render_guide(request, guide, versions, shown)


@login_required
@require_POST
def guide_version_cite(request, slug, number):
    _guide, _versions, version = _visible_version(request, slug, number)
    return evidence.cite(request, version)


def guide_latest(request, slug):
    """The latest published version (a redirect, so its address is the version's own)."""
    guide = _visible_guide(request, slug)
    latest = selectors.latest_published(selectors.guide_versions(user=request.user, guide=guide))
    if latest is None:
        raise Http404
    return redirect(latest.get_absolute_url())


def _send(request, version):
    if not request.user.has_perm("outputs.download_guide_version", version):
        raise Http404
    try:
        stream = version.file.open("rb")
    except OSError:  # the store lost it (a restore without media, say): a 404, logged, not a 500
        logger.error("The PDF of guide version %s is missing from the file store.", version.pk)
        raise Http404 from None
    response = FileResponse(
        stream,
        as_attachment=True,
        filename=version.original_name or f"{version.guide.slug}-{version.number}.pdf",
        content_type="application/pdf",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    if version.status not in (GuideVersionStatus.PUBLISHED, GuideVersionStatus.SUPERSEDED):
        response["Cache-Control"] = "private, no-store"
    return response


def guide_version_file(request, slug, number):
    """A version's PDF, for those who may see it: a draft's for its authors and reviewers only
    (anyone else gets a 404, as if it did not exist)."""
    _guide, _versions, version = _visible_version(request, slug, number)
    return _send(request, version)


def guide_latest_file(request, slug):
    guide = _visible_guide(request, slug)
    latest = selectors.latest_published(selectors.guide_versions(user=request.user, guide=guide))
    if latest is None:
        raise Http404
    return _send(request, latest)


def _render_guide_form(request, form, *, current=None, conflict=None, status=200):
    return render(
        request,
        "outputs/guides/guide_form.html",
        {"form": form, "guide": current, "conflict": conflict},
        status=status,
    )


@login_required
def guide_create(request):
    require(request.user, "outputs.add_guide")
    return save_page(
        request,
        GuideForm(request.POST or None, user=request.user),
        save=lambda form: services.guide_create(actor=request.user, **form.guide_data()),
        saved=lambda guide: saved_redirect(
            request,
            _("The guide is saved: upload its first version to have it reviewed."),
            guide.get_absolute_url(),
        ),
        page=partial(_render_guide_form, request),
    )


@login_required
def guide_edit(request, slug):
    guide = _visible_guide(request, slug)
    require(request.user, "outputs.change_guide", guide)
    return save_page(
        request,
        GuideForm(request.POST or None, instance=guide, user=request.user),
        save=lambda form: services.guide_update(
            actor=request.user,
            guide=guide,
            version=form.cleaned_data["version"],
            **form.guide_data(),
        ),
        saved=lambda guide: saved_redirect(
            request, _("The guide is saved."), guide.get_absolute_url()
        ),
        page=partial(_render_guide_form, request, current=guide),
        user=request.user,
    )


def _render_version_form(request, form, *, guide, current=None, conflict=None, status=200):
    return render(
        request,
        "outputs/guides/version_form.html",
        {"form": form, "guide": guide, "version": current, "conflict": conflict},
        status=status,
    )


@login_required
def guide_version_create(request, slug):
    """An author uploads a version; it is a draft until submitted."""
    guide = _visible_guide(request, slug)
    require(request.user, "outputs.add_guide_version", GuideVersion(guide=guide))

    def save(form):
        data = form.cleaned_data
        return services.guide_version_create(
            actor=request.user,
            guide=guide,
            file=data["file"],
            authors=data["authors"],
            number=data["number"],
            change_notes=data["change_notes"],
        )

    def saved(version):
        messages.success(
            request,
            _("Version %(number)s is saved as a draft: only its authors see it.")
            % {"number": version.number},
        )
        if "submit" in request.POST:
            _move(request, version, "submit", "")
        return redirect(version.get_absolute_url())

    return save_page(
        request,
        GuideVersionForm(request.POST or None, request.FILES or None, guide=guide),
        save=save,
        saved=saved,
        page=partial(_render_version_form, request, guide=guide),
    )


@login_required
def guide_version_edit(request, slug, number):
    guide, _versions, version = _visible_version(request, slug, number)
    require(request.user, "outputs.change_guide_version", version)

    def save(form):
        data = form.cleaned_data
        return services.guide_version_update(
            actor=request.user,
            guide_version=version,
            version=data["version"],
            file=data["file"] or None,
            # An author editing stays one; staff fixing a draft do not become authors.
            authors={*data["authors"], *[a for a in version.authors.all() if a == request.user]},
            number=data["number"],
            change_notes=data["change_notes"],
        )

    return save_page(
        request,
        GuideVersionForm(
            request.POST or None, request.FILES or None, instance=version, guide=guide
        ),
        save=save,
        saved=lambda version: saved_redirect(
            request,
            _("Version %(number)s is saved.") % {"number": version.number},
            version.get_absolute_url(),
        ),
        page=partial(_render_version_form, request, guide=guide, current=version),
        guide=guide,
    )


def _move(request, version, action, comment):
    try:
        version = services.guide_version_transition(
            actor=request.user, guide_version=version, action=action, comment=comment
        )
    except ValidationError as error:
        message_service_errors(request, error)
    else:
        messages.success(
            request,
            _("Version %(number)s is now “%(status)s”.")
            % {"number": version.number, "status": GuideVersionStatus(version.status).label},
        )
    return version


@login_required
@require_POST
def guide_version_transition(request, slug, number):
    _guide, _versions, version = _visible_version(request, slug, number)
    form = GuideTransitionForm(request.POST)
    if not form.is_valid():
        raise PermissionDenied
    version = _move(request, version, form.cleaned_data["action"], form.cleaned_data["comment"])
    if request.user.has_perm("outputs.view_guide_version", version):
        return redirect(version.get_absolute_url())
    # Sent back to its authors, a draft is theirs again: the reviewer goes back to the list.
    return redirect("outputs:guide_list")
