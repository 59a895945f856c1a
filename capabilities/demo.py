"""Demo data of the directory (institutes, accounts, contacts, testbeds, services) drawn from the
BIPM NMI-Q workshop report (March 2024) and public KCDB and NMI data; safe to run again."""

import pghistory
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model

from capabilities import services
from capabilities.enums import (
    AccessMode,
    Audience,
    EvidenceKind,
    InstituteKind,
    MemberRole,
    ServiceKind,
    TestbedStatus,
    UncertaintyMode,
    Visibility,
)
from capabilities.models import Contact, Institute, Membership, Service, TechnologyArea, Testbed
from capabilities.units import wavelength_nm_to_frequency_hz

DEMO_PASSWORD = "nmiq-demo-2026"  # noqa: S105 - published on purpose, demo accounts only
DEMO_DOMAIN = "demo.nmi-q.example"
DEMO_NOTE = (
    "Demo record: the institute is named in the report of the BIPM workshop on quantum "
    "technologies (March 2024); the description is illustrative, not the institute's own."
)

# (acronym, name, kind, economy, RMO, website, what the workshop report says of it)
INSTITUTES = [
    (
        "NIST",
        "National Institute of Standards and Technology",
        InstituteKind.NMI,
        "US",
        "SIM",
        "https://www.nist.gov",
        "Characterisation of superconducting quantum devices at millikelvin temperatures, "
        "quantum photonics and post-quantum cryptography.",
    ),
    (
        "NPL",
        "National Physical Laboratory",
        InstituteKind.NMI,
        "GB",
        "EURAMET",
        "https://www.npl.co.uk",
        "Leads the UK Standardisation Network for quantum with BSI and UK Quantum; cryogenic "
        "thermometry and quantum communication testing.",
    ),
    (
        "PTB",
        "Physikalisch-Technische Bundesanstalt",
        InstituteKind.NMI,
        "DE",
        "EURAMET",
        "https://www.ptb.de",
        "Quantum Technology Competence Centre; testbeds for ion traps, superconducting quantum "
        "computers and quantum communication.",
    ),
    (
        "NRC",
        "National Research Council Canada",
        InstituteKind.NMI,
        "CA",
        "SIM",
        "https://nrc.canada.ca",
        "Quantum photonics standards: single-photon sources and detectors, CCPR terminology work.",
    ),
    (
        "NMIJ",
        "National Metrology Institute of Japan (AIST)",
        InstituteKind.NMI,
        "JP",
        "APMP",
        "https://unit.aist.go.jp/nmij/",
        "G-QuAT: hardware testbed for cryogenic components and traceable testing at low "
        "temperature.",
    ),
    (
        "NMIA",
        "National Measurement Institute, Australia",
        InstituteKind.NMI,
        "AU",
        "APMP",
        "https://www.industry.gov.au/national-measurement-institute",
        "Collaboration frameworks for pre-standardisation; quantum-adjacent experience from "
        "nanotechnology standards.",
    ),
    (
        "LNE",
        "Laboratoire national de métrologie et d'essais",
        InstituteKind.NMI,
        "FR",
        "EURAMET",
        "https://www.lne.fr",
        "MetriQs-France: characterisation of solid-state qubits, cryogenics, quantum gravimetry "
        "and atomic clocks; the BACQ benchmarking project.",
    ),
    (
        "INRiM",
        "Istituto Nazionale di Ricerca Metrologica",
        InstituteKind.NMI,
        "IT",
        "EURAMET",
        "https://www.inrim.it",
        "EMN-Q and the Qu-Test project: test and experimentation services for quantum devices.",
    ),
    (
        "CEM",
        "Centro Español de Metrología",
        InstituteKind.NMI,
        "ES",
        "EURAMET",
        "https://www.cem.es",
        "Member of the CIPM panel on the main take-aways of the workshop.",
    ),
    (
        "QED-C",
        "Quantum Economic Development Consortium",
        InstituteKind.INDUSTRY_CONSORTIUM,
        "US",
        "",
        "https://quantumconsortium.org",
        "250 members from 20 economies; standing committee on standards and testing; initiated "
        "standardisation readiness levels with NIST.",
    ),
    (
        "QuIC",
        "European Quantum Industry Consortium",
        InstituteKind.INDUSTRY_CONSORTIUM,
        "BE",
        "",
        "https://www.euroquic.org",
        "About 180 members across Europe; standardisation work group.",
    ),
    (
        "Q-STAR",
        "Quantum Strategic industry Alliance for Revolution",
        InstituteKind.INDUSTRY_CONSORTIUM,
        "JP",
        "",
        "https://qstar.jp",
        "Established in 2021 with 88 members, suppliers and end users.",
    ),
    (
        "UKQuantum",
        "UK Quantum",
        InstituteKind.INDUSTRY_CONSORTIUM,
        "GB",
        "",
        "https://ukquantum.org",
        "54 member organisations; standards working group chaired by NPL.",
    ),
    (
        "QIC",
        "Quantum Industry Canada",
        InstituteKind.INDUSTRY_CONSORTIUM,
        "CA",
        "",
        "https://www.quantumindustrycanada.ca",
        "Industry voice of Canada's national quantum strategy.",
    ),
    (
        "SQMS",
        "Superconducting Quantum Materials and Systems Center (Fermilab)",
        InstituteKind.RESEARCH_ORGANISATION,
        "US",
        "",
        "https://sqms.fnal.gov",
        "Organised the qubit round robin: one device measured at several sites.",
    ),
    # Not named in the workshop report: their S-parameter CMCs are in
    # reference/data/kcdb_cmc_full_records.json (KCDB, via MSLNZ/msl-kcdb test assertions).
    (
        "METAS",
        "Federal Institute of Metrology METAS",
        InstituteKind.NMI,
        "CH",
        "EURAMET",
        "https://www.metas.ch",
        "Radio-frequency calibrations: scattering parameters of coaxial devices up to 116.5 GHz "
        "(KCDB CMC EURAMET-EM-CH-00000GFB-5).",
    ),
    (
        "INTI",
        "Instituto Nacional de Tecnología Industrial",
        InstituteKind.NMI,
        "AR",
        "SIM",
        "https://www.inti.gob.ar",
        "Radio-frequency calibrations: scattering parameters of coaxial devices up to 32 GHz "
        "(KCDB CMC SIM-EM-AR-00000K2C-1).",
    ),
]
KCDB_NOTE = (
    "Demo record: the institute's calibration and measurement capability is published in the "
    "BIPM KCDB; the description is illustrative, not the institute's own."
)
#: Institutes the workshop report does not name get their own note.
INSTITUTE_NOTES = {"METAS": KCDB_NOTE, "INTI": KCDB_NOTE}

# (e-mail local part, name, staff?, [(institute acronym, role)])
ACCOUNTS = [
    ("staff", "Portal Staff", True, []),
    ("admin.npl", "Alex Admin (NPL)", False, [("NPL", MemberRole.ADMIN)]),
    ("editor.ptb", "Eva Editor (PTB)", False, [("PTB", MemberRole.EDITOR)]),
    ("admin.ptb", "Paul Admin (PTB)", False, [("PTB", MemberRole.ADMIN)]),
    ("user", "Ulla User (industry)", False, []),
]


