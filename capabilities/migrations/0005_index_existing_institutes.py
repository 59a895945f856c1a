"""Institutes registered before the directory search existed get their search vector (the same
weights as capabilities.services.index_for_search: name and acronym A, description C)."""

from django.db import migrations

INDEX = """
UPDATE capabilities_institute
SET search_vector =
    setweight(to_tsvector('english'::regconfig, nmiq_unaccent(name || ' ' || acronym)), 'A')
    || setweight(to_tsvector('english'::regconfig, nmiq_unaccent(description)), 'C')
WHERE search_vector IS NULL;
"""


class Migration(migrations.Migration):
    dependencies = [("capabilities", "0004_evidence")]
    operations = [migrations.RunSQL(INDEX, migrations.RunSQL.noop)]
