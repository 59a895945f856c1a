"""An IMMUTABLE accent-folding function, so search indexes may use it (unaccent() is STABLE)."""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION nmiq_unaccent(text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
AS $$ SELECT public.unaccent('public.unaccent'::regdictionary, $1) $$;
"""


class Migration(migrations.Migration):
    dependencies = [("core", "0001_postgresql_extensions")]
    operations = [migrations.RunSQL(CREATE, "DROP FUNCTION IF EXISTS nmiq_unaccent(text);")]
