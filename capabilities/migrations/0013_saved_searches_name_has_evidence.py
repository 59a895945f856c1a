"""The directory's evidence facet is called has_evidence now (the name the API filter shares):
saved searches that used the old name keep their filter."""

from django.db import migrations
from django.http import QueryDict


def rename_evidence_parameter(apps, schema_editor):
    SavedSearch = apps.get_model("capabilities", "SavedSearch")
    for saved in SavedSearch.objects.filter(query__contains="evidence="):
        params = QueryDict(saved.query, mutable=True)
        if "evidence" not in params:
            continue
        values = params.pop("evidence")
        if "has_evidence" not in params:
            params.setlist("has_evidence", values)
        saved.query = params.urlencode()
        saved.save(update_fields=["query"])


class Migration(migrations.Migration):
    dependencies = [("capabilities", "0012_evidence_version")]

    operations = [migrations.RunPython(rename_evidence_parameter, migrations.RunPython.noop)]
