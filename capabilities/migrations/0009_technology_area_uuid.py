"""Technology areas get a uuid, to join the change feed: added empty, filled, then made unique."""

import uuid

from django.db import migrations, models


def fill(apps, schema_editor):
    TechnologyArea = apps.get_model("capabilities", "TechnologyArea")
    for area in TechnologyArea.objects.filter(uuid__isnull=True).only("pk"):
        TechnologyArea.objects.filter(pk=area.pk).update(uuid=uuid.uuid4())


class Migration(migrations.Migration):
    dependencies = [("capabilities", "0008_sort_indexes")]

    operations = [
        migrations.AddField(
            model_name="technologyarea", name="uuid", field=models.UUIDField(null=True)
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="technologyarea",
            name="uuid",
            field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True),
        ),
    ]
