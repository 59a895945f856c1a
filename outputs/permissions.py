"""Who may do what with the outputs (django-rules)."""

import rules
from django.contrib.auth import get_user_model

from capabilities.permissions import institute_roles

# --- guides ---
from .enums import (
    DOWNLOADABLE_GUIDE_VERSION_STATUSES,
    PUBLIC_GUIDE_VERSION_STATUSES,
    GuideVersionStatus,
)

# Objects given to the guide predicates are guides or guide versions (a version answers for its
# guide where a rule is about the guide). Conflict of interest, as for project proposals: a
# coordinator (or staff member) whose institute wrote the guide never decides on it.


def _guide(obj):
    if obj is None:
        return None
    return getattr(obj, "guide", obj)


def _guide_institute_ids(guide) -> set[int]:
    if guide is None or guide.pk is None:
        return set()
    cached = getattr(guide, "_institute_ids", None)
    if cached is None:
        cached = set(guide.institutes.values_list("pk", flat=True))
        guide._institute_ids = cached
    return cached


def _twa_coordinator_ids(guide) -> set[int]:
    cached = getattr(guide, "_coordinator_ids", None)
    if cached is None:
        cached = set(guide.twa.coordinators.values_list("pk", flat=True))
        guide._coordinator_ids = cached
    return cached


@rules.predicate
def can_write_guides(user, guide) -> bool:
    """A member (editor or admin) of an institute; of an authoring one for an existing guide."""
    roles = institute_roles(user)
    if guide is None:
        return bool(roles)
    return not _guide_institute_ids(_guide(guide)).isdisjoint(roles)


@rules.predicate
def is_guide_author(user, version) -> bool:
    if version is None or version.pk is None or not user.is_authenticated:
        return False
    # Reads the authors prefetched with the version, when they were.
    return any(author.pk == user.pk for author in version.authors.all())


@rules.predicate
def coordinates_guide(user, obj) -> bool:
    guide = _guide(obj)
    return guide is not None and user.is_authenticated and user.pk in _twa_coordinator_ids(guide)


@rules.predicate
def wrote_guide(user, obj) -> bool:
    """An institute of ``user`` is one of the guide's authoring institutes."""
    guide = _guide(obj)
    roles = institute_roles(user)
    return guide is not None and bool(roles) and not _guide_institute_ids(guide).isdisjoint(roles)


@rules.predicate
def is_public_version(user, version) -> bool:
    return version is not None and version.status in PUBLIC_GUIDE_VERSION_STATUSES


@rules.predicate
def is_downloadable_version(user, version) -> bool:
    return version is not None and version.status in DOWNLOADABLE_GUIDE_VERSION_STATUSES


@rules.predicate
def is_in_review(user, version) -> bool:
    return version is not None and version.status == GuideVersionStatus.IN_REVIEW


@rules.predicate
def is_draft_version(user, version) -> bool:
    return version is not None and version.status == GuideVersionStatus.DRAFT


is_staff = rules.is_staff

#: Coordinators of the guide's area (or staff) whose institutes did not write it.
can_review_guide = (coordinates_guide | is_staff) & ~wrote_guide
#: Authors, staff, and the reviewers while the version is in review: nobody else sees a draft.
can_see_unpublished = is_guide_author | is_staff | (is_in_review & can_review_guide)

rules.add_perm("outputs.add_guide", can_write_guides | is_staff)
rules.add_perm("outputs.change_guide", can_write_guides | is_staff)
rules.add_perm("outputs.view_guide_version", is_public_version | can_see_unpublished)
rules.add_perm("outputs.download_guide_version", is_downloadable_version | can_see_unpublished)
rules.add_perm("outputs.add_guide_version", can_write_guides | is_staff)
rules.add_perm(
    "outputs.change_guide_version",
    is_draft_version & ((is_guide_author & can_write_guides) | is_staff),
)
# One per transition of the guide version table (outputs/workflows.py).
rules.add_perm("outputs.submit_guide_version", (is_guide_author & can_write_guides) | is_staff)
rules.add_perm("outputs.review_guide_version", can_review_guide)
rules.add_perm("outputs.withdraw_guide_version", can_review_guide | can_write_guides)
# Nobody supersedes by hand: the portal does it when a later version is published.
rules.add_perm("outputs.supersede_guide_version", rules.always_deny)


def guide_reviewers(guide) -> list:
    """Who may decide on ``guide``'s versions: its area's coordinators whose institutes did not
    write it, or, when there is none, the staff without a conflict."""
    people = get_user_model().objects.filter(is_active=True).order_by("name", "email")
    unconflicted = people.exclude(memberships__institute_id__in=_guide_institute_ids(guide))
    return list(unconflicted.filter(coordinated_twas=guide.twa_id)) or list(
        unconflicted.filter(is_staff=True)
    )
