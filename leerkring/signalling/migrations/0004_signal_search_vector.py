"""A stored Dutch search document for signals, on PostgreSQL only.

Migration 0003 indexed the expression `to_tsvector('dutch', title || ' ' || description)`. The
index finds the matches, but every match was then rechecked, ranked and (for similar signals)
scored by building its document again from the text. A generated column keeps the document
beside the row, so none of that is rebuilt per request; its GIN index replaces the expression
index. The expression is the one `search.signal_document()` produces, so the lexemes (and their
positions) are the same.

The Django model does not declare the column: SQLite has none, and `search.py` and
`similarity.py` read it only on PostgreSQL.
"""

from django.db import migrations

COLUMN = "search_vector"
INDEX_NAME = "signal_search_vector"
OLD_INDEX_NAME = "signal_search_dutch"


def add_column(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"ALTER TABLE signalling_signal ADD COLUMN {COLUMN} tsvector GENERATED ALWAYS AS "
        "(to_tsvector('dutch'::regconfig, COALESCE(title, '') || ' ' || "
        "COALESCE(description, ''))) STORED"
    )
    schema_editor.execute(f'CREATE INDEX "{INDEX_NAME}" ON signalling_signal USING gin ({COLUMN})')
    schema_editor.execute(f'DROP INDEX IF EXISTS "{OLD_INDEX_NAME}"')


def drop_column(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f'DROP INDEX IF EXISTS "{INDEX_NAME}"')
    schema_editor.execute(f"ALTER TABLE signalling_signal DROP COLUMN IF EXISTS {COLUMN}")
    schema_editor.execute(
        f'CREATE INDEX "{OLD_INDEX_NAME}" ON signalling_signal USING gin '
        "(to_tsvector('dutch'::regconfig, COALESCE(title, '') || ' ' || "
        "COALESCE(description, '')))"
    )


class Migration(migrations.Migration):
    dependencies = [("signalling", "0003_signal_search_index")]

    operations = [migrations.RunPython(add_column, drop_column)]
