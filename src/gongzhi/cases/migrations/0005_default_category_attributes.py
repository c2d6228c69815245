from django.db import migrations


def install_defaults(apps, schema_editor):
    from gongzhi.cases.defaults import install_attributes

    install_attributes(apps.get_model("cases", "Category"), apps.get_model("cases", "CategoryAttribute"))


class Migration(migrations.Migration):
    dependencies = [("cases", "0004_category_attributes")]
    operations = [migrations.RunPython(install_defaults, migrations.RunPython.noop)]
