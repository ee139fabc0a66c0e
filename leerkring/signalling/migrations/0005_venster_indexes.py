"""Indexes for the venster's default order: the waiting rows (a partial index on the deadline
column, open and never answered), then the rest newest first."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("signalling", "0004_signal_search_vector")]

    operations = [
        migrations.AddIndex(
            model_name="signal",
            index=models.Index(fields=["-raised_on", "-id"], name="signal_raised_on_id"),
        ),
        migrations.AddIndex(
            model_name="signal",
            index=models.Index(
                fields=["passed_on_at"],
                name="signal_awaiting_feedback",
                condition=models.Q(last_feedback_at__isnull=True)
                & ~models.Q(state__in=["draft", "resolved", "no_follow_up"]),
            ),
        ),
    ]
