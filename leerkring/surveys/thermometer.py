"""The thermometer questionnaire of the report (Bijlage 5), as a built-in template.

The structure, question texts and answer options follow the appendix word for word, so waves
run with it compare with the report's three measurements (May 2023, October 2023, January
2024). The introductions are written for Leerkring. Question 1 ("which CoP") lists the
programme's own communities when the questionnaire is answered, so it has no options here.

`template_install` takes the model classes as arguments so the data migration can pass its
historical models and tests can pass the real ones.
"""

from __future__ import annotations

from typing import Any

TEMPLATE_KEY = "thermometer"

OTHER = "Anders, namelijk…"

_GOALS = [
    "Reflecteren over onze dagelijkse uitvoeringspraktijk en bespreken van knelpunten",
    "Ontwikkelen van nieuwe werkwijzen voor de uitvoering",
    "Beter zicht krijgen op wat de inburgeraar nodig heeft",
    "Kennis verder verspreiden naar uitvoerders buiten onze eigen CoP",
    "Signalen over knelpunten naar schakel- en stelselniveau doorspelen",
    "Samenwerken van de lokale keten verbeteren",
    "Verbeteren van de dienstverlening aan inburgeraars",
]

_YIELDS = [
    "Meer inzicht in het werk en de werkwijzen van andere organisaties",
    "Meer kennis over hoe ik mijn eigen werk goed kan doen",
    "Meer inzicht in het perspectief van inburgeraars",
    "Kennis van nieuwe werkwijzen, methoden, praktijken",
    "Beter netwerk en kortere lijnen bij partnerorganisaties",
    "Steun van collega's van andere organisaties",
]

_HELP = [
    "Beter structuur en/of werkvormen in de bijeenkomsten",
    "Meer ondersteuning door communitytrekker, procesbegeleider of Divosa",
    "Meer mogelijkheden om tussentijds uit te wisselen",
    "Meer verbinding met de andere CoP's",
    "Meer mogelijkheden om eigen vragen en thema's in te brengen",
    "Actievere opstelling van andere organisaties",
    "Mezelf actiever opstellen / meer inbreng leveren in de CoP",
    "Meer inbreng van externen zoals (ervarings)deskundigen of experts",
]

MANY = "Meerdere antwoorden mogelijk."

TEMPLATE: dict[str, Any] = {
    "title": "Thermometer CoP's",
    "intro": (
        "Je krijgt deze vragenlijst omdat je meedoet aan een Community of Practice (CoP). "
        "We willen weten wat het leren in de CoP je oplevert, wat goed werkt en wat beter "
        "kan. Dezelfde vragen komen bij elke meting terug, zodat we kunnen zien wat er in de "
        "loop van de tijd verandert.\n\n"
        "Invullen duurt ongeveer 10 minuten. Je antwoorden zijn anoniem: ze worden los van "
        "je naam bewaard, en uitkomsten van kleine groepen worden niet getoond."
    ),
    "sections": [
        {
            "title": "A) Deelname en verwachtingen",
            "intro": "Eerst een paar vragen over je CoP en wat je ervan verwacht.",
            "questions": [
                {
                    "code": "V1",
                    "kind": "community",
                    "required": True,
                    "text": "Aan welke CoP neem je deel?",
                },
                {
                    "code": "V2",
                    "kind": "multiple",
                    "text": (
                        "De hoofddoelstelling van de CoP Inburgering is: met en van elkaar leren "
                        "van en over de praktijk waarin wij werken. Daar kunnen verschillende "
                        "subdoelstellingen onder vallen. Wat zie jij zelf als belangrijkste "
                        "doelstellingen van jullie CoP?"
                    ),
                    "help_text": MANY,
                    "options": _GOALS,
                    "allow_other": True,
                },
                {
                    "code": "V3",
                    "kind": "multiple",
                    "text": (
                        "Wat hoop je dat de deelname aan de CoP jou persoonlijk vooral gaat "
                        "opleveren?"
                    ),
                    "help_text": MANY,
                    "options": [
                        *_YIELDS,
                        "Mogelijkheden om de landelijke beleidslijn t.a.v. inburgering te "
                        "beïnvloeden",
                    ],
                    "allow_other": True,
                },
            ],
        },
        {
            "title": "B) Opbrengsten en tevredenheid tot nu toe",
            "intro": "Nu gaat het over wat de CoP je tot nu toe heeft opgeleverd.",
            "questions": [
                {
                    "code": "V4",
                    "kind": "multiple",
                    "required": True,
                    "text": (
                        "Wat heeft je deelname aan de CoP voor jou persoonlijk tot nu opgeleverd?"
                    ),
                    "help_text": MANY,
                    "options": [
                        *_YIELDS,
                        "Mogelijkheden om de landelijke beleidslijn te beïnvloeden",
                    ],
                    "allow_other": True,
                },
                {
                    "code": "V5",
                    "kind": "pick_from",
                    "required": True,
                    "source": "V4",
                    "max_picks": 3,
                    "text": "Welke opbrengst is voor jou de meest belangrijke?",
                },
                {
                    "code": "V6",
                    "kind": "open",
                    "required": True,
                    "text": (
                        "Wat zijn concrete voorbeelden in je werk die je nu anders doet door wat "
                        "je bij de CoP hebt geleerd of afgesproken?"
                    ),
                },
            ],
        },
        {
            "title": "C) Activiteiten en ervaringen",
            "intro": "Deze vragen gaan over wat jullie in de bijeenkomsten doen en hoe dat gaat.",
            "questions": [
                {
                    "code": "V7",
                    "kind": "open",
                    "required": True,
                    "text": (
                        "Wat vond je de meest zinvolle werkvormen, sessies, of oefeningen die "
                        "jullie in de CoP tot nu toe hebben gedaan? Wat heeft het je gebracht?"
                    ),
                },
                {
                    "code": "V8",
                    "kind": "open",
                    "required": True,
                    "text": (
                        "Waar ben je de afgelopen tijd tegenaan gelopen bij je deelname aan de "
                        "CoP? Wat vond je lastig, teleurstellend, frustrerend? Wat zijn mogelijke "
                        "oplossingen voor deze problemen?"
                    ),
                },
                {
                    "code": "V9",
                    "kind": "matrix",
                    "required": True,
                    "text": "In hoeverre ben je het eens met de volgende stellingen?",
                    "statements": [
                        "Ik voel me verantwoordelijk voor de concrete invulling van mijn CoP",
                        "Ik heb invloed op de concrete invulling van mijn CoP",
                    ],
                },
                {
                    "code": "V10",
                    "kind": "open",
                    "text": (
                        "Waar blijkt concreet uit dat je wel of geen invloed en "
                        "verantwoordelijkheid voelt voor de concrete invulling van je CoP?"
                    ),
                },
            ],
        },
        {
            "title": "D) Verwachtingen voor de komende tijd",
            "intro": "Tot slot: wat kan helpen om de komende tijd meer uit de CoP te halen?",
            "questions": [
                {
                    "code": "V11",
                    "kind": "multiple",
                    "text": (
                        "Wat zou je de komende tijd kunnen helpen om nog meer uit de CoP te halen?"
                    ),
                    "help_text": "Meerdere opties mogelijk.",
                    "options": _HELP,
                    "allow_other": True,
                },
                {
                    "code": "V12",
                    "kind": "open",
                    "text": (
                        "Wat hoop je de komende tijd vooral nog te leren in de CoP? Heb je "
                        "concrete voorstellen voor de invulling hiervan?"
                    ),
                },
            ],
        },
    ],
}


