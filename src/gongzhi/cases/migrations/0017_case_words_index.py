"""The keyword search of the case ledger at scale (issue 11): on PostgreSQL a GIN index over the
array of a case's stored words, so "cases with these whole words" is an index lookup instead of
a LIKE over every row's text (cases.filters.CaseFilterSet.filter_q asks in the same form), and a
partial index of the few cases cut before words were stored (searched in their text). Made here
and not in Case.Meta: SQLite has neither GIN nor arrays, and keeps the LIKE."""
from django.db import migrations


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE INDEX IF NOT EXISTS case_words ON cases_case "
                              "USING gin (string_to_array(words, ' '))")
        schema_editor.execute("CREATE INDEX IF NOT EXISTS case_uncut ON cases_case (id) WHERE words = ''")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS case_words")
        schema_editor.execute("DROP INDEX IF EXISTS case_uncut")


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0016_grid_month_index'),
    ]

    operations = [migrations.RunPython(create, drop)]
