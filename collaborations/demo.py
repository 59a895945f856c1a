"""Demo data of the collaborations: working areas modelled on the quantum topics of the BIPM NMI-Q
workshop report (March 2024), their coordinators, and projects brought to their states through
the services and the workflow engine, never by assigning a status; safe to run again."""

import datetime

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model

from capabilities.demo import DEMO_DOMAIN, DEMO_PASSWORD, demo_email
from capabilities.enums import MemberRole
from capabilities.models import Institute, Membership, TechnologyArea, Testbed

from . import services
from .enums import NeedUrgency, NeedVisibility, ProjectKind
from .models import IndustryNeed, Project, TechnicalWorkingArea

WORKSHOP = "report of the BIPM workshop on quantum technologies, March 2024"

# (e-mail local part, name, [(institute acronym, role)]): coordinators and a partner's member.
ACCOUNTS = [
    ("coordinator.nist", "Nora Coordinator (NIST)", [("NIST", MemberRole.EDITOR)]),
    ("coordinator.nmij", "Kenji Coordinator (NMIJ)", [("NMIJ", MemberRole.EDITOR)]),
    ("editor.lne", "Léa Editor (LNE)", [("LNE", MemberRole.EDITOR)]),
    ("editor.inrim", "Ivo Editor (INRiM)", [("INRiM", MemberRole.EDITOR)]),
    ("industry.qedc", "Quinn Industry (QED-C)", [("QED-C", MemberRole.EDITOR)]),
    ("industry.quic", "Quirine Industry (QuIC)", [("QuIC", MemberRole.EDITOR)]),
]

#: The technology areas each working area looks after (its coordinators hear of needs there).
TWA_AREAS = {
    1: ["cryogenics", "readout-chain", "quantum-processors", "cryogenic-electronics"],
    2: ["single-photon-sources", "single-photon-detectors", "qkd", "qrng", "quantum-networks"],
    3: ["clocks", "magnetometry", "gravimetry", "nv-centres"],
}

# Industry needs as the workshop's industry speakers put them (the same report): (poster's
# e-mail local part, institute, fields, answers as (answerer, testbed name or None, comment)).
NEEDS = [
    (
        "industry.qedc",
        "QED-C",
        {
            "title": "Detection efficiency of fibre-coupled single-photon detectors at 1550 nm",
            "description": "Suppliers of InGaAs and superconducting nanowire detectors quote "
            "efficiencies that cannot be compared: we need a traceable calibration of the "
            "system detection efficiency at **1550 nm**, in single-mode fibre, with its "
            "uncertainty.\n\n*Paraphrasing the industry session of the "
            f"{WORKSHOP}.*",
            "technology_area": "single-photon-detectors",
            "urgency": NeedUrgency.HIGH,
            "needed_by": 180,
            "visibility": NeedVisibility.PUBLIC,
            "wavelength_min_nm": 1550.0,
            "wavelength_max_nm": 1550.0,
        },
        [
            (
                "editor.inrim",
                "Single-photon detector and source characterisation",
                "We ran the MIQC2 pilot study of fibre-coupled InGaAs SPADs at 1550 nm.",
            )
        ],
    ),
    (
        "industry.quic",
        "QuIC",
        {
            "title": "Noise temperature of parametric amplifiers below 50 mK",
            "description": "Members building superconducting processors need the added noise "
            "of Josephson parametric amplifiers measured where they run, between **10 mK and "
            "50 mK**, from **4 GHz to 8 GHz**.\n\n*Paraphrasing the “Metrology gaps for "
            f"superconducting quantum devices” talk of the {WORKSHOP}.*",
            "technology_area": "readout-chain",
            "urgency": NeedUrgency.MEDIUM,
            "needed_by": 365,
            "visibility": NeedVisibility.MEMBERS,
            "temperature_min_k": 0.01,
            "temperature_max_k": 0.05,
            "frequency_min_hz": 4e9,
            "frequency_max_hz": 8e9,
        },
        [],
    ),
    (
        "industry.qedc",
        "QED-C",
        {
            "title": "Interoperability tests of QKD systems from different vendors",
            "description": "Operators want test procedures that show two vendors' QKD systems "
            "work over one fibre link, and laboratories that run them.\n\n*Paraphrasing the "
            f"quantum communication session of the {WORKSHOP}.*",
            "technology_area": "qkd",
            "urgency": NeedUrgency.LOW,
            "needed_by": None,
            "visibility": NeedVisibility.PUBLIC,
        },
        [],
    ),
]