def demo_email(local_part: str) -> str:
    return f"{local_part}@{DEMO_DOMAIN}"


# --- The directory: contacts, testbeds and services of the demo institutes ------------------
#
# Every record is drawn from the BIPM workshop report (reference/bipm-nmiq-workshop-2024.md) or
# the reference data (reference/data/, whose README lists its sources); the comment above each
# record says which. What a source does not give (uncertainties, temperatures, prices, lead
# times) is left empty, and the description says so. Locations are city-level.

WORKSHOP_SLIDES = {
    "title": "Presentations of the BIPM workshop on quantum technologies (2024)",
    "url": "https://www.bipm.org/documents/20126/228569750/Quantum-BIPM-Workshop-2024/"
    "283dd72c-c6b0-1be5-da3f-db8a6c1bbfa4",
}
WORKSHOP = "report of the BIPM workshop on quantum technologies, March 2024"
KCDB = "BIPM key comparison database (KCDB)"


def demo_footer(source: str) -> str:
    """The last paragraph of every demo record: where its facts come from."""
    return (
        f"\n\n*Demo record drawn from the {source}. Values the source does not give are left "
        "empty; nothing here is the institute's own wording.*"
    )


# City-level coordinates of the sites.
BOULDER = ("Boulder", 39.99, -105.26)
BATAVIA = ("Batavia", 41.84, -88.26)
BRAUNSCHWEIG = ("Braunschweig", 52.29, 10.46)
TSUKUBA = ("Tsukuba", 36.06, 140.12)
TRAPPES = ("Trappes", 48.78, 2.01)
SAINT_DENIS = ("Saint-Denis", 48.92, 2.36)
PARIS = ("Paris", 48.84, 2.34)
TURIN = ("Turin", 45.02, 7.64)
OTTAWA = ("Ottawa", 45.45, -75.62)
TEDDINGTON = ("Teddington", 51.43, -0.34)

ALL_AUDIENCES = [Audience.INDUSTRY, Audience.ACADEMIA, Audience.NMIS]

# (institute acronym, name, function, e-mail): desks, not people; fictional addresses.
CONTACTS = [
    (
        "NIST",
        "NIST Quantum Testbed Desk",
        "Access to superconducting-device testbeds",
        "nist-quantum-testbeds@example.org",
    ),
    (
        "NIST",
        "NIST Quantum Photonics Training Desk",
        "Short courses for industry",
        "nist-photonics-training@example.org",
    ),
    (
        "NPL",
        "NPL Optical Calibration Desk",
        "Fibre-optic calibration enquiries",
        "npl-fibre-calibration@example.org",
    ),
    (
        "NPL",
        "NPL Cryogenic Thermometry Desk",
        "Thermometer calibration enquiries",
        "npl-cryo-thermometry@example.org",
    ),
    (
        "PTB",
        "PTB Quantum Technology Competence Centre Desk",
        "Testbed user enquiries",
        "ptb-qtz-testbeds@example.org",
    ),
    (
        "NRC",
        "NRC Quantum Photonics Desk",
        "Single-photon metrology enquiries",
        "nrc-quantum-photonics@example.org",
    ),
    (
        "NRC",
        "NRC Electrical Calibration Desk",
        "DC voltage calibration enquiries",
        "nrc-dc-voltage@example.org",
    ),
    (
        "NMIJ",
        "G-QuAT Testbed Office",
        "Cryogenic component testing enquiries",
        "nmij-gquat@example.org",
    ),
    (
        "NMIA",
        "NMIA Standards Liaison Desk",
        "Pre-standardisation collaboration",
        "nmia-standards@example.org",
    ),
    (
        "LNE",
        "MetriQs-France Contact Point",
        "Quantum characterisation and testing",
        "lne-metriqs@example.org",
    ),
    (
        "INRiM",
        "Qu-Test Single Entry Point (INRiM)",
        "Quantum test and experimentation services",
        "inrim-qutest@example.org",
    ),
    (
        "SQMS",
        "SQMS Round Robin Coordination",
        "Qubit round robin participation",
        "sqms-round-robin@example.org",
    ),
    (
        "METAS",
        "METAS RF Calibration Desk",
        "Radio-frequency calibration enquiries",
        "metas-rf@example.org",
    ),
    (
        "INTI",
        "INTI RF Calibration Desk",
        "Radio-frequency calibration enquiries",
        "inti-rf@example.org",
    ),
]

