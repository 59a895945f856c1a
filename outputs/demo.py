"""Demo data of the outputs, reached through the services and the workflow engine; safe to run
again."""

from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile

from capabilities.demo import demo_email
from capabilities.models import Institute, TechnologyArea
from collaborations.models import TechnicalWorkingArea

from . import services
from .models import Guide
from .pdf import text_pdf


def seed(stdout) -> None:
    """Seed each kind's demo data."""
    # --- guides ---
    seed_guides(stdout)


# --- guides ---
# A guide of PTB in the quantum photonics working area (TWA 2, coordinated by NIST's demo
# coordinator, who has no conflict with PTB). Version 1.0.0 is published, then superseded by
# 1.1.0. Title and notes are illustrative: no such guide has been agreed by these institutes.
GUIDE_TITLE = "Calibrating the detection efficiency of fibre-coupled single-photon detectors"
GUIDE_SUMMARY = (
    "Demo guide: illustrative, not a document the institutes named here have written. It shows "
    "how a guide is versioned on the portal: each version a PDF, reviewed by the coordinators "
    "of its working area, the latest published one superseding the one before."
)
GUIDE_VERSIONS = [
    ("1.0.0", "First version."),
    ("1.1.0", "Adds a section on the uncertainty of the attenuator calibration (demo text)."),
]


def seed_guides(stdout) -> None:
    """Create the demo guide and its two versions, unless it is there already."""
    if Guide.objects.filter(title=GUIDE_TITLE).exists():
        stdout.write("Outputs: the demo guide is there already.")
        return
    users = get_user_model().objects.in_bulk(
        [demo_email("editor.ptb"), demo_email("coordinator.nist")], field_name="email"
    )
    author, coordinator = users[demo_email("editor.ptb")], users[demo_email("coordinator.nist")]
    guide = services.guide_create(
        actor=author,
        title=GUIDE_TITLE,
        summary=GUIDE_SUMMARY,
        twa=TechnicalWorkingArea.objects.get(number=2),
        institutes=[Institute.objects.get(acronym="PTB")],
        technology_areas=TechnologyArea.objects.filter(slug="single-photon-detectors"),
    )
    for number, notes in GUIDE_VERSIONS:
        pdf = text_pdf([GUIDE_TITLE, f"Version {number}", "Demo document of the NMI-Q Portal."])
        version = services.guide_version_create(
            actor=author,
            guide=guide,
            file=ContentFile(pdf, name=f"detection-efficiency-{number}.pdf"),
            number=number,
            change_notes=notes,
        )
        version = services.guide_version_transition(
            actor=author, guide_version=version, action="submit"
        )
        services.guide_version_transition(
            actor=coordinator, guide_version=version, action="publish"
        )
    stdout.write(f"Outputs: the demo guide with {len(GUIDE_VERSIONS)} versions.")
