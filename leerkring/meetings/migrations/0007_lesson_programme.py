"""The community's programme kept on each lesson, with an index on a programme's newest shared
lessons (issue 17): search walks the newest shared lessons of the programme a person reads
without reading those of every other programme on the way. Filled from the communities here;
from now on `Lesson.save()` sets it, and the bulk writers (synthetic network, demo data) name
it.
"""

import django.db.models.deletion
from django.db import migrations, models


def programme_fill(apps, schema_editor):
    # One statement on both databases (a correlated subquery, not PostgreSQL's UPDATE … FROM).
    schema_editor.execute(
        "UPDATE meetings_lesson SET programme_id = (SELECT c.programme_id FROM "
        "communities_community c WHERE c.id = meetings_lesson.community_id)"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("communities", "0005_satisfaction_question_help"),
        ("meetings", "0006_thread_without_community_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="lesson",
            name="programme",
            field=models.ForeignKey(
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="communities.programme",
                db_index=False,
            ),
        ),
        migrations.RunPython(programme_fill, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="lesson",
            name="programme",
            field=models.ForeignKey(
                editable=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="communities.programme",
                db_index=False,
            ),
        ),
        migrations.AddIndex(
            model_name="lesson",
            index=models.Index(
                condition=models.Q(("shareable", True)),
                fields=["programme", "-id"],
                name="lesson_programme_shared",
            ),
        ),
    ]
