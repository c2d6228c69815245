from django.db import migrations, models

# The statuses of an open case when this migration was written (models.OPEN_STATUSES).
OPEN = ("registered", "dispatched", "handling", "whistled", "fed_back")
BATCH = 2000


def cut_words_of_open_cases(apps, schema_editor):
    """Only open cases are compared by the similar-case search: their words are cut here, in
    batches by id (the open backlog, not the history). Closed ones stay empty (cut if reopened)."""
    from gongzhi.cases.textserve import case_words

    Case = apps.get_model("cases", "Case")
    last = 0
    while True:
        batch = list(Case.objects.filter(status__in=OPEN, pk__gt=last).order_by("pk").only("pk", "title", "description")[:BATCH])
        if not batch:
            return
        for case in batch:
            case.words = case_words(case.title, case.description)
        Case.objects.bulk_update(batch, ["words"])
        last = batch[-1].pk


class Migration(migrations.Migration):

    dependencies = [
        ("cases", "0013_report_drafts"),
    ]

    operations = [
        migrations.AddField(
            model_name="case",
            name="words",
            field=models.TextField(blank=True, default="", editable=False),
        ),
        migrations.RunPython(cut_words_of_open_cases, migrations.RunPython.noop, elidable=True),
    ]
