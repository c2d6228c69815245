"""A covering index for a grid's month as the cockpit recounts it after each move
(cases.cockpit._count_one_grid): PostgreSQL answers the recount from the index alone. Made here
and not in Case.Meta because SQLite has no INCLUDE: there it would be a plain (grid_code,
created_at) index that its planner prefers to case_scope_status_time for the inbox and the
similar-case search, reading closed cases it then throws away."""
from django.db import migrations

COLUMNS = "id, status, resolve_by, rating, responded_at, respond_by, rating_solved, category_id"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE INDEX IF NOT EXISTS case_grid_month ON cases_case (grid_code, created_at) "
                              f"INCLUDE ({COLUMNS})")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS case_grid_month")


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0015_case_vector'),
    ]

    operations = [migrations.RunPython(create, drop)]
