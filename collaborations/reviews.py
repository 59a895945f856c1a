"""The review of proposals, as coordinators know it from conference tools: every coordinator of
the working area records a score and a comment for the round; the others' reviews are shown to
them once they wrote their own (staff always see them); a new review is notified to the other
coordinators and the proposing institute without its content. Its write and its read, beside
services.py and selectors.py, which are long enough without it."""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from nmiq_portal.core.locking import lock
from nmiq_portal.core.permissions import require

from . import notifications
from .enums import ProjectStatus
from .models import Project, ProjectReview

#: Only a proposal in review is reviewed; a decision closes the round.
REVIEWED_STATUS = ProjectStatus.IN_REVIEW


@transaction.atomic
def review_record(*, actor, project: Project, score: int, comment: str) -> ProjectReview:
    """A coordinator of the proposal's working area (or staff), without a conflict of
    interest, records or revises their review of this round."""
    require(actor, "collaborations.review_project", project)
    locked = lock(project, related=("twa",))
    if locked.status != REVIEWED_STATUS:
        raise ValidationError(_("A proposal is reviewed while it is in review."))
    top = locked.twa.review_scale_max
    errors = {}
    if not 1 <= score <= top:
        errors["score"] = _("Choose a score from 1 to %(top)d.") % {"top": top}
    comment = comment.strip()
    if not comment:
        errors["comment"] = _("Say what the score rests on.")
    if errors:
        raise ValidationError(errors)
    review, created = ProjectReview.objects.update_or_create(
        project=locked,
        reviewer=actor,
        round_submitted_at=locked.submitted_at,
        defaults={"score": score, "comment": comment},
    )
    review.full_clean()
    if created:  # a revision of one's own review moves the round on for nobody
        count = ProjectReview.objects.filter(
            project=locked, round_submitted_at=locked.submitted_at
        ).count()
        notifications.project_reviewed(review=review, actor=actor, count=count)
    return review


@dataclass
class Reviews:
    """What the review section of a proposal's page shows to one person."""

    scale: range
    required: int
    count: int  # reviews recorded this round, whether shown or not
    own: ProjectReview | None = None
    others: list[ProjectReview] = field(default_factory=list)
    may_review: bool = False

    @property
    def others_hidden(self) -> bool:
        """Others reviewed, and this person sees them only once they wrote their own."""
        return self.count > len(self.others) + (self.own is not None)


def reviews_for(*, user, project: Project) -> Reviews | None:
    """The reviews of the current round ``user`` may read, or None for those who take no part
    in the review (anyone but the working area's coordinators and staff)."""
    may_review = user.has_perm("collaborations.review_project", project)
    if not (may_review or user.is_staff or _coordinates(user, project)):
        return None
    if project.submitted_at is None:
        return None
    twa = project.twa
    round_reviews = list(
        ProjectReview.objects.filter(project=project, round_submitted_at=project.submitted_at)
        .select_related("reviewer")
        .order_by("created_at", "pk")
    )
    own = next((r for r in round_reviews if r.reviewer_id == user.pk), None)
    shown = user.is_staff or own is not None
    return Reviews(
        scale=range(1, twa.review_scale_max + 1),
        required=twa.reviews_required,
        count=len(round_reviews),
        own=own,
        others=[r for r in round_reviews if r is not own] if shown else [],
        may_review=may_review and project.status == REVIEWED_STATUS,
    )


def _coordinates(user, project) -> bool:
    return user.is_authenticated and any(
        coordinator.pk == user.pk for coordinator in project.twa.coordinators.all()
    )
