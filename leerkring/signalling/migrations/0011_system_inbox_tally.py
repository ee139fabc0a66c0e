"""The system partners' inbox count per programme, kept (issue 17), filled from the marks
there are. From here on `signalling.system_marks` keeps it.
"""

import django.db.models.deletion
from django.db import migrations, models


def counts_fill(apps, schema_editor):
    # The same rule as the running code, on this migration's own models.
    from leerkring.signalling.system_marks import inbox_counts_update

    inbox_counts_update(
        apps.get_model("signalling", "Signal"), apps.get_model("signalling", "SystemInboxTally")
    )


class Migration(migrations.Migration):

    dependencies = [
        ('communities', '0005_satisfaction_question_help'),
        ('signalling', '0010_signal_system_marks'),
    ]

    operations = [
        migrations.CreateModel(
            name='SystemInboxTally',
            fields=[
                ('programme', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='+', serialize=False, to='communities.programme')),
                ('escalated', models.PositiveIntegerField(default=0)),
            ],
        ),
        migrations.RunPython(counts_fill, migrations.RunPython.noop),
    ]
