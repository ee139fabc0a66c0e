"""An event's counts of registrations with a seat, on the waiting list and waiting for the
address check, kept on the event (issue 17), filled from the registrations there are. From here
on `events.seat_counts` keeps them.
"""

from django.db import migrations, models
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce


def seat_counts_fill(apps, schema_editor):
    # The same counts as `seat_counts.counted_seats`, on this migration's own models.
    Event = apps.get_model("events", "Event")
    Registration = apps.get_model("events", "Registration")

    def counted(status):
        return Coalesce(
            Subquery(
                Registration.objects.filter(event=OuterRef("pk"), status=status)
                .order_by()
                .values("event")
                .annotate(n=Count("pk"))
                .values("n"),
                output_field=IntegerField(),
            ),
            0,
        )

    Event.objects.update(
        kept_confirmed=counted("confirmed"),
        kept_waitlisted=counted("waitlisted"),
        kept_pending=counted("pending"),
    )


class Migration(migrations.Migration):

    dependencies = [
        ('events', '0001_events'),
    ]

    operations = [
        migrations.AddField(
            model_name='event',
            name='kept_confirmed',
            field=models.PositiveIntegerField(default=0, editable=False),
        ),
        migrations.AddField(
            model_name='event',
            name='kept_pending',
            field=models.PositiveIntegerField(default=0, editable=False),
        ),
        migrations.AddField(
            model_name='event',
            name='kept_waitlisted',
            field=models.PositiveIntegerField(default=0, editable=False),
        ),
        migrations.RunPython(seat_counts_fill, migrations.RunPython.noop),
    ]
