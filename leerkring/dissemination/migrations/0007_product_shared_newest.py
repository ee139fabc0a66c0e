"""A programme's newest shared products, walked by search (`search.selectors`, issue 17)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("dissemination", "0006_programme_product_count"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="product",
            index=models.Index(
                condition=models.Q(("shareable", True)),
                fields=["programme", "-id"],
                name="product_programme_shared",
            ),
        ),
    ]
