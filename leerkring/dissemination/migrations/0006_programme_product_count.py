"""Each programme's number of shareable products, kept (issue 17): filled from the products
there are; from here on `dissemination.product_counts` keeps it."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import Count


def counts_fill(apps, schema_editor):
    Programme = apps.get_model("communities", "Programme")
    Product = apps.get_model("dissemination", "Product")
    ProgrammeProductCount = apps.get_model("dissemination", "ProgrammeProductCount")
    counts = dict(
        Product.objects.filter(shareable=True)
        .values("programme_id")
        .annotate(n=Count("pk"))
        .values_list("programme_id", "n")
        .order_by()
    )
    ProgrammeProductCount.objects.bulk_create(
        [
            ProgrammeProductCount(programme_id=pk, shared=counts.get(pk, 0))
            for pk in Programme.objects.values_list("pk", flat=True)
        ]
    )


class Migration(migrations.Migration):
    dependencies = [
        ("communities", "0005_satisfaction_question_help"),
        ("dissemination", "0005_product_programme_newest"),
    ]

    operations = [
        migrations.CreateModel(
            name="ProgrammeProductCount",
            fields=[
                (
                    "programme",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="+",
                        serialize=False,
                        to="communities.programme",
                    ),
                ),
                ("shared", models.PositiveIntegerField(default=0)),
            ],
        ),
        migrations.RunPython(counts_fill, migrations.RunPython.noop),
    ]
