"""Whether a publication's source is still shared, kept on the publication (issue 17), filled
from the lessons and products there are. From here on `publishing.sources` keeps it.
"""

from django.conf import settings
from django.db import migrations, models


def source_shared_fill(apps, schema_editor):
    # The same rule as the running code, on this migration's own models.
    from leerkring.publishing.sources import source_shared_update

    Publication = apps.get_model("publishing", "Publication")
    source_shared_update(Publication, Publication.objects.all())


class Migration(migrations.Migration):

    dependencies = [
        ('communities', '0005_satisfaction_question_help'),
        ('dissemination', '0003_random_link_tokens'),
        ('meetings', '0005_thread_in_any_space'),
        ('publishing', '0001_publications'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='publication',
            name='source_shared',
            field=models.BooleanField(default=False, editable=False),
        ),
        migrations.RunPython(source_shared_fill, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name='publication',
            index=models.Index(condition=models.Q(('source_shared', True), ('status', 'published')), fields=['programme', '-published_at', '-id'], name='publication_public'),
        ),
        migrations.AddIndex(
            model_name='publication',
            index=models.Index(condition=models.Q(('source_shared', True), ('status', 'published')), fields=['programme', 'region', 'dated_on'], name='publication_public_options'),
        ),
    ]