# Testbeds: field values as the services take them, plus "institute", "areas" (TechnologyArea
# slugs), "contacts" (e-mails of CONTACTS), "site" (city, latitude, longitude) and "publish".
TESTBEDS = [
    # Workshop report (Lecocq, NIST): "two-port microwave calibration at millikelvin
    # temperatures carried out with a cryogenic in-situ calibration kit at temperatures below
    # 20 mK". "Below 20 mK" is stored as 0 K to 0.02 K; no frequency range is given.
    {
        "institute": "NIST",
        "name": "Cryogenic two-port microwave calibration below 20 mK",
        "summary": "Two-port microwave calibration at millikelvin temperatures with a cryogenic "
        "in-situ calibration kit, below 20 mK.",
        "description": "Calibrates two-port microwave measurements **inside the cryostat**, at "
        "the temperature where superconducting devices work, with a cryogenic in-situ "
        "calibration kit at temperatures below 20 mK.\n\nThe source gives no frequency range "
        "and no uncertainty; ask the desk.",
        "areas": ["signal-delivery", "cryogenics"],
        "quantities": ["S-parameters", "two-port microwave calibration"],
        "temperature_min_k": 0.0,
        "temperature_max_k": 0.02,
        "access_modes": [AccessMode.COLLABORATION],
        "audiences": [Audience.INDUSTRY, Audience.ACADEMIA],
        "site": BOULDER,
        "contacts": ["nist-quantum-testbeds@example.org"],
        "source": WORKSHOP,
    },
    # Workshop report (Lecocq, NIST): "measuring microwave attenuator thermalisation and power
    # handling using qubit coherence in the collaboration partnership between XMA, QED-C and
    # NIST. Typically, companies do not have access to mK temperatures". "mK temperatures" is
    # stored as below 1 K; the report gives no finer range.
    {
        "institute": "NIST",
        "name": "Microwave attenuator thermalisation and power handling with qubit coherence",
        "summary": "Measures how well cryogenic microwave attenuators thermalise and how much "
        "power they handle, using the coherence of a superconducting qubit as the sensor.",
        "description": "Developed in a partnership between XMA, QED-C and NIST. Companies "
        "rarely have access to millikelvin temperatures; this testbed gives component makers "
        "that access.\n\n- attenuation and attenuator thermalisation\n- power handling\n"
        "- qubit coherence times T1 and T2 as the figure of merit\n\nThe source gives no "
        "uncertainty.",
        "areas": ["signal-delivery", "quantum-processors"],
        "quantities": [
            "attenuation",
            "attenuator thermalisation",
            "power handling",
            "qubit coherence time T1",
            "qubit coherence time T2",
        ],
        "temperature_min_k": 0.0,
        "temperature_max_k": 1.0,
        "access_modes": [AccessMode.COLLABORATION],
        "audiences": [Audience.INDUSTRY],
        "site": BOULDER,
        "contacts": ["nist-quantum-testbeds@example.org"],
        "source": WORKSHOP,
    },
    # Workshop report (Lecocq, NIST): NMIs can define best practice, "for example calibration of
    # quantum amplifiers with a calibrated noise source". A suggestion, not a facility: kept as
    # a draft (the demo's unpublished record), planned.
    {
        "institute": "NIST",
        "name": "Quantum amplifier calibration with a calibrated noise source",
        "summary": "Gain and added noise of quantum-limited amplifiers in the readout chain, "
        "against a calibrated noise source.",
        "description": "A draft: the workshop report names this as good practice NMIs could "
        "define, not as an existing service. No ranges or uncertainties yet.",
        "areas": ["readout-chain"],
        "quantities": ["gain", "added noise", "noise temperature"],
        "status": TestbedStatus.PLANNED,
        "access_modes": [AccessMode.COLLABORATION],
        "audiences": ALL_AUDIENCES,
        "site": BOULDER,
        "contacts": ["nist-quantum-testbeds@example.org"],
        "publish": False,
        "source": WORKSHOP,
    },
    # Workshop report (Lecocq): "the qubit round robin organised by the Fermilab
    # Superconducting Quantum Materials and Systems Center (SQMS) ... sending an identical device
    # to multiple locations within the SQMS Center"; T1 histograms/time traces, not max/mean.
    # Listed for NMI-Q members only (the demo's members-only record): the protocol is agreed
    # among the participating sites.
    {
        "institute": "SQMS",
        "name": "Superconducting qubit round robin",
        "summary": "One superconducting qubit device measured in turn at several sites, to "
        "standardise measurement protocols, electronics, code and data analysis.",
        "description": "An identical device travels to multiple locations within the SQMS "
        "Center, which disentangles sources of loss. Coherence is reported as **histograms "
        "and time traces of T1**, since the maximum and mean alone are not enough: the "
        "coherence time of a qubit fluctuates over time.\n\nShown to NMI-Q members only.",
        "areas": ["quantum-processors", "benchmarking"],
        "quantities": ["qubit coherence time T1", "qubit coherence time T2", "T1 time traces"],
        "visibility": Visibility.MEMBERS,
        "access_modes": [AccessMode.COLLABORATION],
        "audiences": [Audience.NMIS, Audience.ACADEMIA],
        "site": BATAVIA,
        "contacts": ["sqms-round-robin@example.org"],
        "source": WORKSHOP,
    },
    # Workshop report (Denz, PTB): "PTB's efforts in establishing testbeds for ion traps,
    # superconducting quantum computers and quantum communications" (Quantentechnologie-
    # Kompetenzzentrum). The next three records.
    {
        "institute": "PTB",
        "name": "Ion-trap testbed",
        "summary": "Testbed for trapped-ion quantum technology at PTB's Quantum Technology "
        "Competence Centre (QTZ).",
        "description": "Ion traps serve metrology (clocks) and quantum computing alike; this "
        "testbed makes PTB's ion-trap know-how available to partners.",
        "areas": ["trapped-ions"],
        "access_modes": [AccessMode.COLLABORATION, AccessMode.ON_SITE],
        "audiences": ALL_AUDIENCES,
        "site": BRAUNSCHWEIG,
        "contacts": ["ptb-qtz-testbeds@example.org"],
        "source": WORKSHOP,
    },
    {
        "institute": "PTB",
        "name": "Superconducting quantum computer testbed",
        "summary": "Testbed for superconducting quantum computing hardware at PTB's Quantum "
        "Technology Competence Centre (QTZ).",
        "description": "Characterisation of superconducting quantum processors and their "
        "cryogenic environment. The source gives no temperature range.",
        "areas": ["quantum-processors", "cryogenics"],
        "access_modes": [AccessMode.COLLABORATION, AccessMode.ON_SITE],
        "audiences": ALL_AUDIENCES,
        "site": BRAUNSCHWEIG,
        "contacts": ["ptb-qtz-testbeds@example.org"],
        "source": WORKSHOP,
    },
    {
        "institute": "PTB",
        "name": "Quantum communication testbed",
        "summary": "Testbed for quantum communication, including quantum key distribution, at "
        "PTB's Quantum Technology Competence Centre (QTZ).",
        "description": "Testing of quantum communication components and links. The workshop "
        "noted QKD testing as an example of NMIs enabling documentary standards.",
        "areas": ["qkd", "quantum-networks"],
        "access_modes": [AccessMode.COLLABORATION, AccessMode.ON_SITE],
        "audiences": ALL_AUDIENCES,
        "site": BRAUNSCHWEIG,
        "contacts": ["ptb-qtz-testbeds@example.org"],
        "source": WORKSHOP,
    },
    # Workshop report (Usuda, NMIJ/AIST): G-QuAT "plans to provide a hardware testbed for
    # cryogenic components and a one-stop testbed for traceable testing, calibration and low
    # temperature annealing". Both planned; the second is listed for NMIJ only (the demo's
    # own-institute record).
    {
        "institute": "NMIJ",
        "name": "G-QuAT hardware testbed for cryogenic components",
        "summary": "Planned hardware testbed for cryogenic components at G-QuAT, AIST's Global "
        "Research and Development Center for Business by Quantum-AI technology.",
        "description": "Testing of components that work at cryogenic temperatures in quantum "
        "computers. Planned; the source gives no temperature range.",
        "areas": ["cryogenics", "cryogenic-electronics"],
        "status": TestbedStatus.PLANNED,
        "access_modes": [AccessMode.ON_SITE, AccessMode.SEND_IN],
        "audiences": [Audience.INDUSTRY, Audience.ACADEMIA],
        "site": TSUKUBA,
        "contacts": ["nmij-gquat@example.org"],
        "source": WORKSHOP,
    },
    {
        "institute": "NMIJ",
        "name": "G-QuAT one-stop testbed for traceable testing and calibration",
        "summary": "Planned one-stop testbed for traceable testing, calibration and low "
        "temperature annealing.",
        "description": "Listed for NMIJ staff only while its scope is settled.",
        "areas": ["cryogenics", "benchmarking"],
        "status": TestbedStatus.PLANNED,
        "visibility": Visibility.INSTITUTE,
        "si_traceable": True,
        "access_modes": [AccessMode.ON_SITE],
        "audiences": [Audience.INDUSTRY],
        "site": TSUKUBA,
        "contacts": ["nmij-gquat@example.org"],
        "source": WORKSHOP,
    },
    # Workshop report (Schopfer, LNE, MetriQs-France): "LNE - Trappes offers characterisation
    # services for solid-state qubits and enabling technologies (electronics and cryogenics)".
    {
        "institute": "LNE",
        "name": "Solid-state qubit and enabling technology characterisation",
        "summary": "Characterisation of solid-state qubits and of their enabling technologies, "
        "electronics and cryogenics, at LNE Trappes (MetriQs-France).",
        "description": "Part of the MetriQs-France network of measurement and testing sites. "
        "The source gives no temperature range or uncertainty.",
        "areas": ["quantum-processors", "cryogenics", "cryogenic-electronics"],
        "access_modes": [AccessMode.SEND_IN, AccessMode.COLLABORATION],
        "audiences": ALL_AUDIENCES,
        "site": TRAPPES,
        "contacts": ["lne-metriqs@example.org"],
        "source": WORKSHOP,
    },
    # Workshop report (Schopfer): "LNE-SYRTE-OP - Trappes, specialises in quantum gravimetry".
    {
        "institute": "LNE",
        "name": "Quantum gravimetry (LNE-SYRTE, Trappes)",
        "summary": "Quantum gravimetry at LNE-SYRTE's Trappes site (MetriQs-France).",
        "description": "One of the measurement and testing sites of MetriQs-France. The source "
        "gives no ranges or uncertainties.",
        "areas": ["gravimetry"],
        "access_modes": [AccessMode.ON_SITE, AccessMode.COLLABORATION],
        "audiences": ALL_AUDIENCES,
        "site": TRAPPES,
        "contacts": ["lne-metriqs@example.org"],
        "source": WORKSHOP,
    },
    # Workshop report (Schopfer): "LNE-CNAM - Saint-Denis have capabilities in thermometry and
    # optomechanical sensors at very low temperatures". No figure for "very low".
    {
        "institute": "LNE",
        "name": "Thermometry and optomechanical sensors at very low temperatures (LNE-CNAM)",
        "summary": "Low-temperature thermometry and optomechanical sensors at LNE-CNAM, "
        "Saint-Denis (MetriQs-France).",
        "description": "Thermometry at very low temperatures, for the cryogenic platforms of "
        "quantum technologies. The source gives no temperature range.",
        "areas": ["cryogenics", "quantum-pressure"],
        "quantities": ["temperature"],
        "access_modes": [AccessMode.COLLABORATION],
        "audiences": ALL_AUDIENCES,
        "site": SAINT_DENIS,
        "contacts": ["lne-metriqs@example.org"],
        "source": WORKSHOP,
    },
    # Workshop report (Schopfer): "LNE-SYRTE-OP - Paris focus on atomic clocks".
    {
        "institute": "LNE",
        "name": "Atomic clocks (LNE-SYRTE, Paris)",
        "summary": "Atomic clocks and their comparison at LNE-SYRTE, Paris (MetriQs-France).",
        "description": "With the redefinition of the second based on optical clocks ahead, "
        "clock comparisons are of common interest to NMIs.",
        "areas": ["clocks"],
        "quantities": ["frequency", "time"],
        "si_traceable": True,
        "access_modes": [AccessMode.COLLABORATION],
        "audiences": [Audience.NMIS, Audience.ACADEMIA],
        "site": PARIS,
        "contacts": ["lne-metriqs@example.org"],
        "source": WORKSHOP,
    },
    # Workshop report (Schopfer): the BACQ project "aims to develop application-oriented
    # benchmarks for quantum computing" (optimisation, linear systems, quantum physics
    # simulation, factorisation). A project, so planned and without a site.
    {
        "institute": "LNE",
        "name": "BACQ application-oriented benchmarks for quantum computers",
        "summary": "Benchmarks of quantum computers on reference problems, to measure progress "
        "towards a practical quantum advantage (BACQ project).",
        "description": "Reference problems:\n\n- optimisation\n- linear systems solving\n"
        "- quantum physics simulation\n- factorisation\n\nplus aggregate technical and "
        "service-quality metrics, comparing classical and quantum computing.",
        "areas": ["benchmarking"],
        "status": TestbedStatus.PLANNED,
        "access_modes": [AccessMode.REMOTE, AccessMode.COLLABORATION],
        "audiences": [Audience.INDUSTRY, Audience.ACADEMIA],
        "contacts": ["lne-metriqs@example.org"],
        "source": WORKSHOP,
    },
    # Workshop report (Degiovanni, INRiM): Qu-Test covers "characterisation of light generation
    # and light detection on device level, evaluation of components and systems at the quantum
    # random number generation and QKD protocol level".
    {
        "institute": "INRiM",
        "name": "Qu-Test quantum communication test and experimentation",
        "summary": "Evaluation of QKD and quantum random number generator components and "
        "systems, up to the protocol level (Qu-Test project).",
        "description": "Qu-Test (a 3.5-year project started in April 2023) federates testing "
        "and experimentation services for the quantum industry, open to clients in all 27 EU "
        "member states through a single entry point.",
        "areas": ["qkd", "qrng"],
        "access_modes": [AccessMode.SEND_IN, AccessMode.ON_SITE],
        "audiences": [Audience.INDUSTRY, Audience.ACADEMIA],
        "site": TURIN,
        "contacts": ["inrim-qutest@example.org"],
        "source": WORKSHOP,
    },
    # reference/data/README.md §2d (empir.npl.co.uk/miqc2/comparisons): detection efficiency of a
    # Si SPAD at 850 nm and of a fibre-coupled InGaAs SPAD at 1550 nm; g(2) of single-photon
    # sources at 710 nm and 1550 nm; "performed at INRIM, with the participation of CMI, NPL and
    # PTB during the period 16-27 Oct 2017". Stored as 710 nm to 1550 nm.
    {
        "institute": "INRiM",
        "name": "Single-photon detector and source characterisation",
        "summary": "Detection efficiency of single-photon avalanche diodes and g(2) of "
        "single-photon sources, as in the EMPIR MIQC2 pilot studies.",
        "description": "The MIQC2 pilot studies ran here with CMI, NPL and PTB "
        "(16 to 27 October 2017):\n\n| what | wavelength |\n| --- | --- |\n"
        "| detection efficiency, free-space Si SPAD | 850 nm |\n"
        "| detection efficiency, fibre-coupled InGaAs SPAD | 1550 nm |\n"
        "| g(2), NV-centre source | 710 nm |\n| g(2), heralded source | 1550 nm |\n\n"
        "The source gives no uncertainties.",
        "areas": ["single-photon-detectors", "single-photon-sources"],
        "quantities": ["detection efficiency", "second-order correlation g(2)"],
        "wavelength_min_nm": 710.0,
        "wavelength_max_nm": 1550.0,
        "access_modes": [AccessMode.SEND_IN, AccessMode.COLLABORATION],
        "audiences": ALL_AUDIENCES,
        "site": TURIN,
        "contacts": ["inrim-qutest@example.org"],
        "source": "reference data: EMPIR MIQC2 comparisons page (empir.npl.co.uk/miqc2)",
    },
    # Workshop report (Gamouras, NRC and Lehman, NIST): NMI collaboration on quantum photonics,
    # "comparison activities (for detectors, sources, etc.) and practical calibrations with
    # SI-Traceability"; the seeded NRC profile names single-photon sources and detectors.
    {
        "institute": "NRC",
        "name": "Single-photon source and detector metrology",
        "summary": "Characterisation of single-photon sources and detectors, and comparisons "
        "with other NMIs through CCPR.",
        "description": "NRC works with NIST and NPL on single-photon metrology and on the CCPR "
        "single-photon terminology. The source gives no wavelengths or uncertainties.",
        "areas": ["single-photon-sources", "single-photon-detectors"],
        "quantities": ["detection efficiency"],
        "access_modes": [AccessMode.COLLABORATION],
        "audiences": ALL_AUDIENCES,
        "site": OTTAWA,
        "contacts": ["nrc-quantum-photonics@example.org"],
        "source": WORKSHOP,
    },
    # reference/data/npl_fibre_optic_power_meter_services.csv: NPL calibrates fibre-optic power
    # meters at 850 nm ± 30 nm to 1620 nm ± 20 nm; stored as 820 nm to 1640 nm.
    {
        "institute": "NPL",
        "name": "Fibre-optic power meter calibration facility",
        "summary": "Absolute response and linearity of fibre-optic power meters, in multimode "
        "and single-mode fibre, from 850 nm to 1620 nm.",
        "description": "The facility behind NPL's fibre-optic power meter calibrations (see "
        "its services).",
        "areas": ["lasers-photonics", "quantum-networks"],
        "quantities": ["optical power", "responsivity", "linearity"],
        "wavelength_min_nm": 820.0,
        "wavelength_max_nm": 1640.0,
        "si_traceable": True,
        "access_modes": [AccessMode.SEND_IN],
        "audiences": ALL_AUDIENCES,
        "site": TEDDINGTON,
        "contacts": ["npl-fibre-calibration@example.org"],
        "source": "NPL fibre-optic power meter page (reference data)",
    },
]

