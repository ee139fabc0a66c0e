"""The observation schema of the report (Bijlage 4), as a built-in observation template.

Each of the fifteen questions keeps the appendix's three columns: the question ("what works,
what does not"), the observation frame ("Observatie/toetsingskader") and what to measure
("Te meten"). Five questions end with a five-minute wrap-up question the observer asks the
group after the meeting; they are kept apart so the answers can be written down apart.
Where the appendix is written in shorthand the texts are spelled out; the content follows it.

`prefill` names what Leerkring already knows about the meeting for that question
(`leerkring.evaluation.prefill`), so the observer starts from facts instead of counting heads.

`template_install` takes the model classes as arguments so the data migration can pass its
historical models and tests can pass the real ones.
"""

from __future__ import annotations

from typing import Any

TEMPLATE_KEY = "bijlage4"

NOT_OBSERVABLE = "N.v.t.: dit is tijdens een bijeenkomst niet waar te nemen (zie de interviews)."

TEMPLATE: dict[str, Any] = {
    "title": "Observatieschema CoP-bijeenkomst (Bijlage 4)",
    "questions": [
        {
            "number": "1",
            "question": (
                "Welke organisaties nemen deel? Hoeveel organisaties? Wat zijn de ervaringen "
                "met de samenstelling?"
            ),
            "frame": "Opkomst\nSfeer (bijvoorbeeld ontspannen, formeel, resultaatgericht)",
            "measure": (
                "Aantal deelnemers ten opzichte van het totaal\n"
                "Welke organisaties aanwezig zijn en welke niet\n"
                "Omgangsvormen: joviaal of formeel, kennen de deelnemers elkaar?\n"
                "Onderliggend: wat doet de samenstelling met de dynamiek in de groep?"
            ),
            "prefill": "attendance",
        },
        {
            "number": "2",
            "question": "Hoe zijn deze organisaties geworven en geactiveerd?",
            "frame": NOT_OBSERVABLE,
            "measure": NOT_OBSERVABLE,
        },
        {
            "number": "3",
            "question": "Rol en tijdsbesteding van communitytrekkers en procesbegeleiders",
            "frame": (
                "Bij de trekker en de procesbegeleider:\n"
                "Rol (leidend, volgend, begeleidend)\n"
                "Voorbereiding van de bijeenkomst"
            ),
            "measure": (
                "Wie is bij welk deel van de bijeenkomst voorzitter of procesbegeleider?\n"
                "Wat werkt goed aan die rolverdeling, wat minder goed, en waaraan zie je dat?\n"
                "Hoe is de bijeenkomst voorbereid? Is er een agenda, en wie bepaalt die?"
            ),
            "prefill": "guidance",
        },
        {
            "number": "4",
            "question": "Werkvormen en ervaringen met experts",
            "frame": (
                "Toegepaste werkvormen\nSoort expert en zijn of haar rol\nReacties van deelnemers"
            ),
            "measure": (
                "Soorten werkvormen, naar inhoud en structuur (plenair of in groepen)\n"
                "Overlegsetting: past die bij de werkvormen?\n"
                "Welke soort expert er is, en met welke rol\n"
                "Enthousiasme, concrete positieve of negatieve reacties op werkvormen en experts"
            ),
            "prefill": "work_forms",
        },
        {
            "number": "5",
            "question": "Hoe wordt het perspectief van inburgeraars meegenomen?",
            "frame": "Verhalen van inburgeraars, ervaringsdeskundigen en dergelijke",
            "measure": (
                "Wat wordt wanneer en door wie verteld vanuit het perspectief van de "
                "inburgeraar? Is dat relevant?\n"
                "Aanwezigheid van ervaringsdeskundigen, en hun rol"
            ),
            "prefill": "perspective",
        },
        {
            "number": "6",
            "question": "Welke (soorten) onderwerpen komen in de CoP aan bod?",
            "frame": "Tijdsbesteding en werkvorm per soort onderwerp op de agenda",
            "measure": (
                "Onderwerpen noteren, met onderscheid naar inhoudelijk, organisatorisch en "
                "samenwerking"
            ),
            "prefill": "topics",
        },
        {
            "number": "7",
            "question": "Hoe faciliteert het landelijk coördinatiepunt (Divosa) de CoP?",
            "frame": "Rol van het coördinatiepunt tijdens de bijeenkomst",
            "measure": (
                "Rol in woord (zendend, luisterend) en in daad (trekkend, volgend, faciliterend)"
            ),
        },
        {
            "number": "8",
            "question": (
                "Wat is de meerwaarde van deelname aan de CoP? Is er een gevoel van "
                "eigenaarschap? Wat is er geleerd?"
            ),
            "frame": "Rol van de deelnemers\nReacties van de deelnemers",
            "measure": (
                "Per agendapunt: doen deelnemers actief mee of nemen ze passief informatie op "
                "(in verhouding tot de bedoeling van het punt)?\n"
                "Reacties per agendapunt: positief of negatief over de meerwaarde en het "
                "geleerde"
            ),
            "wrapup_question": "Wat is voor jou de meerwaarde van deelname aan de CoP?",
        },
        {
            "number": "9",
            "question": (
                "Hoe zorgen deelnemers ervoor dat de lessen doorwerken in de organisatie waar "
                "zij werken? Heeft de CoP invloed op de manier van werken in die organisatie?"
            ),
            "frame": (
                "Uitwisseling van concrete voorbeelden van lessen uit de CoP die doorwerken in "
                "de eigen organisatie"
            ),
            "measure": (
                "Concrete voorbeelden die tijdens of na de bijeenkomst langskomen\n"
                "Worden er afspraken gemaakt over het toepassen van lessen, of voornemens "
                "uitgesproken? Zo ja, welke?\n"
                "Wordt teruggegrepen op eerdere afspraken? Worden ervaringen en lessen gedeeld, "
                "en welke?"
            ),
            "wrapup_question": "Wat pas jij toe in je eigen organisatie?",
        },
        {
            "number": "10",
            "question": (
                "Wat is de meerwaarde van de CoP voor de uitvoering van de Wet inburgering "
                "2021, voor de samenwerking tussen partners en voor de dienstverlening aan de "
                "inburgeraar?"
            ),
            "frame": (
                "Uitwisseling van concrete voorbeelden van wat de CoP verandert in de "
                "samenwerking en in de dienstverlening aan de inburgeraar"
            ),
            "measure": (
                "Per agendapunt concrete voorbeelden noteren van betere samenwerking met "
                "partners en betere dienstverlening die uit de CoP voortkomen"
            ),
        },
        {
            "number": "11",
            "question": (
                "Welke vormen van uitwisseling en leren tussen de CoP's zijn er op landelijk "
                "niveau, en wat is daarbij de rol en de meerwaarde van het landelijk "
                "coördinatiepunt? Worden signalen over knellende regelgeving doorgegeven aan "
                "het schakeloverleg?"
            ),
            "frame": (
                "Concrete voorbeelden van het delen van agenda's en werkvormen voor een betere "
                "CoP, en van informatie en ervaringen voor een betere uitvoeringspraktijk\n"
                "Signalen die zijn doorgegeven aan het schakeloverleg"
            ),
            "measure": (
                "Per agendapunt concrete voorbeelden verzamelen van uitwisseling met en leren "
                "van andere CoP's, en van signalen die naar het schakeloverleg gaan (dit is "
                "vaak beter te zien bij een observatie van het LCC)"
            ),
            "prefill": "signals",
        },
        {
            "number": "12",
            "question": (
                "Hoe worden ervaringen en lessen uit de CoP gedeeld met gemeenten en andere "
                "uitvoeringsorganisaties?"
            ),
            "frame": (
                "Voorbeelden van het delen van informatie en ervaringen met andere gemeenten en "
                "uitvoeringsorganisaties"
            ),
            "measure": (
                "Per agendapunt concrete voorbeelden verzamelen (ook bij het LCC) van het delen "
                "van informatie en ervaringen met andere gemeenten en uitvoeringsorganisaties"
            ),
        },
        {
            "number": "13",
            "question": "Welke lessen zijn er te trekken over leren in de uitvoering?",
            "frame": "Concrete tips verzamelen",
            "measure": (
                "Concrete tips over leren in de uitvoering die tijdens of na de bijeenkomst "
                "langskomen"
            ),
            "wrapup_question": (
                "Wat heb je vandaag gezien waar andere CoP's iets aan kunnen hebben?"
            ),
        },
        {
            "number": "14",
            "question": (
                "Wat zijn belangrijke randvoorwaarden voor een goed functionerende CoP, en om "
                "het leren in de uitvoering vast te houden als de subsidie stopt?"
            ),
            "frame": "Concrete opmerkingen over randvoorwaarden voor een goede CoP verzamelen",
            "measure": (
                "Welke randvoorwaarden zijn aanwezig die het functioneren van deze CoP ten "
                "goede komen, en hoe werken ze? Denk aan tijd en capaciteit, samenstelling, "
                "aanwezige expertise, houding van deelnemers, relaties, sfeer en praktische "
                "zaken."
            ),
            "wrapup_question": (
                "Wat vind jij belangrijke randvoorwaarden voor een goed functionerende CoP?"
            ),
        },
        {
            "number": "15",
            "question": (
                "Welke bouwstenen zijn samen te stellen zodat lokale ketens op andere plekken "
                "ook kunnen leren en de uitvoeringspraktijk van de inburgering kunnen "
                "verbeteren?"
            ),
            "frame": "Concrete bouwstenen voor leren in ketens verzamelen",
            "measure": (
                "Concrete bouwstenen voor leren in ketens die tijdens of na de bijeenkomst "
                "langskomen"
            ),
            "wrapup_question": (
                "Wat vind jij belangrijke bouwstenen om te leren en de uitvoeringspraktijk van "
                "de inburgering te verbeteren?"
            ),
        },
    ],
}


