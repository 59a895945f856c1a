"""Working areas get a uuid, to join the change feed: added empty, filled, then made unique."""

import uuid

from django.db import migrations, models
from django.db.models import Func


def fill(apps, schema_editor):
    """One statement for every row, whatever their number."""
    TechnicalWorkingArea = apps.get_model("collaborations", "TechnicalWorkingArea")
    TechnicalWorkingArea.objects.filter(uuid__isnull=True).update(
        uuid=Func(function="gen_random_uuid", output_field=models.UUIDField())
    )


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
