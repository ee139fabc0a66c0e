"""A stored Dutch search document for lessons, on PostgreSQL only (issue 17).

Migration 0001 indexed the expression `to_tsvector('dutch', text)`. The index finds the
matches, but a search that walks a programme's newest shared lessons (`selectors.
newest_matches`) tests each of them, and ranking rebuilds the document of every candidate:
from the text, that is 80 ms for 2,000 lessons. A generated column keeps the document beside
the row (as the signals' does, signalling 0004); its GIN index replaces the expression index.
The expression is the one `fulltext.document("text")` produces, so the lexemes (and their
positions) are the same.

The Django model does not declare the column: SQLite has none, and `search.providers` reads it
only on PostgreSQL.
"""

from django.db import migrations

TABLE = "meetings_lesson"
COLUMN = "search_vector"
INDEX_NAME = "lesson_search_vector"
OLD_INDEX_NAME = "lesson_search_dutch"
DOCUMENT = "to_tsvector('dutch'::regconfig, COALESCE(text, ''))"


def add_column(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"ALTER TABLE {TABLE} ADD COLUMN {COLUMN} tsvector GENERATED ALWAYS AS ({DOCUMENT}) STORED"
    )
    schema_editor.execute(f'CREATE INDEX "{INDEX_NAME}" ON {TABLE} USING gin ({COLUMN})')
    schema_editor.execute(f'DROP INDEX IF EXISTS "{OLD_INDEX_NAME}"')
    # The table was rewritten: the planner needs its figures again to walk the new indexes.
    schema_editor.execute(f"ANALYZE {TABLE}")


def drop_column(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f'DROP INDEX IF EXISTS "{INDEX_NAME}"')
    schema_editor.execute(f"ALTER TABLE {TABLE} DROP COLUMN IF EXISTS {COLUMN}")
    schema_editor.execute(f'CREATE INDEX "{OLD_INDEX_NAME}" ON {TABLE} USING gin ({DOCUMENT})')


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0001_search_indexes"),
        ("meetings", "0007_lesson_programme"),
    ]

    operations = [migrations.RunPython(add_column, drop_column)]