def template_install(*, ObservationTemplate, ObservationQuestion):  # noqa: N803
    """Create the built-in template once. Running it again changes nothing, so the migration
    can be replayed and a template evaluators already use is never rewritten under them."""
    existing = ObservationTemplate.objects.filter(programme=None, key=TEMPLATE_KEY).first()
    if existing is not None:
        return existing
    template = ObservationTemplate.objects.create(
        programme=None, key=TEMPLATE_KEY, title=TEMPLATE["title"]
    )
    ObservationQuestion.objects.bulk_create(
        ObservationQuestion(
            template=template,
            position=position,
            number=item["number"],
            question=item["question"],
            frame=item.get("frame", ""),
            measure=item.get("measure", ""),
            wrapup_question=item.get("wrapup_question", ""),
            prefill=item.get("prefill", ""),
        )
        for position, item in enumerate(TEMPLATE["questions"])
    )
    return template


def template_uninstall(*, ObservationTemplate, ObservationQuestion, Observation):  # noqa: N803
    """Remove the built-in template, unless observations were made with it: those stay
    readable, so the template then stays too."""
    templates = ObservationTemplate.objects.filter(programme=None, key=TEMPLATE_KEY)
    used = Observation.objects.filter(template__in=templates).values("template_id")
    unused = templates.exclude(pk__in=used)
    ObservationQuestion.objects.filter(template__in=unused).delete()
    unused.delete()
