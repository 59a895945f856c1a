"""Working areas and projects in the change feed and the snapshot, as the anonymous API shows
them.

A working area is public while active; it shows its coordinators' names and how many public
projects it has, so a change of either records it too (a coordinator signing in, which saves only
``last_login``, does not).

Only public projects (approved, active, completed) are ever written to the feed; a project that
leaves them (it cannot today, but staff may change data) goes out as a delete. Its representation
shows its working area, its lead and accepted institutes, and its deliverables, so a change of any
of these records the project too; the timeline grows with the moves, which save the project.
"""

from nmiq_portal.changes import register

from .api.serializers import ProjectDetailSerializer, TWASerializer
from .api.views import project_queryset, twa_queryset
from .models import Project, TechnicalWorkingArea

register(
    "twa",
    TechnicalWorkingArea,
    queryset=twa_queryset,
    serializer_class=TWASerializer,
    public=TechnicalWorkingArea.objects.public,
    depends=("coordinators", "projects"),
    watch={"coordinators": ("name",)},
)

register(
    "project",
    Project,
    queryset=project_queryset,
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
