"""Technology areas get a uuid, to join the change feed: added empty, filled, then made unique."""

import uuid

from django.db import migrations, models
from django.db.models import Func


def fill(apps, schema_editor):
    """One statement for every row, whatever their number."""
    TechnologyArea = apps.get_model("capabilities", "TechnologyArea")
    TechnologyArea.objects.filter(uuid__isnull=True).update(
        uuid=Func(function="gen_random_uuid", output_field=models.UUIDField())
    )


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
