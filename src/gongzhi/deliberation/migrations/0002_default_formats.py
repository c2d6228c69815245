"""The default meeting formats and 三会一课 cadences (deliberation/defaults.py)."""
from django.db import migrations


def load(apps, schema_editor):
    from gongzhi.deliberation.defaults import install

    install(apps.get_model("deliberation", "MeetingFormat"), apps.get_model("deliberation", "PartyCadence"))


class Migration(migrations.Migration):
    dependencies = [("deliberation", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
