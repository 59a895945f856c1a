"""Writes of good-practice guides and their versions; every status moves through the engine."""

import os
import re
import unicodedata

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from collaborations.enums import PUBLIC_PROJECT_STATUSES
from nmiq_portal import workflow
from nmiq_portal.changes import touch
from nmiq_portal.core import slugs
from nmiq_portal.core.locking import lock, lock_version
from nmiq_portal.core.permissions import require

from ..enums import GuideVersionStatus
from ..models import Guide, GuideVersion
from ..workflows import PORTAL

#: What an author sets on a guide (its institutes, areas and authors come separately).
GUIDE_FIELDS = ("title", "summary", "twa", "project")
VERSION_FIELDS = ("number", "change_notes")
#: Actions people run themselves; "supersede" is run by publishing a later version.
PEOPLE_ACTIONS = ("submit", "send_back", "publish", "withdraw")


def _check_fields(changes: dict, allowed) -> None:
    unknown = set(changes) - set(allowed)
    if unknown:
        raise TypeError(f"Not a field of a guide: {', '.join(sorted(unknown))}")


def _check_origin(*, twa, project) -> None:
    if not twa.active:
        raise ValidationError({"twa": _("This working area is no longer active.")})
    if project is not None:
        if project.twa_id != twa.pk:
            raise ValidationError(
                {"project": _("The project belongs to another technical working area.")}
            )
        if project.status not in PUBLIC_PROJECT_STATUSES:
            raise ValidationError(
                {"project": _("A guide comes from an approved, active or completed project.")}
            )


def _check_institutes(actor, institutes) -> None:
    if not institutes:
        raise ValidationError({"institutes": _("Name at least one authoring institute.")})
    if actor.is_staff:
        return
    mine = set(actor.memberships.values_list("institute_id", flat=True))
    if mine.isdisjoint(institute.pk for institute in institutes):
        raise ValidationError(
            {"institutes": _("One of the authoring institutes must be one of yours.")}
        )


@transaction.atomic
def guide_create(*, actor, institutes, technology_areas=(), **fields) -> Guide:
    """An institute member starts a guide (it is seen only by its institutes until a version is
    published)."""
    _check_fields(fields, GUIDE_FIELDS)
    require(actor, "outputs.add_guide")
    fields.setdefault("project", None)
    _check_origin(twa=fields["twa"], project=fields["project"])
    institutes = list(institutes)
    _check_institutes(actor, institutes)
    guide = Guide(created_by=actor, **fields)
    guide.slug = slugs.name(guide)
    guide.full_clean()
    guide.save()
    guide.institutes.set(institutes)
    guide.technology_areas.set(list(technology_areas))
    return guide


@transaction.atomic
def guide_update(
    *, actor, guide: Guide, version: int, institutes=None, technology_areas=None, **changes
) -> Guide:
    """An authoring institute's member revises the guide's description."""
    _check_fields(changes, GUIDE_FIELDS)
    locked = lock_version(guide, version, fields=GUIDE_FIELDS)
    require(actor, "outputs.change_guide", locked)
    for name, value in changes.items():
        setattr(locked, name, value)
    _check_origin(twa=locked.twa, project=locked.project)
    if institutes is not None:
        institutes = list(institutes)
        _check_institutes(actor, institutes)
    if "title" in changes:
        slugs.rename(locked)
    locked.version += 1
    locked.full_clean()
    locked.save()
    if institutes is not None:
        locked.institutes.set(institutes)
    if technology_areas is not None:
        locked.technology_areas.set(list(technology_areas))
    return locked


def safe_file_name(name: str) -> str:
    """The uploader's file name, reduced to what a download may be named (ASCII, no path)."""
    base = os.path.basename((name or "").replace("\\", "/"))
    stem = os.path.splitext(base)[0]
    stem = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode()
    stem = re.sub(r"[^A-Za-z0-9._-]+", "-", stem).strip(".-_")[:100]
    return f"{stem or 'guide'}.pdf"


