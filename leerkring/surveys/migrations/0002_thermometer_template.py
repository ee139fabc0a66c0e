"""Install the built-in thermometer questionnaire (Bijlage 5) as a template."""

from django.db import migrations


def _models(apps):
    return {
        name: apps.get_model("surveys", name)
        for name in ("Questionnaire", "Section", "Question", "Option", "Statement")
    }


def install(apps, schema_editor):
    from leerkring.surveys.thermometer import template_install

    template_install(**_models(apps))


def uninstall(apps, schema_editor):
    from leerkring.surveys.thermometer import template_uninstall

    template_uninstall(**_models(apps))


class Migration(migrations.Migration):
    dependencies = [("surveys", "0001_initial")]

    operations = [migrations.RunPython(install, uninstall)]
