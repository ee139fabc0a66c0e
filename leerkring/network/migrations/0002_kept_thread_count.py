"""A network's number of threads, kept on the network (issue 17), filled from the links there
are. From here on `network.thread_counts` keeps it.
"""

from django.db import migrations, models
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce


def thread_counts_fill(apps, schema_editor):
    # The same count as `thread_counts.counted_threads`, on this migration's own models.
    Network = apps.get_model("network", "Network")
    NetworkThread = apps.get_model("network", "NetworkThread")
    links = (
        NetworkThread.objects.filter(network=OuterRef("pk"))
        .order_by()
        .values("network")
        .annotate(n=Count("pk"))
        .values("n")
    )
    Network.objects.update(
        kept_thread_count=Coalesce(Subquery(links, output_field=IntegerField()), 0)
    )


class Migration(migrations.Migration):

    dependencies = [
        ('network', '0001_networks'),
    ]

    operations = [
        migrations.AddField(
            model_name='network',
            name='kept_thread_count',
            field=models.PositiveIntegerField(default=0, editable=False),
        ),
        migrations.RunPython(thread_counts_fill, migrations.RunPython.noop),
    ]
