"""A network's number of members and the date until which it holds, kept on the network
(issue 17), filled from the seats and invitations there are. From here on
`network.member_counts` keeps them.
"""

from django.db import migrations, models
from django.db.models import Min, Q
from django.utils import timezone

GUIDE_ROLES = ["lead", "facilitator", "lead_facilitator"]


def member_counts_fill(apps, schema_editor):
    # The same count as `member_counts.refresh_network_member_counts`, on this migration's
    # own models.
    Network = apps.get_model("network", "Network")
    NetworkMember = apps.get_model("network", "NetworkMember")
    Membership = apps.get_model("communities", "Membership")
    today = timezone.localdate()
    for pk in Network.objects.values_list("pk", flat=True):
        seats = Membership.objects.filter(
            role__in=GUIDE_ROLES, community__programme__networks=pk
        )
        guides = (
            seats.filter(Q(left_on__isnull=True) | Q(left_on__gt=today), joined_on__lte=today)
            .order_by()
            .values("person_id")
        )
        invited = NetworkMember.objects.filter(network_id=pk).order_by().values("person_id")
        changes = seats.aggregate(
            join=Min("joined_on", filter=Q(joined_on__gt=today)),
            leave=Min("left_on", filter=Q(left_on__gt=today)),
        )
        dates = [d for d in changes.values() if d]
        Network.objects.filter(pk=pk).update(
            kept_member_count=guides.union(invited).count(),
            kept_members_until=min(dates) if dates else None,
        )


class Migration(migrations.Migration):

    dependencies = [
        ('communities', '0007_membership_guides_index'),
        ('network', '0002_kept_thread_count'),
    ]

    operations = [
        migrations.AddField(
            model_name='network',
            name='kept_member_count',
            field=models.PositiveIntegerField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name='network',
            name='kept_members_until',
            field=models.DateField(blank=True, editable=False, null=True),
        ),
        migrations.RunPython(member_counts_fill, migrations.RunPython.noop),
    ]
