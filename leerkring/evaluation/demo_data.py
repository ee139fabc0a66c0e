"""The evaluator's fieldwork in the demo network: observations of four held meetings and
change stories from the twelve CoP's Inburgering, some selected and cleared for sharing.

Observations go through the service, so each keeps the snapshot of what its meeting knew
(attendance, work forms, topics, signals); the stories are a handful of rows in bulk.
"""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

from leerkring.accounts.models import User
from leerkring.communities.demo_data import LOGINS, DemoContext, demo_step
from leerkring.meetings.models import Meeting

from . import services
from .models import ChangeStory, ObservationTemplate

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
T = ChangeStory.Teller
L = ChangeStory.Level

OBSERVED = [
    ("CoP Achterhoek", "Ontspannen en betrokken; er werd veel gelachen, ook bij lastige casussen.",
     "De trekker opende, de procesbegeleider leidde de werkvorm, twee deelnemers brachten een "
     "casus in.", "Veel knikken en doorvragen; de taalschool vulde de gemeenten aan.",
     "\u201cDit had ik vorig jaar willen weten.\u201d"),
    ("CoP Zeeland", "Serieus en stil bij het verhaal van de gastspreker, daarna levendig.",
     "De procesbegeleider hield strak de tijd; de gastspreker beantwoordde vragen.",
     "Deelnemers schreven mee en vroegen naar voorbeelden uit hun eigen praktijk.",
     "\u201cIk ga morgen anders het gesprek in.\u201d"),
    ("CoP Rijnmond", "Zakelijk; het ging vooral over procedures en wachttijden.",
     "De gastgever leidde het eerste deel, de trekker het tweede.",
     "Frustratie over doorlooptijden, maar ook concrete afspraken.",
     "\u201cWe moeten dit samen naar het LCC brengen.\u201d"),
    ("CoP Fryslân", "Warm; de oud-inburgeraar kreeg alle ruimte.",
     "De procesbegeleider interviewde, deelnemers stelden na afloop vragen.",
     "Stilte na het verhaal, daarna veel herkenning.",
     "\u201cZo had ik het nog nooit gehoord.\u201d"),
]  # fmt: skip

STORIES = [
    ("CoP Achterhoek", T.PARTICIPANT, "Ik bel nu eerst de taalschool",
     "Vroeger stuurde ik een mail en wachtte ik weken. Sinds ik de docenten ken uit de CoP bel "
     "ik direct, en lossen we het vaak in één gesprek op.",
     "Het scheelt de inburgeraar weken stilstand.", (1, 1, 0, 1), L.PARTICIPANT, True, True),
    ("CoP Hart van Brabant", T.MANAGER, "Het team werkt met de wegwijzer",
     "De wegwijzer uit de CoP ligt nu bij elke intake op tafel. Nieuwe collega's leren er de "
     "route mee kennen.", "Het is werk van de CoP dat in de hele afdeling landt.",
     (1, 0, 0, 1), L.ORGANISATION, True, True),
    ("CoP Zeeland", T.PARTICIPANT, "Ik durf naar trauma te vragen",
     "Na de bijeenkomst met de GZ-psycholoog vraag ik in elk voortgangsgesprek hoe iemand "
     "slaapt. Twee inburgeraars zijn nu in behandeling.", "Ik zag eerder alleen verzuim.",
     (1, 0, 1, 1), L.PARTICIPANT, True, False),
    ("CoP Rijnmond", T.PARTNER, "Ontheffing sneller aangevraagd",
     "Gemeente en taalschool vullen de aanvraag voor medische ontheffing nu samen in. Het "
     "aantal afgewezen aanvragen is gehalveerd.", "", (1, 1, 0, 1), L.ORGANISATION, False, True),
    ("CoP Noordoost Nederland", T.PARTICIPANT, "Collega's in andere gemeenten",
     "Ik ken nu de klantmanagers in de buurgemeenten. We wisselen formulieren uit in plaats "
     "van alles zelf te maken.", "", (0, 1, 0, 0), L.PARTICIPANT, False, False),
    ("CoP Foodvalley", T.MANAGER, "Nieuwe afspraken met de ISK",
     "De afspraken die de CoP met de ISK maakte, zijn opgenomen in het regionale convenant.",
     "Het werkt ook als de mensen van nu weg zijn.", (0, 1, 0, 1), L.SYSTEM, True, True),
    ("CoP Fryslân", T.OTHER, "Een oud-inburgeraar aan tafel",
     "Sinds zijn verhaal in de bijeenkomst schuift hij vaker aan. Hij houdt ons scherp op "
     "wat we beloven.", "", (0, 1, 1, 0), L.PARTICIPANT, False, False),
]  # fmt: skip


@demo_step(order=310)
def demo_evaluation(ctx: DemoContext) -> None:
    """Observations of held meetings and change stories."""
    evaluator = User.objects.get(email=LOGINS["evaluator"])
    template = ObservationTemplate.objects.filter(programme__isnull=True).order_by("pk").first()
    observations = 0
    if template is not None:
        questions = list(template.questions.order_by("position", "pk")[:2])
        for name, atmosphere, roles, reactions, quotes in OBSERVED:
            meeting = (
                Meeting.objects.filter(
                    community=ctx.communities[name],
                    status=Meeting.Status.HELD,
                    starts_at__date__lt=ctx.today,
                )
                .select_related("community")
                .order_by("-starts_at")
                .first()
            )
            if meeting is None:
                continue
            services.observation_create(
                meeting=meeting,
                template=template,
                by=evaluator,
                answers=[
                    services.ObservationAnswerInput(
                        question_id=q.pk, text="Zie de aantekeningen bij sfeer en rollen."
                    )
                    for q in questions
                ],
                atmosphere=atmosphere,
                roles=roles,
                reactions=reactions,
                quotes=quotes,
            )
            observations += 1

    told_on = min(ctx.today, datetime.date(2024, 1, 22))
    ChangeStory.objects.bulk_create(
        ChangeStory(
            programme=ctx.communities[name].programme,
            community=ctx.communities[name],
            teller=teller,
            source=ChangeStory.Source.INTERVIEW,
            title=title,
            story=story,
            why_significant=why,
            tag_knowledge=bool(tags[0]),
            tag_relations=bool(tags[1]),
            tag_attitude=bool(tags[2]),
            tag_actions=bool(tags[3]),
            level=level,
            selected=selected,
            shareable=shareable,
            entered_by=evaluator,
            created_at=datetime.datetime.combine(
                told_on - datetime.timedelta(days=index * 9), datetime.time(14), AMSTERDAM
            ),
        )
        for index, (name, teller, title, story, why, tags, level, selected, shareable) in enumerate(
            STORIES
        )
    )
    ctx.counts.update({"observations": observations, "change stories": len(STORIES)})