def template_install(*, Questionnaire, Section, Question, Option, Statement):  # noqa: N803
    """Create the built-in thermometer template unless it is there already (idempotent)."""
    existing = Questionnaire.objects.filter(
        programme__isnull=True, is_template=True, template_key=TEMPLATE_KEY
    ).first()
    if existing is not None:
        return existing
    questionnaire = Questionnaire.objects.create(
        programme=None,
        title=TEMPLATE["title"],
        intro=TEMPLATE["intro"],
        is_template=True,
        template_key=TEMPLATE_KEY,
        version=1,
    )
    by_code = {}
    position = 0
    for section_position, section_data in enumerate(TEMPLATE["sections"]):
        section = Section.objects.create(
            questionnaire=questionnaire,
            position=section_position,
            title=section_data["title"],
            intro=section_data.get("intro", ""),
        )
        for data in section_data["questions"]:
            question = Question.objects.create(
                questionnaire=questionnaire,
                section=section,
                position=position,
                code=data["code"],
                text=data["text"],
                help_text=data.get("help_text", ""),
                kind=data["kind"],
                required=data.get("required", False),
                allow_other=data.get("allow_other", False),
                max_picks=data.get("max_picks"),
                source_question=by_code.get(data.get("source")),
            )
            by_code[question.code] = question
            position += 1
            labels = list(data.get("options", []))
            for index, label in enumerate(labels):
                Option.objects.create(
                    question=question, position=index, code=str(index + 1), label=label
                )
            if data.get("allow_other"):
                Option.objects.create(
                    question=question,
                    position=len(labels),
                    code=str(len(labels) + 1),
                    label=OTHER,
                    is_other=True,
                )
            for index, text in enumerate(data.get("statements", [])):
                Statement.objects.create(
                    question=question, position=index, code=f"S{index + 1}", text=text
                )
    return questionnaire


def template_uninstall(*, Questionnaire, Question, **_models):  # noqa: N803
    """Remove the built-in template again (the reverse of the data migration). Copies in
    programmes stay: they are the programmes' own questionnaires."""
    for questionnaire in Questionnaire.objects.filter(
        programme__isnull=True, is_template=True, template_key=TEMPLATE_KEY
    ):
        # Piped questions protect their source; drop the pipes first.
        Question.objects.filter(questionnaire=questionnaire).update(source_question=None)
        questionnaire.delete()