# (number, slug, title, scope, coordinators' e-mail local parts). The scopes paraphrase the
# workshop report (reference/bipm-nmiq-workshop-2024.md, the sections named in each).
TWAS = [
    (
        1,
        "twa-1",
        "Superconducting quantum devices at millikelvin temperatures",
        "Characterisation of the hardware of superconducting quantum computers, grouped as the "
        "workshop did: **cryogenics** (dilution refrigerators), **signal delivery** (cables, "
        "filters, attenuators, isolators), **shielding**, the **readout chain** (quantum "
        "amplifiers) and **quantum processors** (qubits, resonators).\n\n"
        "* two-port microwave calibration below 20 mK;\n"
        "* coherence times (T1, T2) reported as histograms or time traces, not a maximum;\n"
        "* round robins in which one device travels between laboratories.\n\n"
        "*Drawn from the “Metrology gaps for superconducting quantum devices” talk in the "
        f"{WORKSHOP}.*",
        ["coordinator.nist", "coordinator.nmij"],
    ),
    (
        2,
        "twa-2",
        "Quantum photonics and quantum communication",
        "Single-photon sources and detectors, quantum key distribution and quantum random "
        "number generators: comparisons of detectors and sources, practical calibrations with "
        "SI traceability, a common single-photon vocabulary, and training for industry.\n\n"
        f"*Drawn from the quantum photonics session of the {WORKSHOP}.*",
        ["coordinator.nist"],
    ),
    (
        3,
        "twa-3",
        "Quantum sensing, clocks and timing",
        "Comparisons of optical clocks, by co-location and over long distances, ahead of the "
        "redefinition of the second; mobile clocks and clocks as sensors; quantum gravimetry "
        "and magnetometry.\n\n"
        f"*Drawn from the discussion of collaboration needs in the {WORKSHOP}.*",
        ["coordinator.nmij"],
    ),
    (
        4,
        "twa-4",
        "Benchmarks of quantum computers",
        "Application-oriented benchmarks and the metrics behind them: what a benchmark "
        "measures, how its uncertainty is stated, and how results are compared.\n\n"
        f"*Drawn from the MetriQs-France (BACQ) presentation in the {WORKSHOP}. No coordinator "
        "is named yet: portal staff review its proposals.*",
        [],
    ),
]

DEMO_FOOTER = (
    "\n\n*Demo project: illustrative, drawn from the {source}; not a project the institutes "
    "named here have agreed to.*"
)

