"""Every record is indexed again with all its page shows: a service's parameters, kind,
metrology area and earlier KCDB codes; a testbed's access, audiences, city, status, readiness
and links; an institute's kind and economy."""

from django.db import migrations


def reindex(apps, schema_editor):
    from capabilities.search import weighted_vector
    from capabilities.services.records import search_parts

    for name in ("Institute", "Testbed", "Service"):
        model = apps.get_model("capabilities", name)
        records = model.objects.all()
        if name != "Institute":
            records = records.select_related("institute").prefetch_related("technology_areas")
        if name == "Testbed":
            records = records.select_related("readiness")
        for record in records.iterator(chunk_size=500):
            vector = weighted_vector(search_parts(record))
            model.objects.filter(pk=record.pk).update(search_vector=vector)


class Migration(migrations.Migration):
    dependencies = [("capabilities", "0017_service_lead_time_weeks")]
    operations = [migrations.RunPython(reindex, migrations.RunPython.noop, elidable=True)]
