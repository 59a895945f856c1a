"""Working areas get a uuid, to join the change feed: added empty, filled, then made unique."""

import uuid

from django.db import migrations, models


def fill(apps, schema_editor):
    TechnicalWorkingArea = apps.get_model("collaborations", "TechnicalWorkingArea")
    for twa in TechnicalWorkingArea.objects.filter(uuid__isnull=True).only("pk"):
        TechnicalWorkingArea.objects.filter(pk=twa.pk).update(uuid=uuid.uuid4())


class Migration(migrations.Migration):
    dependencies = [("collaborations", "0002_reminders")]

    operations = [
        migrations.AddField(
            model_name="technicalworkingarea", name="uuid", field=models.UUIDField(null=True)
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="technicalworkingarea",
            name="uuid",
            field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True),
        ),
    ]