# Services, as the testbeds above; "testbed" names a testbed of the same institute.
NPL_FIBRE_TABLE = (
    "| wavelength | fibre | power | typical uncertainty |\n| --- | --- | --- | --- |\n"
    "| 850 nm ± 30 nm | multimode | 100 µW, 10 µW or 5 µW | ± 1.0 % |\n"
    "| 1300 nm ± 25 nm | multimode | 100 µW, 10 µW or 5 µW | ± 1.0 % |\n"
    "| 980 nm ± 10 nm | single-mode | 100 µW, 10 µW or 5 µW | ± 1.0 % |\n"
    "| 1300 nm ± 25 nm | single-mode | 100 µW, 10 µW or 5 µW | ± 1.0 % |\n"
    "| 1500 nm ± 35 nm | single-mode | 100 µW, 10 µW or 5 µW | ± 1.0 % |\n"
    "| 1550 nm ± 20 nm | single-mode | 100 µW, 10 µW or 5 µW | ± 1.0 % (± 0.04 dB) |\n"
    "| 1620 nm ± 20 nm | single-mode | 100 µW, 10 µW or 5 µW | ± 1.0 % |\n"
)
SERVICES = [
    # reference/data/npl_fibre_optic_power_meter_services.csv, row "Absolute response,
    # 1550 nm ± 20 nm, Single-mode fibre, 100 µW (- 10 dBm), 10µW (- 20 dBm) or 5 µW (- 23 dBm),
    # ± 1.0%, (± 0.04 dB)". "Typical" uncertainty, coverage factor not stated (README §1e): k and
    # the level of confidence stay empty. The 1530 nm to 1570 nm band is stored as the
    # frequency range it is (190.95 THz to 195.94 THz), as a telecom user may give it; a
    # wavelength search must still find it.
    {
        "institute": "NPL",
        "name": "Fibre-optic power meter calibration at 1550 nm",
        "kind": ServiceKind.CALIBRATION,
        "summary": "Absolute response of fibre-optic power meters in single-mode fibre at "
        "1550 nm ± 20 nm, at 100 µW, 10 µW or 5 µW.",
        "description": "NPL's published fibre-optic power meter service. Absolute response "
        "at every wavelength offered:\n\n" + NPL_FIBRE_TABLE + "\nNPL calls these *typical "
        "uncertainties* and does not state the coverage factor, so k and the level of "
        "confidence are left empty. This is not a KCDB CMC.",
        "areas": ["lasers-photonics", "quantum-networks"],
        "quantity": "Absolute response of a fibre-optic power meter (single-mode fibre)",
        "range_lower": 5.0,
        "range_upper": 100.0,
        "range_unit": "µW",
        "uncertainty_mode": UncertaintyMode.RELATIVE,
        "uncertainty_lower": 1.0,
        "uncertainty_upper": 1.0,
        "uncertainty_unit": "%",
        "parameters": [
            {"name": "Wavelength", "value": "1550 nm ± 20 nm"},
            {"name": "Fibre", "value": "Single-mode"},
            {"name": "Power", "value": "100 µW (-10 dBm), 10 µW (-20 dBm) or 5 µW (-23 dBm)"},
        ],
        "frequency_min_hz": wavelength_nm_to_frequency_hz(1570),
        "frequency_max_hz": wavelength_nm_to_frequency_hz(1530),
        "si_traceable": True,
        "access_modes": [AccessMode.SEND_IN],
        "audiences": ALL_AUDIENCES,
        "testbed": "Fibre-optic power meter calibration facility",
        "contacts": ["npl-fibre-calibration@example.org"],
        "source": "NPL fibre-optic power meter page (reference data)",
    },
    # Same file, rows "Linearity of response": 100 mW to 10 mW ± 0.7 %; 10 mW to 1 pW ± 0.3 %.
    # No wavelength is given for linearity; k not stated.
    {
        "institute": "NPL",
        "name": "Fibre-optic power meter linearity",
        "kind": ServiceKind.CALIBRATION,
        "summary": "Linearity of response of fibre-optic power meters from 1 pW to 100 mW "
        "(-90 dBm to +20 dBm).",
        "description": "Typical uncertainties as NPL publishes them; the coverage factor is "
        "not stated, so k and the level of confidence are left empty.",
        "areas": ["lasers-photonics"],
        "quantity": "Linearity of response of a fibre-optic power meter",
        "range_lower": 1e-9,
        "range_upper": 100.0,
        "range_unit": "mW",
        "uncertainty_mode": UncertaintyMode.TABLE,
        "uncertainty_unit": "%",
        "uncertainty_table": "power range,typical uncertainty (%)\n"
        "100 mW to 10 mW (+20 dBm to +10 dBm),0.7\n"
        "10 mW to 1 pW (+10 dBm to -90 dBm),0.3\n",
        "si_traceable": True,
        "access_modes": [AccessMode.SEND_IN],
        "audiences": ALL_AUDIENCES,
        "testbed": "Fibre-optic power meter calibration facility",
        "contacts": ["npl-fibre-calibration@example.org"],
        "source": "NPL fibre-optic power meter page (reference data)",
    },
    # reference/data/README.md §1f: NPL's FAQ says only that NPL calibrates rhodium-iron
    # thermometers down to 0.65 K, with no uncertainty. The upper end is not stated.
    {
        "institute": "NPL",
        "name": "Rhodium-iron thermometer calibration down to 0.65 K",
        "kind": ServiceKind.CALIBRATION,
        "summary": "Primary calibration of rhodium-iron resistance thermometers at cryogenic "
        "temperatures, down to 0.65 K.",
        "description": "The source states the lowest temperature only; the upper end of the "
        "range and the uncertainty are not published there, so they are left empty.",
        "areas": ["cryogenics"],
        "quantity": "Temperature (rhodium-iron resistance thermometer)",
        "range_lower": 0.65,
        "range_unit": "K",
        "temperature_min_k": 0.65,
        "si_traceable": True,
        "access_modes": [AccessMode.SEND_IN],
        "audiences": ALL_AUDIENCES,
        "contacts": ["npl-cryo-thermometry@example.org"],
        "source": "NPL FAQ on cryogenic thermometer calibration (reference data README)",
    },
    # reference/data/kcdb_cmc_full_records.json, EURAMET-EM-CH-00000GFB-5 (METAS): -180 to 180
    # degree; 0.2 to 1.4 degree, Absolute, k = 2, 95 %; Passive device / Vector network
    # analyser; Frequency 9 kHz to 116.5 GHz; traceability METAS. The connector list arrives
    # with HTML line breaks (<br />) in the KCDB: written here as plain text.
    {
        "institute": "METAS",
        "name": "S-parameter transmission phase in coaxial line",
        "kind": ServiceKind.CALIBRATION,
        "summary": "Phase of the transmission coefficient (S21, S12) of passive coaxial "
        "devices from 9 kHz to 116.5 GHz, with a vector network analyser.",
        "description": "KCDB CMC EURAMET-EM-CH-00000GFB-5 (published 2022-01-04). The "
        "KCDB gives the uncertainty as a table, *Scat_coax_atten_phase* (122 rows, 13 "
        "columns); only its extremes are shown here.",
        "areas": ["signal-delivery"],
        "quantity": "Scattering parameters: transmission coefficient (Sij) in coaxial line, phase",
        "range_lower": -180.0,
        "range_upper": 180.0,
        "range_unit": "degree",
        "uncertainty_mode": UncertaintyMode.ABSOLUTE,
        "uncertainty_lower": 0.2,
        "uncertainty_upper": 1.4,
        "uncertainty_unit": "degree",
        "coverage_factor": 2,
        "confidence_level": 95,
        "method": "Passive device / Vector network analyser",
        "parameters": [
            {"name": "Frequency", "value": "9 kHz to 116.5 GHz"},
            {
                "name": "Connector",
                "value": "BNC 50 ohm, Type-N 75 ohm, 4.3-10, Type-N 50 ohm, PC-7 mm, NEX10, "
                "PC-3.5 mm, PC-2.92 mm, PC-2.4 mm, PC-1.85 mm, PC-1.0 mm",
            },
            {"name": "S11 and S22", "value": "< 0.1"},
            {"name": "S21 and S12", "value": "-80 dB to 0 dB"},
        ],
        "traceability": "METAS",
        "kcdb_code": "EURAMET-EM-CH-00000GFB-5",
        "frequency_min_hz": 9e3,
        "frequency_max_hz": 116.5e9,
        "si_traceable": True,
        "access_modes": [AccessMode.SEND_IN],
        "audiences": ALL_AUDIENCES,
        "contacts": ["metas-rf@example.org"],
        "source": KCDB,
    },
    # kcdb_cmc_full_records.json, SIM-EM-AR-00000K2C-1 (INTI): -180.0 to 180.0 "°"; 0.2 to 8.9
    # "°", Absolute, k = 2, 95 %; Passive devices / Vector Network Analyzer; Frequency 1 MHz to
    # 32 GHz; Connector Type-N, PC3.5mm; traceability INTI. (Same quantity as METAS, unit
    # spelt "°": the unit is kept as the KCDB gives it.)
    {
        "institute": "INTI",
        "name": "S-parameter transmission phase in coaxial line",
        "kind": ServiceKind.CALIBRATION,
        "summary": "Phase of the transmission coefficient of passive coaxial devices from "
        "1 MHz to 32 GHz, with a vector network analyser.",
        "description": "KCDB CMC SIM-EM-AR-00000K2C-1 (published 2020-04-16). The KCDB gives "
        "the uncertainty as a table, *Matrix 5* (21 rows, 7 columns); only its extremes are "
        "shown here.",
        "areas": ["signal-delivery"],
        "quantity": "Scattering parameters: transmission coefficient (Sij) in coaxial line, phase",
        "range_lower": -180.0,
        "range_upper": 180.0,
        "range_unit": "°",
        "uncertainty_mode": UncertaintyMode.ABSOLUTE,
        "uncertainty_lower": 0.2,
        "uncertainty_upper": 8.9,
        "uncertainty_unit": "°",
        "coverage_factor": 2,
        "confidence_level": 95,
        "method": "Passive devices / Vector Network Analyzer",
        "parameters": [
            {"name": "Frequency", "value": "1 MHz to 32 GHz"},
            {"name": "Connector", "value": "Type-N, PC3.5mm"},
        ],
        "traceability": "INTI",
        "kcdb_code": "SIM-EM-AR-00000K2C-1",
        "frequency_min_hz": 1e6,
        "frequency_max_hz": 32e9,
        "si_traceable": True,
        "access_modes": [AccessMode.SEND_IN],
        "audiences": ALL_AUDIENCES,
        "contacts": ["inti-rf@example.org"],
        "source": KCDB,
    },
    # reference/data/kcdb_nrc_canada_cmc_taxonomy.csv, SIM-EM-CA-000008M6-1: DC voltage, single
    # values; Solid-state standard: source noise, N; "Direct comparison to Josephson array". The
    # file has no uncertainties and no range for this CMC.
    {
        "institute": "NRC",
        "name": "DC voltage standards by direct comparison to a Josephson array",
        "kind": ServiceKind.CALIBRATION,
        "summary": "Calibration of solid-state DC voltage standards (single values) by direct "
        "comparison to NRC's Josephson array.",
        "description": "KCDB CMC SIM-EM-CA-000008M6-1. Range and uncertainty are in the KCDB "
        "entry, not in the data this demo draws on: left empty here.",
        "areas": ["josephson"],
        "quantity": "DC voltage: single values",
        "method": "Solid-state standard: source noise, N / Direct comparison to Josephson array",
        "traceability": "Josephson voltage standard",
        "kcdb_code": "SIM-EM-CA-000008M6-1",
        "si_traceable": True,
        "access_modes": [AccessMode.SEND_IN],
        "audiences": ALL_AUDIENCES,
        "contacts": ["nrc-dc-voltage@example.org"],
        "source": KCDB,
    },
    # Same file, SIM-EM-CA-000008M8-1: DC voltage meters, intermediate values "(from above 1 mV up
    # to 1100 V)"; Digital voltmeter; "Direct comparison to Josephson array". No uncertainty.
    {
        "institute": "NRC",
        "name": "Digital voltmeter calibration against a Josephson array",
        "kind": ServiceKind.CALIBRATION,
        "summary": "DC voltage meters from above 1 mV up to 1100 V, calibrated by direct "
        "comparison to a Josephson array.",
        "description": "KCDB CMC SIM-EM-CA-000008M8-1. The uncertainty is not in the data "
        "this demo draws on: left empty here.",
        "areas": ["josephson"],
        "quantity": "DC voltage meters: intermediate values",
        "range_lower": 0.001,
        "range_upper": 1100.0,
        "range_unit": "V",
        "method": "Digital voltmeter / Direct comparison to Josephson array",
        "traceability": "Josephson voltage standard",
        "kcdb_code": "SIM-EM-CA-000008M8-1",
        "si_traceable": True,
        "access_modes": [AccessMode.SEND_IN],
        "audiences": ALL_AUDIENCES,
        "contacts": ["nrc-dc-voltage@example.org"],
        "source": KCDB,
    },
    # Same file, SIM-PR-CA-000009NH-1: Responsivity, spectral, power; Broad band detector;
    # Monochromator plus tungsten source; "Wavelength range: 1550 nm to 1700 nm | Maximum power:
    # 35 µW | Bandwidth: 16 nm". No uncertainty.
    {
        "institute": "NRC",
        "name": "Spectral power responsivity of detectors, 1550 nm to 1700 nm",
        "kind": ServiceKind.CALIBRATION,
        "summary": "Spectral power responsivity of broadband detectors from 1550 nm to "
        "1700 nm, with a monochromator and a tungsten source.",
        "description": "KCDB CMC SIM-PR-CA-000009NH-1. The uncertainty is not in the data "
        "this demo draws on: left empty here.",
        "areas": ["lasers-photonics"],
        "quantity": "Responsivity, spectral, power",
        "method": "Broad band detector / Monochromator plus tungsten source",
        "parameters": [
            {"name": "Wavelength range", "value": "1550 nm to 1700 nm"},
            {"name": "Maximum power", "value": "35 µW"},
            {"name": "Bandwidth", "value": "16 nm"},
        ],
        "kcdb_code": "SIM-PR-CA-000009NH-1",
        "wavelength_min_nm": 1550.0,
        "wavelength_max_nm": 1700.0,
        "si_traceable": True,
        "access_modes": [AccessMode.SEND_IN],
        "audiences": ALL_AUDIENCES,
        "contacts": ["nrc-quantum-photonics@example.org"],
        "source": KCDB,
    },
    # reference/data/kcdb_fibre_optics_cmc_listing.csv: "PTB,EURAMET-PR-DE-00000C10-2,Fibre optic
    # power meter" and "NIST,SIM-PR-US-00000A2N-2,Fibre optic power meter". The listing gives
    # the code and the service only.
    {
        "institute": "PTB",
        "name": "Fibre optic power meter calibration",
        "kind": ServiceKind.CALIBRATION,
        "summary": "Calibration of fibre optic power meters (KCDB CMC EURAMET-PR-DE-00000C10-2).",
        "description": "The KCDB listing this demo draws on gives only the code and the "
        "service: wavelengths, range and uncertainty are left empty.",
        "areas": ["lasers-photonics"],
        "quantity": "Fibre optic power meter",
        "kcdb_code": "EURAMET-PR-DE-00000C10-2",
        "si_traceable": True,
        "access_modes": [AccessMode.SEND_IN],
        "audiences": ALL_AUDIENCES,
        "contacts": ["ptb-qtz-testbeds@example.org"],
        "source": KCDB,
    },
    {
        "institute": "NIST",
        "name": "Fibre optic power meter calibration",
        "kind": ServiceKind.CALIBRATION,
        "summary": "Calibration of fibre optic power meters (KCDB CMC SIM-PR-US-00000A2N-2).",
        "description": "The KCDB listing this demo draws on gives only the code and the "
        "service: wavelengths, range and uncertainty are left empty.",
        "areas": ["lasers-photonics"],
        "quantity": "Fibre optic power meter",
        "kcdb_code": "SIM-PR-US-00000A2N-2",
        "si_traceable": True,
        "access_modes": [AccessMode.SEND_IN],
        "audiences": ALL_AUDIENCES,
        "contacts": ["nist-quantum-testbeds@example.org"],
        "source": KCDB,
    },
    # Workshop report (Schopfer): "LNE - Trappes offers characterisation services for solid-state
    # qubits and enabling technologies (electronics and cryogenics)".
    {
        "institute": "LNE",
        "name": "Characterisation of solid-state qubits",
        "kind": ServiceKind.CHARACTERISATION,
        "summary": "Characterisation of solid-state qubits and of the electronics and "
        "cryogenics around them, at LNE Trappes.",
        "description": "Offered through MetriQs-France. No ranges or uncertainties are "
        "given in the source.",
        "areas": ["quantum-processors", "cryogenic-electronics"],
        "testbed": "Solid-state qubit and enabling technology characterisation",
        "access_modes": [AccessMode.SEND_IN, AccessMode.COLLABORATION],
        "audiences": [Audience.INDUSTRY, Audience.ACADEMIA],
        "contacts": ["lne-metriqs@example.org"],
        "source": WORKSHOP,
    },
    # Workshop report (Gamouras, NRC and Lehman, NIST): "launched short courses for industry
    # (e.g., <Q|School short course at JILA/University of Colorado)".
    {
        "institute": "NIST",
        "name": "Quantum photonics short course for industry (<Q|School)",
        "kind": ServiceKind.TRAINING,
        "summary": "Short course on quantum photonics measurements for industry, at "
        "JILA / University of Colorado.",
        "description": "One of the training activities of the collaboration of NIST, NRC "
        "and NPL on single-photon metrology.",
        "areas": ["single-photon-sources", "single-photon-detectors"],
        "access_modes": [AccessMode.ON_SITE],
        "audiences": [Audience.INDUSTRY, Audience.ACADEMIA],
        "contacts": ["nist-photonics-training@example.org"],
        "source": WORKSHOP,
    },
    # Workshop report (Herrmann and Coleman, NMIA): frameworks for NMI collaboration (the
    # International Avogadro Coordination, VAMAS) and NMIA's "quantum adjacent" experience of
    # standardisation in nanotechnology.
    {
        "institute": "NMIA",
        "name": "Advice on pre-standardisation collaboration",
        "kind": ServiceKind.ADVICE,
        "summary": "Advice on setting up pre-normative collaborations between NMIs, industry "
        "and standards bodies, drawing on VAMAS and nanotechnology standards.",
        "description": "Lessons from the International Avogadro Coordination and from VAMAS "
        "technical working areas, for quantum technologies.",
        "areas": [],
        "access_modes": [AccessMode.REMOTE],
        "audiences": ALL_AUDIENCES,
        "contacts": ["nmia-standards@example.org"],
        "source": WORKSHOP,
    },
]

