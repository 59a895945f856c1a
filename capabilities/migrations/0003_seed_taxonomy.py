"""Seed the technology areas (DESIGN.md; the BIPM NMI-Q workshop report, 2024) and the
readiness scales: TRL 1–9 and the standardisation readiness levels (SRL) QED-C and NIST began
to define (workshop report, "Standardisation")."""

from django.db import migrations

# (slug, name, children); a slug is unique across the tree.
AREAS = [
    (
        "computing",
        "Quantum computing",
        [
            (
                "superconducting",
                "Superconducting circuits",
                [
                    ("cryogenics", "Cryogenics (dilution refrigerators)", []),
                    (
                        "signal-delivery",
                        "Signal delivery (cables, filters, attenuators, isolators)",
                        [],
                    ),
                    ("shielding", "Shielding (magnetic, thermal, radiation)", []),
                    ("readout-chain", "Readout chain (quantum amplifiers)", []),
                    ("quantum-processors", "Quantum processors (qubits, resonators, circuits)", []),
                ],
            ),
            ("trapped-ions", "Trapped ions", []),
            ("neutral-atoms", "Neutral atoms", []),
            ("photonic-computing", "Photonic quantum computing", []),
            ("benchmarking", "Benchmarking of quantum computers", []),
        ],
    ),
    (
        "communication",
        "Quantum communication",
        [
            ("qkd", "Quantum key distribution (QKD)", []),
            ("qrng", "Quantum random number generators (QRNG)", []),
            ("single-photon-sources", "Single-photon sources", []),
            ("single-photon-detectors", "Single-photon detectors", []),
            ("quantum-networks", "Quantum networks and fibre links", []),
        ],
    ),
    (
        "sensing-timing",
        "Quantum sensing and timing",
        [
            ("clocks", "Atomic clocks and time transfer", []),
            ("magnetometry", "Magnetometry", []),
            ("gravimetry", "Gravimetry and gravity gradiometry", []),
            ("nv-centres", "NV centres and solid-state spins", []),
            ("quantum-imaging", "Quantum-enhanced imaging", []),
        ],
    ),
    (
        "enabling",
        "Enabling technologies",
        [
            ("cryogenic-electronics", "Cryogenic electronics and components", []),
            ("lasers-photonics", "Lasers and integrated photonics", []),
            ("vacuum", "Vacuum and atom sources", []),
        ],
    ),
    (
        "quantum-for-metrology",
        "Quantum for metrology",
        [
            ("josephson", "Josephson voltage standards", []),
            ("quantum-hall", "Quantum Hall resistance standards", []),
            ("single-electron", "Single-electron current sources", []),
            ("quantum-pressure", "Quantum pressure and temperature standards", []),
        ],
    ),
]

# EU Horizon 2020 Work Programme 2014–2015, General Annex G.
TRL = [
    "Basic principles observed",
    "Technology concept formulated",
    "Experimental proof of concept",
    "Technology validated in lab",
    "Technology validated in relevant environment",
    "Technology demonstrated in relevant environment",
    "System prototype demonstration in operational environment",
    "System complete and qualified",
    "Actual system proven in operational environment",
]

# The stages the workshop report names for standardisation ("Standardisation", p. 211–217):
# terminology, metrology, benchmarking, best practice, documentary standards.
SRL = [
    "Scientific discovery; no common language yet",
    "Terminology agreed",
    "Measurement science developed",
    "Benchmarks and comparisons run",
    "Best practice established",
    "Documentary standards in development",
    "Documentary standards published and adopted",
]


def seed(apps, schema_editor):
    TechnologyArea = apps.get_model("capabilities", "TechnologyArea")
    ReadinessScale = apps.get_model("capabilities", "ReadinessScale")
    ReadinessLevel = apps.get_model("capabilities", "ReadinessLevel")

    def add(nodes, parent):
        for position, (slug, name, children) in enumerate(nodes):
            path = f"{parent.path}/{slug}" if parent else slug
            area, _ = TechnologyArea.objects.update_or_create(
                slug=slug,
                defaults={"name": name, "parent": parent, "path": path, "position": position},
            )
            add(children, area)

    add(AREAS, None)
    for slug, name, levels in (
        ("trl", "Technology readiness level (TRL)", TRL),
        ("srl", "Standardisation readiness level (SRL)", SRL),
    ):
        scale, _ = ReadinessScale.objects.update_or_create(slug=slug, defaults={"name": name})
        for number, level_name in enumerate(levels, start=1):
            ReadinessLevel.objects.update_or_create(
                scale=scale, level=number, defaults={"name": level_name}
            )


class Migration(migrations.Migration):
    dependencies = [("capabilities", "0002_directory")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
