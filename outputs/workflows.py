"""The state tables of the outputs; the workflow engine runs them."""

from django.utils.translation import gettext_lazy as _

from nmiq_portal.workflow.registry import NEW, Transition, Workflow, register

from . import notifications

# --- guides ---
from .enums import GuideVersionStatus as GV
from .models import GuideVersion


class _Portal:
    """The portal itself, as the actor of the one move nobody makes by hand: superseding the
    published version when a later one is published. Its events have no actor."""

    is_active = True
    is_authenticated = False
    pk = None

    def has_perm(self, perm, obj=None) -> bool:
        return perm == "outputs.supersede_guide_version"

    def __str__(self):
        return "NMI-Q Portal"


PORTAL = _Portal()


def newer_than_published(version, actor):
    """A version is published only above the guide's published one (publishing supersedes it)."""
    current = (
        GuideVersion.objects.filter(guide_id=version.guide_id, status=GV.PUBLISHED)
        .exclude(pk=version.pk)
        .order_by("-major", "-minor", "-patch")
        .first()
    )
    if current is not None and current.key >= version.key:
        return _("Version %(current)s is published; only a later version supersedes it.") % {
            "current": current.number
        }
    return None


GUIDE_VERSION = register(
    Workflow(
        name="outputs.guide_version",
        model=GuideVersion,
        notify=notifications.guide_version_moved,
        transitions=[
            Transition("create", (NEW,), GV.DRAFT, "outputs.add_guide_version", _("Save as draft")),
            Transition(
                "submit",
                (GV.DRAFT,),
                GV.IN_REVIEW,
                "outputs.submit_guide_version",
                _("Submit for review"),
                stamp="submitted_at",
            ),
            Transition(
                "send_back",
                (GV.IN_REVIEW,),
                GV.DRAFT,
                "outputs.review_guide_version",
                _("Send back to the authors"),
                comment_required=True,
            ),
            Transition(
                "publish",
                (GV.IN_REVIEW,),
                GV.PUBLISHED,
                "outputs.review_guide_version",
                _("Publish"),
                guards=(newer_than_published,),
                stamp="published_at",
            ),
            # Run by the portal (PORTAL) when the publish service publishes a later version;
            # nobody has the permission, so it is never a button.
            Transition(
                "supersede",
                (GV.PUBLISHED,),
                GV.SUPERSEDED,
                "outputs.supersede_guide_version",
                _("Superseded by a later version"),
            ),
            Transition(
                "withdraw",
                (GV.PUBLISHED,),
                GV.WITHDRAWN,
                "outputs.withdraw_guide_version",
                _("Withdraw"),
                comment_required=True,
            ),
        ],
    )
)
