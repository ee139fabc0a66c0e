"""A GIN index for the venster's Dutch full-text search, on PostgreSQL only.

The expression is the one `signalling.search.signal_document()` produces, built through the
schema editor from that same expression, so queries and index cannot drift apart. SQLite has
no full-text index here; the search falls back to substring matching there.
"""

from django.db import migrations

INDEX_NAME = "signal_search_dutch"


def _index():
    from django.contrib.postgres.indexes import GinIndex
    from django.contrib.postgres.search import SearchVector

    return GinIndex(SearchVector("title", "description", config="dutch"), name=INDEX_NAME)


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.add_index(apps.get_model("signalling", "Signal"), _index())


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f'DROP INDEX IF EXISTS "{INDEX_NAME}"')


class Migration(migrations.Migration):
    dependencies = [("signalling", "0002_venster")]

    operations = [migrations.RunPython(create_index, drop_index)]
