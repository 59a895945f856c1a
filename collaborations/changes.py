"""Working areas and projects in the change feed and the snapshot, as the anonymous API shows
them.

A working area is public while active; it shows its coordinators' names and how many public
projects it has, so a change of either records it too: a coordinator renamed (signing in, which
saves only ``last_login``, does not), a project entering or leaving the public states, or a
public project moved to another area (both areas). A draft's edits record nothing, so the feed
does not tell when someone works on a proposal.

Only public projects (approved, active, completed) are ever written to the feed; a project that
leaves them (it cannot today, but staff may change data) goes out as a delete. Its representation
shows its working area, its lead and accepted institutes, and its deliverables, so a change of any
of these records the project too; the timeline grows with the moves, which save the project.

Industry needs are in the feed as the anonymous API shows them: public ones, in every state; a
members-only need never is (and goes out as a delete if it becomes members-only). A need shows
its area, its institute and how many answers it has, so those record it too.
"""

from django.db.models.signals import post_delete, post_save, pre_save

from nmiq_portal.changes import register, touch
from nmiq_portal.core import slugs

from . import selectors
from .api.serializers import IndustryNeedSerializer, ProjectDetailSerializer, TWASerializer
from .enums import PUBLIC_PROJECT_STATUSES
from .models import IndustryNeed, Project, TechnicalWorkingArea

register(
    "twa",
    TechnicalWorkingArea,
    queryset=selectors.twas_for_api,
    serializer_class=TWASerializer,
    public=TechnicalWorkingArea.objects.public,
    depends=("coordinators",),
    watch={"coordinators": ("name",)},
)


def _counted_in(project) -> int | None:
    """The working area whose count of public projects includes ``project``, if any."""
    return project.twa_id if project.status in PUBLIC_PROJECT_STATUSES else None


def _remember_count(sender, instance, raw=False, **kwargs):
    if raw or instance.pk is None:
        return
    before = Project._base_manager.filter(pk=instance.pk).values("twa_id", "status").first()
    instance.__dict__["_changes_counted_in"] = (
        before["twa_id"] if before and before["status"] in PUBLIC_PROJECT_STATUSES else None
    )


def _record_counts(sender, instance, raw=False, **kwargs):
    if raw:
        return
    before, after = instance.__dict__.pop("_changes_counted_in", None), _counted_in(instance)
    if before != after:
        touch(TechnicalWorkingArea, {pk for pk in (before, after) if pk is not None})


def _record_count_on_delete(sender, instance, **kwargs):
    if (area := _counted_in(instance)) is not None:
        touch(TechnicalWorkingArea, [area])


pre_save.connect(_remember_count, sender=Project, dispatch_uid="changes:twa:count:pre")
post_save.connect(_record_counts, sender=Project, dispatch_uid="changes:twa:count")
post_delete.connect(_record_count_on_delete, sender=Project, dispatch_uid="changes:twa:del")

register(
    "project",
    Project,
    queryset=selectors.projects_for_api,
    serializer_class=ProjectDetailSerializer,
    public=Project.objects.public,
    depends=(
        "twa",
        "lead_institute",
        "participations",
        "participations__institute",
        "deliverables",
    ),
)

register(
    "need",
    IndustryNeed,
    queryset=selectors.needs_for_api,
    serializer_class=IndustryNeedSerializer,
    public=IndustryNeed.objects.shown_publicly,
    depends=("technology_area", "institute", "answers"),
)

# Named provisionally until public, reserving the paths beside them.
slugs.register(
    Project, text=lambda project: project.acronym, fallback="project", reserved={"propose"}
)
slugs.register(
    IndustryNeed,
    text=lambda need: need.title,
    fallback="need",
    reserved={"new", "subscriptions", "areas"},
)
