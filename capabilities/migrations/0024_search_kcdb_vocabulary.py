"""The abbreviations the KCDB's CMCs use, as synonym groups, and every record indexed again with
its hyphenated words also written as one ("spectro-photometer" as "spectrophotometer", "ITS-90"
as "ITS90"), so that a word typed solid, or a token whose parts the parser splits, finds them."""

from importlib import import_module

from django.db import migrations

#: Written in NRC Canada's CMCs (kcdb_nrc_canada_cmc_taxonomy.csv) one way or the other.
GROUPS = [
    ("SPRT", "standard platinum resistance thermometer"),
    ("HTSPRT", "high-temperature standard platinum resistance thermometer"),
    ("PRT", "platinum resistance thermometer"),
    ("IPRT", "industrial platinum resistance thermometer"),
    ("DCC", "direct current comparator", "DC current comparator"),
    ("TVC", "thermal voltage converter"),
    ("CCT", "correlated colour temperature"),
    ("HV", "high voltage"),
]


#: Written as 0019 writes its groups.
seed, unseed = import_module("capabilities.migrations.0019_search_synonyms").seeding(GROUPS)


#: The reindex of 0018, which reads every record with the search's current code.
reindex = import_module("capabilities.migrations.0018_search_vector_more_text").reindex


class Migration(migrations.Migration):
    dependencies = [("capabilities", "0023_held_access_requests")]
    operations = [
        migrations.RunPython(seed, unseed),
        migrations.RunPython(reindex, migrations.RunPython.noop, elidable=True),
    ]