#: Who enters each institute's records: its demo member where there is one, else staff.
#: "How we know", only where the reference data gives a real source: the published KCDB CMCs of
#: the METAS and INTI services (kcdb_cmc_full_records.json, with their publication dates).
#: BIPM.EM-K10 is not cited here: the outputs demo publishes it on the portal and has NRC's DC
#: voltage service (NRC took part) cite it there.
EVIDENCE = {
    ("METAS", "S-parameter transmission phase in coaxial line"): [
        {
            "kind": EvidenceKind.OTHER,
            "title": "Calibration and measurement capability published in the BIPM KCDB",
            "reference": "EURAMET-EM-CH-00000GFB-5",
            "year": 2022,
        }
    ],
    ("INTI", "S-parameter transmission phase in coaxial line"): [
        {
            "kind": EvidenceKind.OTHER,
            "title": "Calibration and measurement capability published in the BIPM KCDB",
            "reference": "SIM-EM-AR-00000K2C-1",
            "year": 2020,
        }
    ],
}

RECORD_EDITORS = {"NPL": "admin.npl", "PTB": "editor.ptb"}


def seed(stdout) -> None:
    """Create or bring back in line the demo institutes, accounts and directory records."""
    institutes = {}
    for acronym, name, kind, economy, rmo, website, summary in INSTITUTES:
        institute, _ = Institute.objects.update_or_create(
            acronym=acronym,
            defaults={
                "slug": acronym.lower().replace("-", ""),
                "name": name,
                "kind": kind,
                "economy": economy,
                "rmo": rmo,
                "website": website,
                "description": f"{summary}\n\n{INSTITUTE_NOTES.get(acronym, DEMO_NOTE)}",
                "verified": True,
                "demo": True,
            },
        )
        # Written directly, not through a service: index it as institute_update would.
        services.index_for_search(institute)
        institutes[acronym] = institute

    user_model = get_user_model()
    for local_part, name, staff, memberships in ACCOUNTS:
        email = demo_email(local_part)
        user, _ = user_model.objects.get_or_create(email=email, defaults={"name": name})
        user.name = name
        user.is_staff = staff
        user.is_superuser = staff
        user.set_password(DEMO_PASSWORD)
        user.save()
        EmailAddress.objects.update_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
        for acronym, role in memberships:
            Membership.objects.update_or_create(
                user=user, institute=institutes[acronym], defaults={"role": role}
            )

    directory = DirectorySeeder(institutes)
    directory.seed()
    stdout.write(f"Demo data: {len(institutes)} institutes; {directory.summary()}.")
    stdout.write(f"Demo sign-ins (password for all: {DEMO_PASSWORD}):")
    for local_part, name, _staff, _memberships in ACCOUNTS:
        stdout.write(f"  {demo_email(local_part):32} {name}")


