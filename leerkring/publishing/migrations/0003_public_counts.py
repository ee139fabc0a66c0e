"""The public knowledge base's counts per programme, kind, topic, region and year (issue 17),
counted from the publications there are. From here on `publishing.counts` keeps them."""

import django.db.models.deletion
from django.db import migrations, models


def public_counts_fill(apps, schema_editor):
    # The same rule as the running code, on this migration's own models.
    from leerkring.publishing.counts import counted_rows

    Publication = apps.get_model("publishing", "Publication")
    PublicCount = apps.get_model("publishing", "PublicCount")
    public = Publication.objects.filter(status="published", source_shared=True)
    PublicCount.objects.bulk_create(
        counted_rows(publications=public, count_model=PublicCount), batch_size=1000
    )


class Migration(migrations.Migration):

    dependencies = [
        ('communities', '0007_membership_guides_index'),
        ('publishing', '0002_publication_source_shared'),
    ]

    operations = [
        migrations.CreateModel(
            name='PublicCount',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(blank=True, max_length=10)),
                ('product_kind', models.CharField(blank=True, max_length=20)),
                ('topic_category', models.CharField(blank=True, max_length=20)),
                ('region', models.CharField(blank=True, max_length=80)),
                ('year', models.PositiveSmallIntegerField()),
                ('count', models.PositiveIntegerField()),
                ('programme', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='communities.programme')),
            ],
            options={
                'indexes': [models.Index(fields=['programme', 'topic_category', 'kind', 'product_kind'], name='public_count_topic')],
                'constraints': [models.UniqueConstraint(fields=('programme', 'kind', 'product_kind', 'topic_category', 'region', 'year'), name='public_count_once')],
            },
        ),
        migrations.RunPython(public_counts_fill, migrations.RunPython.noop),
    ]
