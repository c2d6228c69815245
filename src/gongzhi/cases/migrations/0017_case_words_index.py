"""The keyword search of the case ledger at scale (issue 11): on PostgreSQL a GIN index over the
array of a case's stored words, so "cases with these whole words" is an index lookup instead of
a LIKE over every row's text (cases.filters.CaseFilterSet.filter_q asks in the same form), and a
partial index of the few cases cut before words were stored (searched in their text). Made here
and not in Case.Meta: SQLite has neither GIN nor arrays, and keeps the LIKE."""
from django.db import migrations

INDEXES = {
    "case_words": "ON cases_case USING gin (string_to_array(words, ' '))",
    "case_uncut": "ON cases_case (id) WHERE words = ''",
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, definition in INDEXES.items():
        # CONCURRENTLY: at 10 M cases the build takes minutes, and a plain CREATE INDEX would hold
        # off every intake meanwhile. A concurrent build that failed leaves an invalid index that
        # IF NOT EXISTS would skip: such a one is dropped and built again.
        with schema_editor.connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_class c JOIN pg_index i ON i.indexrelid = c.oid "
                           "WHERE c.relname = %s AND NOT i.indisvalid", [name])
            if cursor.fetchone():
                schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {name}")
        schema_editor.execute(f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {name} {definition}")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name in INDEXES:
            schema_editor.execute(f"DROP INDEX CONCURRENTLY IF EXISTS {name}")


class Migration(migrations.Migration):
    atomic = False  # CREATE INDEX CONCURRENTLY cannot run inside a transaction

    dependencies = [
        ('cases', '0016_grid_month_index'),
    ]

    operations = [migrations.RunPython(create, drop, atomic=False)]
