"""Reads of good-practice guides: lists, a guide's versions, the review queue, the feeds."""

from django.contrib.auth.models import AnonymousUser
from django.contrib.postgres.aggregates import StringAgg
from django.db.models import F, Max, OuterRef, Prefetch, Q, Subquery, TextField
from django.utils.translation import gettext as _

from capabilities import search
from capabilities.models import Institute
from capabilities.permissions import institute_roles
from nmiq_portal.core.search import SearchResult
from nmiq_portal.workflow import events_for

from ..enums import DOWNLOADABLE_GUIDE_VERSION_STATUSES, GuideVersionStatus
from ..models import Guide, GuideVersion


def _versions(user):
    return (
        GuideVersion.objects.visible_to(user)
        .prefetch_related("authors")
        .order_by("-major", "-minor", "-patch")
    )


def guide_list(*, user):
    """Guides ``user`` may see with their areas, institutes and the versions ``user`` may see
    (newest first), most recently published first."""
    return (
        Guide.objects.visible_to(user)
        .select_related("twa", "project")
        .prefetch_related(
            "institutes",
            "technology_areas",
            Prefetch("versions", queryset=_versions(user), to_attr="visible_versions"),
        )
        .annotate(
            last_published=Max(
                "versions__published_at",
                filter=Q(versions__status=GuideVersionStatus.PUBLISHED),
            )
        )
        .order_by(F("last_published").desc(nulls_last=True), "title", "pk")
    )


def guide_institutes(*, user):
    """Institutes that wrote a guide ``user`` may see (the list page's filter)."""
    return (
        Institute.objects.filter(guides__in=Guide.objects.visible_to(user).values("pk"))
        .distinct()
        .order_by("acronym")
    )


def guide_for_page(*, user):
    return Guide.objects.visible_to(user).select_related("twa", "project", "created_by")


def guide_versions(*, user, guide: Guide) -> list[GuideVersion]:
    """The versions of ``guide`` that ``user`` may see, newest first."""
    versions = list(_versions(user).filter(guide=guide))
    for version in versions:
        version.guide = guide
    return versions


def latest_published(versions: list[GuideVersion]) -> GuideVersion | None:
    """The published version among ``versions`` (one at most is), if any."""
    return next((v for v in versions if v.status == GuideVersionStatus.PUBLISHED), None)


def version_timeline(*, versions: list[GuideVersion]):
    """Every move of ``versions``, oldest first."""
    return list(events_for(*versions)) if versions else []


def guide_review_queue(*, user) -> list[GuideVersion]:
    """Versions in review that ``user`` may decide on: in areas they coordinate (staff: all),
    not written by their institutes, the oldest submission first."""
    if not user.is_authenticated:
        return []
    versions = GuideVersion.objects.filter(status=GuideVersionStatus.IN_REVIEW)
    if not user.is_staff:
        versions = versions.filter(guide__twa__coordinators=user)
    mine = list(institute_roles(user))
    if mine:
        versions = versions.exclude(guide__institutes__in=mine)
    return list(
        versions.select_related("guide", "guide__twa").distinct().order_by("submitted_at", "pk")
    )


def guides_for_api(*, user=None):
    """The guides the API and the change feed show ``user`` (anonymous: the public ones)."""
    return guide_list(user=user or AnonymousUser()).order_by("-updated_at", "pk")


def published_versions_for_feed(*, limit: int = 50):
    """The versions published most recently (the Atom feed): public ones only, withdrawn aside."""
    return list(
        GuideVersion.objects.public()
        .filter(status__in=DOWNLOADABLE_GUIDE_VERSION_STATUSES)
        .select_related("guide")
        .prefetch_related("authors", "guide__institutes")
        .order_by("-published_at", "-pk")[:limit]
    )


#: The change notes of a guide's public versions, searched with its title and summary.
_PUBLIC_NOTES = Subquery(
    GuideVersion.objects.public()
    .filter(guide=OuterRef("pk"))
    .values("guide")
    .annotate(notes=StringAgg("change_notes", " "))
    .values("notes"),
    output_field=TextField(),
)


def guides_found(text: str, user):
    """Guides anyone may read (a version published, superseded or withdrawn), as the directory's
    search finds them: what it finds of a guide is never a draft's."""
    vector = search.columns_vector({"A": ["title"], "B": ["summary"], "C": [_PUBLIC_NOTES]})
    return search.matching(Guide.objects.public(), text, vector)


def guide_results(matches, text: str) -> dict[int, SearchResult]:
    """One page of ``guides_found`` as the search lists it: who wrote it, its latest version."""
    versions = GuideVersion.objects.public().order_by("-major", "-minor", "-patch")
    guides = search.highlighted(matches, "summary", text).prefetch_related(
        "institutes", Prefetch("versions", queryset=versions, to_attr="public_versions")
    )
    results = {}
    for guide in guides:
        latest = guide.public_versions[0]
        acronyms = ", ".join(sorted(institute.acronym for institute in guide.institutes.all()))
        results[guide.pk] = SearchResult(
            title=guide.title,
            url=guide.get_absolute_url(),
            snippet=search.snippet(getattr(guide, "headline", None), guide.summary),
            details=_("%(institutes)s, version %(number)s")
            % {"institutes": acronyms, "number": latest.number},
            state=""
            if latest.status == GuideVersionStatus.PUBLISHED
            else latest.get_status_display(),
        )
    return results
