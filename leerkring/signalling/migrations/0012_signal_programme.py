"""The community's programme kept on each signal, with an index on a programme's newest
signals (issue 17): search walks the newest signals of the programmes a person reads without
reading those of every other programme on the way. Filled from the communities here; from now
on `Signal.save()` sets it, and the bulk writers (synthetic network, demo data) name it.
"""

import django.db.models.deletion
from django.db import migrations, models


def programme_fill(apps, schema_editor):
    # One statement on both databases (a correlated subquery, not PostgreSQL's UPDATE … FROM).
    schema_editor.execute(
        "UPDATE signalling_signal SET programme_id = (SELECT c.programme_id FROM "
        "communities_community c WHERE c.id = signalling_signal.community_id)"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("communities", "0005_satisfaction_question_help"),
        ("signalling", "0011_system_inbox_tally"),
    ]

    operations = [
        migrations.AddField(
            model_name="signal",
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
            model_name="signal",
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
            model_name="signal",
            index=models.Index(fields=["programme", "-id"], name="signal_programme_newest"),
        ),
    ]
