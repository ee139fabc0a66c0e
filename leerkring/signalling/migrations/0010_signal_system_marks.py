"""What the system partners' inbox sorts on, kept on the signal (issue 17), filled from the
escalations and answers there are. From here on `signalling.system_marks` keeps them.
"""

from django.conf import settings
from django.db import migrations, models


def marks_fill(apps, schema_editor):
    # The same rule as the running code, on this migration's own models.
    from leerkring.signalling.system_marks import system_marks_update

    Signal = apps.get_model("signalling", "Signal")
    Escalation = apps.get_model("signalling", "Escalation")
    SignalResponse = apps.get_model("signalling", "SignalResponse")
    escalated = Escalation.objects.filter(level="system").values("signal_id")
    system_marks_update(Signal, Escalation, SignalResponse, Signal.objects.filter(pk__in=escalated))


class Migration(migrations.Migration):

    dependencies = [
        ('communities', '0005_satisfaction_question_help'),
        ('meetings', '0005_thread_in_any_space'),
        ('signalling', '0009_theme_tallies'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='signal',
            name='system_answered',
            field=models.BooleanField(default=False, editable=False),
        ),
        migrations.AddField(
            model_name='signal',
            name='system_escalated_at',
            field=models.DateTimeField(blank=True, editable=False, null=True),
        ),
        migrations.RunPython(marks_fill, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name='signal',
            index=models.Index(condition=models.Q(('system_escalated_at__isnull', False)), fields=['system_answered', '-system_escalated_at', '-id'], name='signal_system_inbox'),
        ),
    ]
