"""The five topic categories of the evaluation report (§3.2.2) with their subtopics.

Shared by agendas, signals and (later) the knowledge view, so that "what a community talks
about" is counted the same way everywhere.
"""

from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _


class TopicCategory(models.TextChoices):
    COOPERATION = "cooperation", _("Samenwerken")
    TARGET_GROUPS = "target_groups", _("Specifieke doelgroepen")
    LIFE_DOMAINS = "life_domains", _("Leefdomeinen statushouders")
    OWN_WORK = "own_work", _("Verbeteren eigen werk(proces)")
    PROCEDURES = "procedures", _("Procedures")


SUBTOPICS: dict[str, list[str]] = {
    TopicCategory.COOPERATION: [
        _("Samenwerking gemeente en COA"),
        _("Samenwerken met ketenpartners en taalscholen"),
        _("Regievoering"),
    ],
    TopicCategory.TARGET_GROUPS: [
        _("Gezinsmigranten"),
        _("Jongeren"),
        _("Jongeren tussen wal en schip"),
    ],
    TopicCategory.LIFE_DOMAINS: [
        _("Financieel ontzorgen"),
        _("Duale aspect (taal en participatie)"),
        _("Participatie"),
        _("Werk"),
        _("Kinderopvang"),
        _("Huisvesting"),
        _("Mentale gezondheid"),
    ],
    TopicCategory.OWN_WORK: [
        _("Managen caseload"),
        _("Professionalisering"),
        _("Cultuursensitiviteit"),
    ],
    TopicCategory.PROCEDURES: [
        _("PIP-termijn"),
        _("Wachttijden"),
        _("Snelheid en doorstroom"),
        _("Flexibiliteit en maatwerk"),
    ],
}


class SolutionLevel(models.TextChoices):
    LOCAL = "local", _("Lokaal")
    REGIONAL = "regional", _("Regionaal")
    NATIONAL = "national", _("Landelijk")


class InfluenceLevel(models.TextChoices):
    OWN_PRACTICE = "own_practice", _("Eigen praktijk")
    LOCAL_POLICY = "local_policy", _("Lokaal beleid")
    SYSTEM = "system", _("Stelsel")


def subtopic_choices() -> list:
    """Choices for the subtopic of a lesson, agreement or signal, grouped by topic category.
    The stored value is the Dutch name, so counts do not depend on the language of the one who
    typed it in."""
    choices: list = [("", _("Geen of ander onderwerp"))]
    for category, subtopics in SUBTOPICS.items():
        with translation.override("nl"):
            values = [str(subtopic) for subtopic in subtopics]
        choices.append((TopicCategory(category).label, list(zip(values, subtopics, strict=True))))
    return choices
