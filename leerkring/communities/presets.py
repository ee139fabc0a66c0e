"""Rule-profile presets, with the values of the seed documents (DESIGN.md §3).

Each preset is plain data so it can be shown beside the form, applied to a new programme and
compared against by the monitor later.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from .models import Organisation

T = Organisation.Type

RULE_PROFILE_PRESETS: dict[str, dict] = {
    # Evaluation report CoP's Inburgering (Divosa), §3.1 and §5.2.
    "inburgering": {
        "label": _("CoP's Inburgering (Divosa)"),
        "values": {
            "members_min": 10,
            "members_target": 20,
            "members_max": 40,
            "organisations_min": 5,
            "required_organisation_types": [T.MUNICIPALITY],
            "mix_municipality_and_executing": True,
            "meetings_per_year_min": 6,
            "meetings_per_year_max": 8,
            "meeting_interval_weeks": 7,
            "meeting_hours_min": Decimal("2.0"),
            "meeting_hours_max": Decimal("4.0"),
            "physical_meetings": True,
            "facilitators_required": 1,
            "lead_facilitator_separate": True,
            # Report §5.1.2: the inburgeraar's perspective is important and often missing.
            "monitor_perspective_meetings": 3,
            "notes": _(
                "Ongeveer twintig deelnemers uit minstens vijf organisaties, gemeenten en "
                "uitvoerders door elkaar; zes tot acht fysieke bijeenkomsten per jaar van twee "
                "tot vier uur; één communitytrekker en één onafhankelijke procesbegeleider."
            ),
        },
    },
    # Movisie, kenniskring BeterOud: nine steps to build a CoP.
    "movisie": {
        "label": _("Movisie negen stappen"),
        "values": {
            "required_organisation_types": [
                T.MUNICIPALITY,
                T.SOCIAL_SUPPORT,
                T.CLIENT_REPRESENTATION,
                T.VOLUNTEER,
                T.EDUCATION,
            ],
            "meetings_per_year_min": 8,
            "meeting_interval_weeks": 6,
            "duration_months_min": 18,
            "facilitators_required": 2,
            "facilitators_different_perspectives": True,
            "lead_facilitator_separate": False,
            "notes": _(
                "Diverse perspectieven aan tafel: gemeente, professionals, cliënten, burgers, "
                "vrijwilligers, ervaringsdeskundigen en onderwijs. Elke zes weken, minstens "
                "anderhalf jaar, met twee procesbegeleiders vanuit verschillende perspectieven."
            ),
        },
    },
    # Sociaal Werk in de Wijk flyer.
    "sww": {
        "label": _("Sociaal Werk in de Wijk"),
        "values": {
            "members_min": 5,
            "members_max": 10,
            "sessions_min": 6,
            "meeting_interval_weeks": 6,
            "facilitators_required": 1,
            "lead_facilitator_separate": False,
            "notes": _(
                "Vijf tot tien gelijkwaardige deelnemers, minstens zes sessies, met goede "
                "moderatie en procesbegeleiding."
            ),
        },
    },
    # Divosa article on the CoP Gewogen Maatwerk.
    "gewogen_maatwerk": {
        "label": _("CoP Gewogen Maatwerk"),
        "values": {
            "required_organisation_types": [T.MUNICIPALITY, T.EDUCATION, T.KNOWLEDGE_INSTITUTE],
            "meetings_per_year_min": 8,
            "meeting_interval_weeks": 6,
            "sessions_min": 12,
            "duration_months_min": 18,
            "facilitators_required": 1,
            "lead_facilitator_separate": True,
            "case_rotation": True,
            "shared_framework": True,
            "notes": _(
                "Twaalf sessies in anderhalf jaar; elke sessie brengt een deelnemende gemeente "
                "om de beurt een casus in, besproken vanuit een gedeeld theoretisch kader."
            ),
        },
    },
}


def preset_choices() -> list[tuple[str, str]]:
    return [(key, preset["label"]) for key, preset in RULE_PROFILE_PRESETS.items()]


def preset_values(key: str) -> dict:
    """The field values of a preset, with lazy texts made concrete for saving."""
    values = dict(RULE_PROFILE_PRESETS[key]["values"])
    values["notes"] = str(values.get("notes", ""))
    values["required_organisation_types"] = [
        str(t) for t in values.get("required_organisation_types", [])
    ]
    return values


# Report §6.3: what each scenario recommends. Shown in the new-community wizard.
SCENARIO_RECOMMENDATIONS: dict[str, dict[str, str]] = {
    "A": {
        "goal": _(
            "Elkaar lokaal leren kennen: korte lijnen tussen gemeente en uitvoerders in de regio."
        ),
        "composition": _(
            "Uitvoerende professionals uit de regio: gemeente, COA, taalaanbieders en "
            "maatschappelijke begeleiding. Een kleinere groep volstaat."
        ),
        "agenda": _(
            "Open agenda met kennismaking, werkbezoeken en presentaties over elkaars werk; "
            "ruimte voor actuele vragen."
        ),
        "guidance": _("Een communitytrekker uit de regio; lichte procesbegeleiding."),
        "results": _(
            "Een sociale kaart en contactlijst; leerpunten delen binnen de eigen organisaties."
        ),
    },
    "B": {
        "goal": _("Samen lokale knelpunten oplossen en de eigen werkwijze verbeteren."),
        "composition": _(
            "Gemeenten en uitvoerende organisaties door elkaar, minstens vijf organisaties, "
            "met ruimte voor het perspectief van de inburgeraar."
        ),
        "agenda": _(
            "Thematisch, met casusbesprekingen en intervisie; afspraken van de vorige keer "
            "komen terug op de agenda."
        ),
        "guidance": _(
            "Een communitytrekker én een onafhankelijke procesbegeleider, rollen gescheiden."
        ),
        "results": _(
            "Leerpunten en afspraken aan het eind van elke bijeenkomst expliciet benoemen; "
            "producten zoals een routekaart of factsheet."
        ),
    },
    "C": {
        "goal": _("Signalen over de uitvoering ophalen en het stelsel helpen verbeteren."),
        "composition": _(
            "Een landelijke of bovenregionale groep met specialisten per thema, aangevuld met "
            "beleidsmakers en ervaringsdeskundigen."
        ),
        "agenda": _(
            "Gericht op signalen: knelpunten verzamelen, bundelen tot hoofdvraagstukken en "
            "terugkoppeling bespreken."
        ),
        "guidance": _(
            "Een procesbegeleider met kennis van het stelsel; korte lijn met het landelijk "
            "coördinatiepunt."
        ),
        "results": _(
            "Signalen doorgeven via het venster, met terugkoppeling; adviezen en producten "
            "voor landelijk gebruik."
        ),
    },
}
