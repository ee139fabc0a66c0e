"""Observations stored before keep only counts and kinds in their pre-filled part.

The snapshot used to hold agenda titles, "geleid door <name>", names of organisations present
and absent (an organisation with one member names that member) and titles of signals. This
rewrites every stored snapshot into the shape evaluation/prefill.py makes now; it can run
twice, and it cannot be undone (the names are gone, on purpose)."""

from collections import Counter

from django.db import migrations

def _type_label(organisation_model, value):
    field = organisation_model._meta.get_field("type")
    return str(dict(field.choices).get(value, value))


def clean_attendance(data, organisation_model):
    if not isinstance(data, dict) or not isinstance(data.get("organisations_present"), list):
        return data
    present = data.pop("organisations_present")
    absent = data.pop("organisations_absent", None) or []
    types = Counter(
        organisation_model.objects.filter(name__in=present).values_list("type", flat=True)
    )
    data["organisation_types_present"] = [
        {"type": _type_label(organisation_model, value), "count": count}
        for value, count in types.items()
    ]
    data["organisations_present"] = len(present)
    data["organisations"] = len(present) + len(absent)
    return data


def clean_guidance(data):
    if isinstance(data, dict) and isinstance(data.get("items"), list):
        items = data["items"]
        data["items"] = len(items)
        data["items_led"] = sum(1 for item in items if item.get("led_by"))
    return data


def clean_work_forms(data):
    if isinstance(data, dict) and isinstance(data.get("items"), list):
        items = data["items"]
        data["items"] = len(items)
        data["without_work_form"] = sum(1 for item in items if not item.get("work_form"))
    return data


def clean_perspective(data):
    if isinstance(data, dict) and isinstance(data.get("items"), list):
        hows = Counter(item.get("how", "") for item in data.pop("items"))
        data["ways"] = [{"how": how, "count": count} for how, count in hows.items()]
    return data


def clean_topics(data):
    if not isinstance(data, dict):
        return data
    for category in data.get("categories", []):
        if isinstance(category.get("items"), list):
            category["items"] = len(category["items"])
    if isinstance(data.get("uncategorised"), list):
        data["uncategorised"] = len(data["uncategorised"])
    return data


def clean_signals(data):
    if isinstance(data, dict) and isinstance(data.get("passed_on"), list):
        data["passed_on"] = len(data["passed_on"])
    return data


def clean_snapshot(snapshot, organisation_model):
    if not isinstance(snapshot, dict):
        return snapshot
    if "attendance" in snapshot:
        snapshot["attendance"] = clean_attendance(snapshot["attendance"], organisation_model)
    for key, clean in (
        ("guidance", clean_guidance),
        ("work_forms", clean_work_forms),
        ("perspective", clean_perspective),
        ("topics", clean_topics),
        ("signals", clean_signals),
    ):
        if key in snapshot:
            snapshot[key] = clean(snapshot[key])
    return snapshot


def forwards(apps, schema_editor):
    Observation = apps.get_model("evaluation", "Observation")
    Organisation = apps.get_model("communities", "Organisation")
    for observation in Observation.objects.exclude(prefill={}).iterator(chunk_size=500):
        observation.prefill = clean_snapshot(observation.prefill, Organisation)
        observation.save(update_fields=["prefill"])


class Migration(migrations.Migration):
    dependencies = [
        ("evaluation", "0002_observation_schema"),
        ("communities", "0001_initial"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
