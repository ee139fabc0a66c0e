"""GIN indexes for the Dutch full-text search of the big tables, on PostgreSQL only.

Each index is built on exactly the expression `search.fulltext.document(...)` produces for its
source in `search.providers`, so the planner can use it. Signals need none here: search reads
the venster's stored document and its index (signalling 0004). SQLite falls back to substring
matching and gets no index.
"""

from django.db import migrations

INDEXES = [
    ("meetings", "Lesson", ("text",), "lesson_search_dutch"),
    ("meetings", "Message", ("body",), "message_search_dutch"),
    ("dissemination", "Product", ("title", "summary"), "product_search_dutch"),
]


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    from django.contrib.postgres.indexes import GinIndex
    from django.contrib.postgres.search import SearchVector

    for app_label, model_name, fields, name in INDEXES:
        index = GinIndex(SearchVector(*fields, config="dutch"), name=name)
        schema_editor.add_index(apps.get_model(app_label, model_name), index)


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for _app, _model, _fields, name in INDEXES:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0002_builtin_work_forms"),
        ("dissemination", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_indexes, drop_indexes)]
