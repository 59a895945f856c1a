"""What the bench's generated directory is made of: economies by RMO, kinds of institute,
names, and templates of the facilities and services the directory really lists."""

from capabilities.enums import (
    RMO,
    AccessMode,
    Audience,
    InstituteKind,
    ServiceKind,
    UncertaintyMode,
)

# Economies grouped by the RMO their metrology institutes belong to, so rows look like the real
# directory (a French NMI in EURAMET, not in SIM).
ECONOMIES = {
    RMO.EURAMET: ["DE", "FR", "GB", "IT", "ES", "NL", "CH", "AT", "SE", "FI", "PL", "CZ", "PT"],
    RMO.APMP: ["JP", "CN", "KR", "AU", "SG", "IN", "NZ", "TH", "MY", "ID", "VN"],
    RMO.SIM: ["US", "CA", "MX", "BR", "AR", "CL", "CO", "PE", "UY"],
    RMO.COOMET: ["UA", "BY", "KZ", "MD", "GE", "AM"],
    RMO.AFRIMETS: ["ZA", "EG", "KE", "NG", "GH", "TN", "MA"],
    RMO.GULFMET: ["SA", "AE", "QA", "KW", "OM", "BH"],
}
ECONOMY_RMO = [(economy, rmo) for rmo, economies in ECONOMIES.items() for economy in economies]
# Share of each kind in the directory: mostly NMIs and DIs, then their partners.
KIND_WEIGHTS = {
    InstituteKind.NMI: 40,
    InstituteKind.DI: 20,
    InstituteKind.TESTING_LABORATORY: 15,
    InstituteKind.RESEARCH_ORGANISATION: 15,
    InstituteKind.CERTIFICATION_BODY: 5,
    InstituteKind.INDUSTRY_CONSORTIUM: 5,
}
NAMES = {
    InstituteKind.NMI: [
        "National Institute of Metrology",
        "National Metrology Laboratory",
        "Bureau of Standards and Measurement",
    ],
    InstituteKind.DI: [
        "Institute for Time and Frequency",
        "Ionising Radiation Laboratory",
        "Designated Laboratory for Electrical Metrology",
    ],
    InstituteKind.TESTING_LABORATORY: ["Quantum Device Test Centre", "Cryogenic Testing Lab"],
    InstituteKind.RESEARCH_ORGANISATION: [
        "Centre for Quantum Technologies",
        "Institute of Photonics Research",
    ],
    InstituteKind.CERTIFICATION_BODY: ["Certification Board for Quantum Security"],
    InstituteKind.INDUSTRY_CONSORTIUM: ["Quantum Industry Alliance", "Quantum Sensing Consortium"],
}
REGIONS = ["Northern", "Southern", "Eastern", "Western", "Central", "Coastal", "Alpine", "Lakeside"]
GIVEN = [
    "Ana",
    "Ben",
    "Chen",
    "Dana",
    "Emil",
    "Fatima",
    "Goran",
    "Hiro",
    "Ines",
    "Jonas",
    "Kofi",
    "Lena",
    "Mateo",
    "Nadia",
    "Omar",
    "Priya",
    "Quentin",
    "Rosa",
    "Sven",
    "Tomoko",
]
FAMILY = [
    "Almeida",
    "Becker",
    "Costa",
    "Dubois",
    "Eriksson",
    "Fischer",
    "García",
    "Haddad",
    "Ivanova",
    "Jensen",
    "Kowalski",
    "Laurent",
    "Müller",
    "Nakamura",
    "Okafor",
    "Petrov",
]

# Each template is a kind of facility or service the directory really lists (see seed_demo for
# the sourced ones), with the technology areas, quantities and operating ranges it comes with.
# Ranges are (low, high) in stored units; None leaves the dimension empty.