class DirectorySeeder:
    """Creates (or brings back in line) the demo contacts, testbeds and services through the
    services, as a member of the institute or as staff, so slugs, base units, the search index
    and the history are what an editor's would be. A record is found again by its institute and
    name (a contact by its e-mail): seeding twice changes nothing."""

    def __init__(self, institutes: dict[str, Institute]):
        self.institutes = institutes
        self.areas = {area.slug: area for area in TechnologyArea.objects.all()}
        users = get_user_model().objects.filter(email__endswith=f"@{DEMO_DOMAIN}")
        self.users = {user.email: user for user in users}
        self.contacts: dict[str, Contact] = {}
        self.testbeds: dict[tuple[str, str], Testbed] = {}
        self.created = {Contact: 0, Testbed: 0, Service: 0}
        self.updated = {Contact: 0, Testbed: 0, Service: 0}

    def actor(self, acronym: str):
        return self.users[demo_email(RECORD_EDITORS.get(acronym, "staff"))]

    def seed(self) -> None:
        for acronym, name, function, email in CONTACTS:
            self.contacts[email] = self.upsert(
                Contact,
                acronym,
                {"name": name, "function": function, "email": email},
                lookup={"email": email},
            )
        for spec in TESTBEDS:
            testbed = self.upsert_record(Testbed, spec)
            self.testbeds[(spec["institute"], testbed.name)] = testbed
        for spec in SERVICES:
            service = self.upsert_record(Service, spec)
            for evidence in EVIDENCE.get((spec["institute"], service.name), []):
                self.add_evidence(service, spec["institute"], evidence)

    def upsert_record(self, model, spec: dict):
        data = {
            key: value
            for key, value in spec.items()
            if key not in {"institute", "areas", "contacts", "site", "publish", "source"}
        }
        acronym = spec["institute"]
        data["description"] = data.get("description", "") + demo_footer(spec["source"])
        data["technology_areas"] = [self.areas[slug] for slug in spec.get("areas", [])]
        data["contacts"] = [self.contacts[email] for email in spec.get("contacts", [])]
        if "site" in spec:
            data["city"], data["latitude"], data["longitude"] = spec["site"]
        if model is Testbed:
            data.setdefault("links", [WORKSHOP_SLIDES] if spec["source"] == WORKSHOP else [])
        if "testbed" in data:
            data["testbed"] = self.testbeds[(acronym, data["testbed"])]
        return self.upsert(
            model,
            acronym,
            data,
            lookup={"name": data["name"]},
            publish=spec.get("publish", True),
        )

    def upsert(self, model, acronym: str, data: dict, *, lookup: dict, publish: bool = True):
        institute, actor = self.institutes[acronym], self.actor(acronym)
        record = model.objects.filter(institute=institute, **lookup).first()
        # Each record its own history context, so its rows name the demo member who wrote it.
        with pghistory.context(user=actor.pk, url="manage.py seed_demo"):
            if record is None:
                record = services.record_create(
                    actor=actor, model=model, institute=institute, **data
                )
                self.created[model] += 1
            else:
                changes = {k: v for k, v in data.items() if _differs(record, k, v)}
                if changes:
                    record = services.record_update(
                        actor=actor, record=record, version=None, **changes
                    )
                    self.updated[model] += 1
            if publish and not record.published:
                record = services.record_publish(actor=actor, record=record)
        return record

    def add_evidence(self, record, acronym: str, data: dict) -> None:
        """Evidence is found again by its record and reference: seeding twice adds nothing."""
        if record.evidence.filter(reference=data["reference"]).exists():
            return
        actor = self.actor(acronym)
        with pghistory.context(user=actor.pk, url="manage.py seed_demo"):
            services.evidence_add(actor=actor, record=record, **data)

    def summary(self) -> str:
        return ", ".join(
            f"{model._meta.verbose_name_plural} {self.created[model]} created "
            f"{self.updated[model]} updated"
            for model in (Contact, Testbed, Service)
        )


def _differs(record, field: str, value) -> bool:
    """Whether the stored ``field`` of ``record`` is not ``value`` (relations by primary key)."""
    current = getattr(record, field)
    if field in services.RELATIONS:
        return {obj.pk for obj in current.all()} != {obj.pk for obj in value}
    if hasattr(value, "pk"):
        return getattr(current, "pk", None) != value.pk
    return current != value
