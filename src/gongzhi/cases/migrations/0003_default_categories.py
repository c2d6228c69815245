from django.db import migrations


def install_defaults(apps, schema_editor):
    from gongzhi.cases.defaults import install

    install(apps.get_model("cases", "Category"))


class Migration(migrations.Migration):
    dependencies = [("cases", "0002_initial")]
    operations = [migrations.RunPython(install_defaults, migrations.RunPython.noop)]
