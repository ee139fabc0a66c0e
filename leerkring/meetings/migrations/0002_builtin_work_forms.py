"""The built-in work-form catalogue (report §3.2.2 and the issue's list)."""

from django.db import migrations

WORK_FORMS = [
    ("group_discussion", "Bespreken in groepjes met plenaire terugkoppeling"),
    ("presentation", "Presentatie"),
    ("interview", "Interview"),
    ("fishbowl", "Vissenkom"),
    ("case_discussion", "Casusbespreking"),
    ("work_visit", "Werkbezoek"),
    ("homework", "Huiswerkopdracht"),
    ("guest_speaker", "Gastspreker"),
    ("intervision", "Intervisie"),
    ("acquaintance_round", "Kennismakingsronde"),
]


def add_work_forms(apps, schema_editor):
    WorkForm = apps.get_model("meetings", "WorkForm")
    for position, (key, name) in enumerate(WORK_FORMS):
        WorkForm.objects.update_or_create(
            programme=None, key=key, defaults={"name": name, "position": position}
        )


def remove_work_forms(apps, schema_editor):
    apps.get_model("meetings", "WorkForm").objects.filter(
        programme=None, key__in=[key for key, _ in WORK_FORMS]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("meetings", "0001_initial")]
    operations = [migrations.RunPython(add_work_forms, remove_work_forms)]
