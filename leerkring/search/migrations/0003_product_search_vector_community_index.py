"""Products get a stored Dutch search document, communities a GIN index (PostgreSQL only,
issue 17).

A search ranks its product candidates, and tests the programme's products that match, by
their documents: from the text, rebuilt per product and request. The generated column keeps
the document beside the row (as for lessons, migration 0002) and its GIN index replaces the
expression index of migration 0001. The expression is the one `fulltext.document("title",
"summary")` produces.

Communities had no index at all: a coordinator's search built the document of every community
of the programme (2,250 at five times national scale) to find the few that match. The index is
on exactly the expression `fulltext.document("name", "theme")` produces.
"""

from django.db import migrations

PRODUCT_DOCUMENT = (
    "to_tsvector('dutch'::regconfig, COALESCE(title, '') || ' ' || COALESCE(summary, ''))"
)
COMMUNITY_DOCUMENT = (
    "to_tsvector('dutch'::regconfig, COALESCE(name, '') || ' ' || COALESCE(theme, ''))"
)


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        "ALTER TABLE dissemination_product ADD COLUMN search_vector tsvector "
        f"GENERATED ALWAYS AS ({PRODUCT_DOCUMENT}) STORED"
    )
    schema_editor.execute(
        'CREATE INDEX "product_search_vector" ON dissemination_product USING gin (search_vector)'
    )
    schema_editor.execute('DROP INDEX IF EXISTS "product_search_dutch"')
    schema_editor.execute(
        'CREATE INDEX "community_search_dutch" ON communities_community USING gin '
        f"({COMMUNITY_DOCUMENT})"
    )
    # The table was rewritten: the planner needs its figures again to pick the new indexes.
    schema_editor.execute("ANALYZE dissemination_product")
    schema_editor.execute("ANALYZE communities_community")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute('DROP INDEX IF EXISTS "community_search_dutch"')
    schema_editor.execute('DROP INDEX IF EXISTS "product_search_vector"')
    schema_editor.execute("ALTER TABLE dissemination_product DROP COLUMN IF EXISTS search_vector")
    schema_editor.execute(
        'CREATE INDEX "product_search_dutch" ON dissemination_product USING gin '
        f"({PRODUCT_DOCUMENT})"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0002_lesson_search_vector"),
        ("dissemination", "0006_programme_product_count"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
