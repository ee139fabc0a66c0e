"""The index a system partner's search walks: a programme's newest signals with a system mark."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('communities', '0008_kept_community_counts'),
        ('meetings', '0007_lesson_programme'),
        ('signalling', '0014_venster_tallies'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name='signal',
            index=models.Index(condition=models.Q(('system_escalated_at__isnull', False)), fields=['programme', '-id'], name='signal_programme_system'),
        ),
    ]
