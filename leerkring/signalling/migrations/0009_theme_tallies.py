"""Each theme's signal figures in a row of their own (issue 17), filled from today's signals.

From here on `signalling.tallies` keeps them when a signal changes; the theme list and the top
five read them instead of counting every signal of the programme per request.
"""

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


def tallies_fill(apps, schema_editor):
    # The same counting as the running code, on this migration's own models.
    from leerkring.signalling.tallies import tally_rows

    Signal = apps.get_model("signalling", "Signal")
    SignalTheme = apps.get_model("signalling", "SignalTheme")
    SignalThemeTally = apps.get_model("signalling", "SignalThemeTally")
    ids = list(SignalTheme.objects.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), 200):
        rows = tally_rows(Signal, ids[start : start + 200])
        SignalThemeTally.objects.bulk_create([SignalThemeTally(**row) for row in rows])


class Migration(migrations.Migration):

    dependencies = [
        ('signalling', '0008_freeze_past_lcc_meetings'),
    ]

    operations = [
        migrations.CreateModel(
            name='SignalThemeTally',
            fields=[
                ('theme', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='tally', serialize=False, to='signalling.signaltheme')),
                ('passed_on', models.PositiveIntegerField(default=0)),
                ('open', models.PositiveIntegerField(default=0)),
                ('communities', models.PositiveIntegerField(default=0)),
                ('communities_open', models.PositiveIntegerField(default=0)),
                ('latest', models.DateField(blank=True, null=True)),
                ('latest_open', models.DateField(blank=True, null=True)),
                ('open_since', models.DateField(blank=True, null=True)),
                ('open_by_day', models.JSONField(blank=True, default=dict)),
                ('refreshed_at', models.DateTimeField(default=django.utils.timezone.now)),
            ],
        ),
        migrations.RunPython(tallies_fill, migrations.RunPython.noop),
    ]
