"""An index in the order the organisers' list of registrations shows them, on PostgreSQL only.

`selectors.registrations_for_organisers` orders by status, then the waiting list's order
(`waitlisted_at`, those without first), then created_at and id; with this index a page of the
list reads the rows of that page (and those before it), not every registration of the event to
sort them. SQLite cannot put NULLS FIRST in an index, and sorts a session's rows well enough.
"""

from django.db import migrations

INDEX_NAME = "registration_list_order"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f'CREATE INDEX "{INDEX_NAME}" ON "events_registration" '
        '("event_id", "status", "waitlisted_at" ASC NULLS FIRST, "created_at", "id")'
    )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f'DROP INDEX IF EXISTS "{INDEX_NAME}"')


class Migration(migrations.Migration):
    dependencies = [("events", "0003_programme_event_indexes")]

    operations = [migrations.RunPython(create_index, drop_index)]