# Dates are days from the day of seeding, so the demo always has work under way and due soon.
# Each project: who leads and proposes it, who takes part (and how far they got), and the moves
# that bring it to its state, each made by the person allowed to make it.
PROJECTS = [
    {
        "twa": 1,
        "acronym": "QRR-mK",
        "kind": ProjectKind.COMPARISON,
        "title": "Round robin of qubit coherence measurements",
        "summary": "One superconducting qubit chip travels between laboratories, each measuring "
        "T1 and T2 with its own set-up, to separate the device's losses from the laboratory's.",
        "objectives": "* A common measurement protocol for T1 and T2\n"
        "* Histograms and time traces of T1, not only its maximum and mean",
        "work_plan": "1. Agree on the protocol and the analysis code\n"
        "2. Measure the travelling chip at each site\n3. Compare and report",
        "expected_outputs": "A comparison report and a good-practice guide on reporting "
        "coherence times.",
        "start_date": -300,
        "end_date": 230,
        "deliverables": [
            ("Measurement protocol", -200),
            ("Data of the first two sites", 5),
            ("Comparison report", 120),
        ],
        "lead": ("PTB", "editor.ptb"),
        "partners": [("NPL", "admin.npl", "accept"), ("NIST", "coordinator.nist", "accept")],
        # NIST takes part, so its coordinator may not decide: NMIJ's does.
        "moves": [
            ("editor.ptb", "submit", ""),
            ("coordinator.nmij", "start_review", ""),
            ("coordinator.nmij", "approve", "A clear protocol; welcome."),
            ("editor.ptb", "activate", ""),
        ],
    },
    {
        "twa": 1,
        "acronym": "CRYO-ATT",
        "kind": ProjectKind.RESEARCH,
        "title": "Thermalisation and power handling of cryogenic microwave attenuators",
        "summary": "Measure how microwave attenuators thermalise at millikelvin temperatures "
        "and how much power they handle, using qubit coherence as the thermometer.",
        "objectives": "* Methods to measure attenuator thermalisation below 20 mK",
        "work_plan": "Build on the attenuator study the workshop describes; compare methods.",
        "expected_outputs": "A method description and measured data.",
        "deliverables": [("Method description", 200)],
        "lead": ("NPL", "admin.npl"),
        "partners": [("PTB", "editor.ptb", "accept")],
        "moves": [("admin.npl", "submit", ""), ("coordinator.nist", "start_review", "")],
    },
    {
        "twa": 2,
        "acronym": "SPD-CAL",
        "kind": ProjectKind.COMPARISON,
        "title": "Comparison of single-photon detector efficiency calibrations",
        "summary": "Compare detection-efficiency calibrations of fibre-coupled single-photon "
        "detectors at 1550 nm, to uncover missing sources of uncertainty.",
        "work_plan": "Circulate two detectors; each laboratory calibrates them.",
        "deliverables": [("Technical protocol", 150)],
        "lead": ("PTB", "editor.ptb"),
        "partners": [("LNE", "editor.lne", None)],  # invited, not answered yet: still a draft
        "moves": [],
    },
    {
        "twa": 3,
        "acronym": "CLOCK-X",
        "kind": ProjectKind.EXCHANGE,
        "title": "Personnel exchange on optical clock comparisons",
        "summary": "Researchers spend three months in a partner laboratory to learn its clock "
        "comparison methods, then compare results.",
        "work_plan": "Two exchanges of three months each, then a joint comparison.",
        "deliverables": [("Exchange reports", 240)],
        "lead": ("NPL", "admin.npl"),
        "partners": [("LNE", "editor.lne", "accept")],
        "moves": [
            ("admin.npl", "submit", ""),
            ("coordinator.nmij", "start_review", ""),
            (
                "coordinator.nmij",
                "request_changes",
                "Please name the comparison method and the dates of each exchange.",
            ),
        ],
    },
    {
        "twa": 2,
        "acronym": "SPS-SCHOOL",
        "kind": ProjectKind.TRAINING,
        "title": "Summer school on single-photon sources",
        "summary": "A one-week school on characterising single-photon sources, for young "
        "researchers of institutes and companies; the workshop noted that such schools help "
        "convergence.",
        "work_plan": "Lectures in the morning, laboratory sessions in the afternoon.",
        "deliverables": [("School programme", -500)],
        "start_date": -420,
        "end_date": -416,
        "lead": ("NPL", "admin.npl"),
        "partners": [("LNE", "editor.lne", "accept")],
        "final_report_url": "https://demo.nmi-q.example/reports/sps-school-2025.pdf",
        "moves": [
            ("admin.npl", "submit", ""),
            ("coordinator.nist", "start_review", ""),
            ("coordinator.nist", "approve", "A school the single-photon community asked for."),
            ("admin.npl", "activate", ""),
            ("admin.npl", "complete", ""),
        ],
    },
]