TESTBED_TEMPLATES = [
    (
        "Dilution refrigerator testbed for microwave components",
        ["cryogenics", "signal-delivery"],
        ["attenuation", "S-parameters", "thermalisation"],
        {"temperature": (0.01, 4.0), "frequency": (4e9, 8e9)},
    ),
    (
        "Cryogenic amplifier noise characterisation",
        ["readout-chain", "cryogenic-electronics"],
        ["gain", "noise temperature", "added noise"],
        {"temperature": (0.02, 4.0), "frequency": (4e9, 12e9)},
    ),
    (
        "Superconducting qubit coherence testbed",
        ["quantum-processors", "cryogenics"],
        ["T1", "T2", "gate fidelity"],
        {"temperature": (0.01, 0.1)},
    ),
    (
        "Magnetic and radiation shielding characterisation",
        ["shielding"],
        ["residual magnetic field", "shielding factor"],
        {"temperature": (4.0, 300.0)},
    ),
    ("Trapped-ion processor testbed", ["trapped-ions"], ["gate fidelity", "heating rate"], {}),
    (
        "Neutral-atom array testbed",
        ["neutral-atoms", "lasers-photonics"],
        ["atom loss", "gate fidelity"],
        {"wavelength": (780.0, 1064.0)},
    ),
    (
        "Fibre QKD link testbed",
        ["qkd", "quantum-networks"],
        ["quantum bit error rate", "secret key rate"],
        {"wavelength": (1530.0, 1565.0)},
    ),
    (
        "Single-photon detector efficiency facility",
        ["single-photon-detectors"],
        ["detection efficiency", "dark count rate", "timing jitter"],
        {"wavelength": (400.0, 1700.0)},
    ),
    (
        "Heralded single-photon source characterisation",
        ["single-photon-sources"],
        ["second-order correlation g(2)", "indistinguishability"],
        {"wavelength": (710.0, 1550.0)},
    ),
    (
        "Optical clock comparison laboratory",
        ["clocks"],
        ["frequency ratio", "fractional frequency instability"],
        {"frequency": (1e14, 1.2e15)},
    ),
    ("Atom-interferometric gravimeter site", ["gravimetry"], ["gravity acceleration"], {}),
    (
        "Optically pumped magnetometer test chamber",
        ["magnetometry", "shielding"],
        ["magnetic flux density", "sensitivity"],
        {"frequency": (1.0, 1e3)},
    ),
    (
        "NV-centre magnetic imaging platform",
        ["nv-centres", "quantum-imaging"],
        ["magnetic field", "spatial resolution"],
        {"wavelength": (532.0, 800.0), "frequency": (2.5e9, 3.2e9)},
    ),
    ("QRNG entropy test bench", ["qrng"], ["min-entropy", "bias"], {}),
    (
        "Josephson voltage standard laboratory",
        ["josephson"],
        ["DC voltage", "AC voltage"],
        {"temperature": (4.0, 4.2)},
    ),
    (
        "Quantum Hall resistance standard",
        ["quantum-hall"],
        ["resistance"],
        {"temperature": (0.3, 4.0)},
    ),
    (
        "Benchmarking of quantum computers in the cloud",
        ["benchmarking"],
        ["quantum volume", "circuit layer operations per second"],
        {},
    ),
]
# (kind, name, areas, quantity, (range low, high, unit) or None, uncertainty (mode, low, high,
# unit) or None, ranges)
SERVICE_TEMPLATES = [
    (
        ServiceKind.CALIBRATION,
        "Fibre-optic power meter calibration",
        ["lasers-photonics"],
        "Optical power in single-mode fibre",
        (1e-9, 10.0, "mW"),
        (UncertaintyMode.RELATIVE, 0.3, 1.0, "%"),
        {"wavelength": (1530.0, 1570.0)},
    ),
    (
        ServiceKind.CALIBRATION,
        "DC voltage calibration against a Josephson array",
        ["josephson"],
        "DC voltage",
        (0.001, 1100.0, "V"),
        (UncertaintyMode.RELATIVE, 0.05, 2.0, "%"),
        {},
    ),
    (
        ServiceKind.CALIBRATION,
        "Cryogenic thermometer calibration",
        ["cryogenics"],
        "Temperature",
        (0.05, 30.0, "K"),
        (UncertaintyMode.ABSOLUTE, 0.1, 5.0, "mK"),
        {"temperature": (0.05, 30.0)},
    ),
    (
        ServiceKind.CALIBRATION,
        "S-parameter calibration of coaxial devices",
        ["signal-delivery"],
        "Scattering parameters: transmission coefficient, phase",
        (-180.0, 180.0, "degree"),
        (UncertaintyMode.ABSOLUTE, 0.2, 1.4, "degree"),
        {"frequency": (9e3, 50e9)},
    ),
    (
        ServiceKind.CALIBRATION,
        "Frequency standard calibration",
        ["clocks"],
        "Frequency",
        (1e6, 1e10, "Hz"),
        (UncertaintyMode.RELATIVE, 1e-13, 1e-11, "%"),
        {"frequency": (1e6, 1e10)},
    ),
    (
        ServiceKind.CHARACTERISATION,
        "Single-photon detector characterisation",
        ["single-photon-detectors"],
        "Detection efficiency",
        None,
        None,
        {"wavelength": (850.0, 1550.0)},
    ),
    (
        ServiceKind.CHARACTERISATION,
        "Cryogenic microwave component characterisation",
        ["signal-delivery", "cryogenics"],
        "Attenuation",
        (0.0, 60.0, "dB"),
        None,
        {"temperature": (0.01, 4.0), "frequency": (1e9, 18e9)},
    ),
    (
        ServiceKind.TESTING,
        "QKD system evaluation",
        ["qkd"],
        "Quantum bit error rate",
        None,
        None,
        {"wavelength": (1530.0, 1565.0)},
    ),
    (
        ServiceKind.TESTING,
        "Magnetometer performance testing",
        ["magnetometry"],
        "Magnetic flux density",
        (1e-15, 1e-4, "T"),
        None,
        {},
    ),
    (
        ServiceKind.TRAINING,
        "Short course on single-photon metrology",
        ["single-photon-sources", "single-photon-detectors"],
        "",
        None,
        None,
        {},
    ),
    (
        ServiceKind.ADVICE,
        "Advice on quantum standardisation readiness",
        ["benchmarking"],
        "",
        None,
        None,
        {},
    ),
]
QUALIFIERS = ["", "", "", " II", " (pilot)", " for industry", " at low temperature", " (EMN-Q)"]
CITIES = ["Capital", "Harbour", "University", "Science Park", "Old Town", "Riverside"]
# Rough centre of each RMO's region; a site is placed within a few degrees of it.
REGION_CENTRES = {
    RMO.EURAMET: (48.0, 10.0),
    RMO.APMP: (25.0, 115.0),
    RMO.SIM: (10.0, -75.0),
    RMO.COOMET: (50.0, 35.0),
    RMO.AFRIMETS: (0.0, 20.0),
    RMO.GULFMET: (25.0, 50.0),
}
ECONOMY_CENTRE = {economy: REGION_CENTRES[rmo] for economy, rmo in ECONOMY_RMO}
DESCRIPTION = (
    "{name} at {institute}.\n\n"
    "- quantities: {quantities}\n- access: on site, remote or by sending samples\n\n"
    "Results are traceable to the SI where a national standard exists; otherwise the method "
    "is documented and compared with other laboratories in NMI-Q projects."
)
ACCESS = list(AccessMode.values)
AUDIENCES = list(Audience.values)
