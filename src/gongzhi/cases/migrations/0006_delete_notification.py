"""Notices moved to core (they can point at any object now): copy the case notices over, then drop
the old table. The message text is not copied: core renders it from the event in the reader's language."""
from django.db import migrations


def copy_notices(apps, schema_editor):
    Notification = apps.get_model("cases", "Notification")
    Notice = apps.get_model("core", "Notice")
    ContentType = apps.get_model("contenttypes", "ContentType")
    case_type, _ = ContentType.objects.get_or_create(app_label="cases", model="case")
    batch = []
    for old in Notification.objects.select_related("case").iterator(chunk_size=2000):
        # Old keys look like "case:12:entry:34" or "case:12:overdue:role:2026..."; the event is the move's.
        parts = old.event_key.split(":")
        event = parts[2] if len(parts) > 2 and parts[2] != "entry" else "register"
        event = {"near": "deadline_near", "unreported": "whistle_unreported"}.get(event, event)
        batch.append(Notice(user_id=old.user_id, content_type_id=case_type.pk, object_id=old.case_id,
                            event=f"cases.{event}", event_key=old.event_key,
                            params={"number": old.case.number, "title": old.case.title, "levels": []},
                            read_at=old.read_at))
        if len(batch) >= 2000:
            Notice.objects.bulk_create(batch, ignore_conflicts=True)
            batch = []
    Notice.objects.bulk_create(batch, ignore_conflicts=True)


class Migration(migrations.Migration):

    dependencies = [
        ("cases", "0005_default_category_attributes"),
        ("core", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(copy_notices, migrations.RunPython.noop),
        migrations.DeleteModel(name="Notification"),
    ]