def _check_number(guide: Guide, number: str, *, exclude=None) -> None:
    taken = GuideVersion.objects.filter(guide=guide, number=number)
    if exclude is not None:
        taken = taken.exclude(pk=exclude.pk)
    if taken.exists():
        raise ValidationError({"number": _("This guide already has version %s.") % number})


def _attach(version: GuideVersion, file) -> None:
    # Imported here: pypdf is 22 MB in every web worker that loads it, and only uploads need it.
    from ..pdf import inspect_pdf

    info = inspect_pdf(file)
    version.original_name = safe_file_name(getattr(file, "name", ""))
    # The storage name comes from guide_file_name; the uploader's is kept as data only.
    file.name = "guide.pdf"
    version.file = file
    version.size, version.sha256, version.page_count = info.size, info.sha256, info.page_count


@transaction.atomic
def guide_version_create(*, actor, guide: Guide, file, authors=(), **fields) -> GuideVersion:
    """A member of an authoring institute uploads a version as a draft; they are one of its
    authors. The PDF is checked by its content first: nothing is stored when it is refused."""
    _check_fields(fields, VERSION_FIELDS)
    version = GuideVersion(guide=guide, **fields)
    require(actor, "outputs.add_guide_version", version)
    lock(guide)
    _attach(version, file)
    _check_number(guide, version.number)
    version.full_clean()
    workflow.create(version, "create", actor=actor)
    version.authors.set({actor, *authors})
    return version


@transaction.atomic
def guide_version_update(
    *, actor, guide_version: GuideVersion, version: int, file=None, authors=None, **changes
) -> GuideVersion:
    """An author revises a draft: its number, change notes, authors or PDF. A replaced PDF
    leaves the store once the change is committed; every check runs before anything is stored."""
    _check_fields(changes, VERSION_FIELDS)
    locked = lock_version(guide_version, version, fields=VERSION_FIELDS)
    require(actor, "outputs.change_guide_version", locked)
    if authors is not None:
        authors = set(authors)
        if not authors:
            raise ValidationError({"authors": _("A version has at least one author.")})
    for name, value in changes.items():
        setattr(locked, name, value)
    replaced = locked.file.name if file is not None else ""
    if file is not None:
        _attach(locked, file)
    locked.version += 1
    _check_number(locked.guide, locked.number, exclude=locked)
    locked.full_clean()
    locked.save()
    if replaced and replaced != locked.file.name:
        storage = locked.file.storage
        transaction.on_commit(lambda: storage.delete(replaced))
    if authors is not None:
        locked.authors.set(authors)
    return locked


@transaction.atomic
def guide_version_transition(
    *, actor, guide_version: GuideVersion, action: str, comment: str = ""
) -> GuideVersion:
    """Submit, send back, publish or withdraw a version. Publishing supersedes the guide's
    published version, by an engine move of the portal's own (an event without an actor)."""
    if action not in PEOPLE_ACTIONS:
        raise ValidationError(_("Versions are submitted, sent back, published or withdrawn."))
    if actor is None or not actor.has_perm("outputs.view_guide_version", guide_version):
        raise PermissionDenied("outputs.view_guide_version")
    # One decision per guide at a time: the guide row is the lock, so two publishes queue.
    lock(guide_version.guide)
    moved = workflow.transition(guide_version, action, actor=actor, comment=comment)
    if action == "publish":
        earlier = GuideVersion.objects.filter(
            guide_id=moved.guide_id, status=GuideVersionStatus.PUBLISHED
        ).exclude(pk=moved.pk)
        for previous in earlier:
            workflow.transition(
                previous,
                "supersede",
                actor=PORTAL,
                comment=_("Superseded by version %s.") % moved.number,
            )
    elif action == "withdraw":
        moved.withdrawal_reason = comment.strip()
        moved.save(update_fields=["withdrawal_reason", "updated_at"])
    if action in ("publish", "withdraw"):
        # The guide's public versions changed (see outputs/changes.py).
        touch(Guide, [moved.guide_id])
    return moved
