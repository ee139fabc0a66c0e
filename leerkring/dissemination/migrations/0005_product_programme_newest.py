"""An index in the catalogue's order within a programme (issue 17): the page reads its 25
products, not every product of the programme."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("communities", "0005_satisfaction_question_help"),
        ("dissemination", "0004_community_links"),
    ]

    operations = [
        migrations.AddIndex(
            model_name='product',
            index=models.Index(fields=['programme', '-updated_at', '-id'], name='product_programme_newest'),
        ),
    ]
