"""Install the built-in observation schema (Bijlage 4) as a template."""

from django.db import migrations


def _models(apps):
    return {
        name: apps.get_model("evaluation", name)
        for name in ("ObservationTemplate", "ObservationQuestion")
    }


def install(apps, schema_editor):
    from leerkring.evaluation.observation_schema import template_install

    template_install(**_models(apps))


def uninstall(apps, schema_editor):
    from leerkring.evaluation.observation_schema import template_uninstall

    template_uninstall(**_models(apps), Observation=apps.get_model("evaluation", "Observation"))


class Migration(migrations.Migration):
    dependencies = [("evaluation", "0001_initial")]

    operations = [migrations.RunPython(install, uninstall)]
