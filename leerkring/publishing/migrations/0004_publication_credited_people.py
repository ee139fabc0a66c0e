"""Who each publication names as its authors, kept on the publication (issue 17), filled from
the credits there are. From here on `publishing.credited` keeps it.
"""

from django.db import migrations, models


def credited_people_fill(apps, schema_editor):
    # The same rule as the running code, on this migration's own models.
    from leerkring.publishing.credited import credited_update

    Publication = apps.get_model("publishing", "Publication")
    PublicationCredit = apps.get_model("publishing", "PublicationCredit")
    credited_update(Publication.objects.all(), PublicationCredit.objects.all())


class Migration(migrations.Migration):

    dependencies = [
        ("publishing", "0003_public_counts"),
    ]

    operations = [
        migrations.AddField(
            model_name="publication",
            name="credited_people",
            field=models.JSONField(default=list, editable=False),
        ),
        migrations.RunPython(credited_people_fill, migrations.RunPython.noop),
    ]