def seed(stdout) -> None:
    """Create the demo working areas, coordinators and projects (existing ones are kept)."""
    users = _accounts()
    twas = {}
    for number, slug, title, scope, coordinators in TWAS:
        twa, _created = TechnicalWorkingArea.objects.update_or_create(
            number=number, defaults={"slug": slug, "title": title, "scope": scope}
        )
        twa.coordinators.set([users[local_part] for local_part in coordinators])
        twa.technology_areas.set(TechnologyArea.objects.filter(slug__in=TWA_AREAS.get(number, [])))
        twas[number] = twa
    created = 0
    for spec in PROJECTS:
        if not Project.objects.filter(twa=twas[spec["twa"]], acronym=spec["acronym"]).exists():
            _project(spec, twas[spec["twa"]], users)
            created += 1
    posted = sum(_need(*spec, users) for spec in NEEDS)
    stdout.write(
        f"Collaborations: {len(twas)} working areas; projects {created} created "
        f"({len(PROJECTS) - created} already there); industry needs {posted} posted "
        f"({len(NEEDS) - posted} already there)."
    )
    stdout.write("Demo coordinators (same password):")
    for local_part, name, _memberships in ACCOUNTS:
        stdout.write(f"  {demo_email(local_part):32} {name}")


def _accounts() -> dict:
    """The demo people this app needs, the directory's included, by e-mail local part."""
    user_model = get_user_model()
    institutes = {institute.acronym: institute for institute in Institute.objects.all()}
    for local_part, name, memberships in ACCOUNTS:
        email = demo_email(local_part)
        user, _created = user_model.objects.get_or_create(email=email, defaults={"name": name})
        user.name = name
        user.set_password(DEMO_PASSWORD)
        user.save()
        EmailAddress.objects.update_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
        for acronym, role in memberships:
            Membership.objects.update_or_create(
                user=user, institute=institutes[acronym], defaults={"role": role}
            )
    demo_users = user_model.objects.filter(email__endswith=f"@{DEMO_DOMAIN}")
    return {user.email.split("@")[0]: user for user in demo_users}


def _project(spec: dict, twa: TechnicalWorkingArea, users: dict) -> Project:
    lead_acronym, proposer = spec["lead"]
    institutes = {institute.acronym: institute for institute in Institute.objects.all()}
    project = services.project_create(
        actor=users[proposer],
        twa=twa,
        lead_institute=institutes[lead_acronym],
        deliverables=[
            {"title": title, "due_date": _day(days)} for title, days in spec["deliverables"]
        ],
        kind=spec["kind"],
        title=spec["title"],
        acronym=spec["acronym"],
        summary=spec["summary"],
        objectives=spec.get("objectives", ""),
        work_plan=spec.get("work_plan", "") + DEMO_FOOTER.format(source=WORKSHOP),
        expected_outputs=spec.get("expected_outputs", ""),
        start_date=_day(spec.get("start_date")),
        end_date=_day(spec.get("end_date")),
    )
    for acronym, answerer, answer in spec["partners"]:
        participation = services.participation_invite(
            actor=users[proposer], project=project, institute=institutes[acronym]
        )
        if answer:
            services.participation_transition(
                actor=users[answerer], participation=participation, action=answer
            )
    for actor, action, comment in spec["moves"]:
        if action == "complete":
            for deliverable in project.deliverables.all():
                services.deliverable_set_done(
                    actor=users[actor], deliverable=deliverable, done=True
                )
            project = services.project_link_final_report(
                actor=users[actor], project=project, final_report_url=spec["final_report_url"]
            )
        project = services.project_transition(
            actor=users[actor], project=project, action=action, comment=comment
        )
    return project


def _need(poster: str, acronym: str, fields: dict, answers: list, users: dict) -> bool:
    """Post a demo need and its answers through the services; False when it is there."""
    institute = Institute.objects.get(acronym=acronym)
    if IndustryNeed.objects.filter(institute=institute, title=fields["title"]).exists():
        return False
    fields = {
        **fields,
        "technology_area": TechnologyArea.objects.get(slug=fields["technology_area"]),
        "needed_by": _day(fields["needed_by"]),
    }
    need = services.need_create(actor=users[poster], institute=institute, **fields)
    for answerer, testbed, comment in answers:
        services.need_answer_capability(
            actor=users[answerer],
            need=need,
            record=Testbed.objects.get(name=testbed),
            comment=comment,
        )
    return True


def _day(days_from_today: int | None) -> datetime.date | None:
    if days_from_today is None:
        return None
    return datetime.date.today() + datetime.timedelta(days=days_from_today)
