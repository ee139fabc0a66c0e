"""Meeting histories for the demo network (issue "Meetings" §7).

Every demo community gets what the evaluation report describes (§3.2.1-3.2.3): a meeting
about every two months since early 2023 at the community's interval, two to four hours,
mostly physical, with a rotating host in Oost-Brabant, Foodvalley, Rijnmond, Fryslân and
Midden-Limburg and some online meetings in Hart van Brabant; agendas with work forms and
topics across the five topic categories, attendance of 15-25 (once 5, once 37), the
perspective of the inburgeraar now and then, and explicit outcomes: lessons, agreements and
signals. Then two or three planned meetings with the first answers to the invitation.

All text is fictional. Each community draws from its own seeded generator, so one community's
history does not change when another's does, and the same `today` gives the same data.
Everything is inserted in bulk: the services would audit and e-mail each row, which a demo
history does not need and which would make `manage.py demo` slow.
"""

from __future__ import annotations

import datetime
import random
import uuid
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from leerkring.communities.demo_data import DEMO_SEED, LOGINS, DemoContext, demo_step
from leerkring.communities.models import Community, Membership, Organisation
from leerkring.signalling.models import Signal

from .models import (
    AgendaItem,
    Agreement,
    AgreementStatusChange,
    Attendance,
    Guest,
    Lesson,
    Meeting,
    Message,
    Rsvp,
    Thread,
    WorkForm,
)
from .topics import InfluenceLevel, SolutionLevel, TopicCategory
from .workdays import next_working_day

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
T = Organisation.Type
C = TopicCategory
P = AgendaItem.Perspective

HISTORY_FROM = datetime.date(2023, 1, 16)
LOOKBACK_TITLE = "Terugblik op openstaande afspraken"
LOOKBACK_MINUTES = 15
# Report §3.2.3: these five let the host rotate among the member organisations.
ROTATING_HOSTS = {
    "CoP Oost-Brabant",
    "CoP Foodvalley",
    "CoP Rijnmond",
    "CoP Fryslân",
    "CoP Midden-Limburg",
}
STREETS = ("Markt", "Stationsplein", "Raadhuisplein", "Kerkstraat", "Parkweg", "Havenkade")


@dataclass(frozen=True)
class Topic:
    """One content item of an agenda: title, topic category (report §3.2.2), a subtopic from
    `topics.SUBTOPICS`, the work form's key and what the item is about."""

    title: str
    category: str
    subtopic: str
    work_form: str
    description: str
    perspective: str = ""


GENERAL_TOPICS = [
    Topic("Wie doet wat? De overdracht van COA naar gemeente", C.COOPERATION,
          "Samenwerking gemeente en COA", "group_discussion",
          "In groepjes tekenen we de overdracht na en zoeken we waar het hapert."),
    Topic("Werkbezoek bij de taalschool", C.COOPERATION,
          "Samenwerken met ketenpartners en taalscholen", "work_visit",
          "De taalschool laat zien hoe een lesdag eruitziet en hoe zij de voortgang "
          "terugkoppelt aan de gemeente."),
    Topic("Wie houdt de regie op het traject?", C.COOPERATION, "Regievoering", "fishbowl",
          "Vier deelnemers praten in het midden, de rest luistert en stapt in wanneer zij "
          "iets willen toevoegen."),
    Topic("Wat koppelt de taalschool terug, en wat heeft de klantmanager nodig?",
          C.COOPERATION, "Samenwerken met ketenpartners en taalscholen", "presentation",
          "Twee deelnemers laten hun voortgangsrapportage zien; daarna bespreken we de "
          "verschillen."),
    Topic("Gezinsmigranten: hoe komen ze in beeld?", C.TARGET_GROUPS, "Gezinsmigranten",
          "presentation", "Een gemeente vertelt hoe zij gezinsmigranten zelf benadert, "
          "in plaats van via de referent."),
    Topic("Jongeren na de ISK: waar blijven ze?", C.TARGET_GROUPS,
          "Jongeren tussen wal en schip", "case_discussion",
          "Aan de hand van een casus zoeken we waar jongeren uit beeld raken."),
    Topic("Jongeren en ouders tegelijk in de inburgering", C.TARGET_GROUPS, "Jongeren",
          "group_discussion", "Wat betekent het voor een gezin als iedereen tegelijk les heeft?"),
    Topic("Financieel ontzorgen: wanneer bouwen we af?", C.LIFE_DOMAINS, "Financieel ontzorgen",
          "group_discussion", "We vergelijken hoe lang en hoe ver iedere gemeente ontzorgt."),
    Topic("Taal en werk combineren in de praktijk", C.LIFE_DOMAINS,
          "Duale aspect (taal en participatie)", "case_discussion",
          "Een casus van een inburgeraar die wil werken en tegelijk les moet volgen."),
    Topic("Meer dan een formaliteit: het participatieverklaringstraject", C.LIFE_DOMAINS,
          "Participatie", "group_discussion",
          "Welke opdrachten en gesprekken maken het traject betekenisvol?"),
    Topic("Wat vraagt een leerwerkplek van een werkgever?", C.LIFE_DOMAINS, "Werk",
          "guest_speaker", "Een werkgever uit de regio vertelt over zijn ervaring met "
          "statushouders op de werkvloer."),
    Topic("Kinderopvang als voorwaarde om te kunnen leren", C.LIFE_DOMAINS, "Kinderopvang",
          "group_discussion", "Hoe regelen we opvang vóór de lessen beginnen?"),
    Topic("Starten vanaf een tijdelijke woonlocatie", C.LIFE_DOMAINS, "Huisvesting",
          "presentation", "Wat betekent tijdelijk wonen voor de start van de inburgering?"),
    Topic("Signalen van psychische klachten herkennen", C.LIFE_DOMAINS, "Mentale gezondheid",
          "guest_speaker", "Een praktijkondersteuner vertelt waar je op let en hoe je "
          "doorverwijst."),
    Topic("Intervisie: een gesprek dat vastliep", C.OWN_WORK, "Professionalisering",
          "intervision", "Een deelnemer brengt een gesprek in; de groep stelt vragen en "
          "denkt mee volgens een vaste methode."),
    Topic("Hoeveel inburgeraars kan één klantmanager aan?", C.OWN_WORK, "Managen caseload",
          "group_discussion", "We leggen onze caseloads naast elkaar en bespreken wat het "
          "verschil maakt."),
    Topic("Cultuursensitief werken begint bij jezelf", C.OWN_WORK, "Cultuursensitiviteit",
          "group_discussion", "Welke vanzelfsprekendheden uit onze eigen achtergrond nemen "
          "we mee in het gesprek?"),
    Topic("Huiswerk: één ding anders doen in je eigen werk", C.OWN_WORK, "Professionalisering",
          "homework", "Iedereen kiest iets uit vandaag om de komende weken uit te proberen."),
    Topic("Lukt het PIP binnen de termijn?", C.PROCEDURES, "PIP-termijn", "group_discussion",
          "Per gemeente: hoeveel weken zit er tussen de intake en een vastgesteld PIP?"),
    Topic("Wachttijden bij de taalscholen", C.PROCEDURES, "Wachttijden", "presentation",
          "De taalscholen vertellen hoe lang inburgeraars wachten en waardoor."),
    Topic("Van leerbaarheidstoets naar route zonder stilstand", C.PROCEDURES,
          "Snelheid en doorstroom", "case_discussion",
          "We volgen één inburgeraar van de toets tot de eerste les."),
    Topic("Waar zit de ruimte voor maatwerk?", C.PROCEDURES, "Flexibiliteit en maatwerk",
          "fishbowl", "Wat staat er echt in de regels, en wat hebben we er zelf van gemaakt?"),
]  # fmt: skip

# The community's own theme (its learning question), which most of its meetings work on.
THEMED_TOPICS: dict[str, list[Topic]] = {
    "CoP Achterhoek": [
        Topic("Geldzaken in beeld: de infographic over financiële zelfredzaamheid",
              C.LIFE_DOMAINS, "Financieel ontzorgen", "group_discussion",
              "We bespreken de schetsen en kiezen wat er zeker in moet."),
        Topic("Beslisboom voor jongeren na de ISK", C.TARGET_GROUPS,
              "Jongeren tussen wal en schip", "group_discussion",
              "Elke tak van de beslisboom wordt getoetst aan een echte situatie."),
        Topic("Het webinar over de samenwerking in de regio voorbereiden", C.COOPERATION,
              "Samenwerken met ketenpartners en taalscholen", "homework",
              "Wie vertelt wat, en welke vragen verwachten we?"),
    ],
    "CoP Amsterdam": [
        Topic("Kennismaken: wat doe jij en wat heb je van de ander nodig?", C.COOPERATION,
              "Samenwerken met ketenpartners en taalscholen", "acquaintance_round",
              "In tweetallen, steeds met iemand van een andere organisatie."),
        Topic("Krap wonen op een tijdelijke locatie en toch leren", C.LIFE_DOMAINS,
              "Huisvesting", "work_visit", "Bezoek aan een tijdelijke woonlocatie in de stad."),
    ],
    "CoP Hart van Brabant": [
        Topic("Wegwijzer: de stappen van een inburgeraar in het eerste jaar", C.PROCEDURES,
              "Snelheid en doorstroom", "group_discussion",
              "We leggen de stappen op een tijdlijn en schrappen wat een inburgeraar niet "
              "hoeft te weten.", P.PARTICIPANT),
        Topic("Begrippenlijst: inburgeringstermen in gewone taal", C.OWN_WORK,
              "Professionalisering", "group_discussion",
              "Van PIP tot Z-route: elk begrip in één zin die iedereen begrijpt.", P.PARTICIPANT),
        Topic("De wegwijzer testen: klopt de route voor wie hem loopt?", C.PROCEDURES,
              "Flexibiliteit en maatwerk", "interview",
              "De procesbegeleider interviewt onze deelnemer die zelf is ingeburgerd.",
              P.PARTICIPANT),
        Topic("Ontwerp van de infographic over de route", C.COOPERATION,
              "Samenwerken met ketenpartners en taalscholen", "presentation",
              "De ontwerper laat de eerste versie zien."),
    ],
    "CoP Oost-Brabant": [
        Topic("Geslaagde duale trajecten: wat werkte?", C.LIFE_DOMAINS,
              "Duale aspect (taal en participatie)", "interview",
              "Twee jobcoaches vertellen over trajecten die goed liepen."),
        Topic("Taal leren op de werkvloer", C.LIFE_DOMAINS, "Werk", "guest_speaker",
              "Een werkgever vertelt hoe hij taalcoaching op de werkvloer regelt."),
    ],
    "CoP Zeeland": [
        Topic("Positieve gezondheid in het intakegesprek", C.LIFE_DOMAINS, "Mentale gezondheid",
              "presentation", "Hoe gebruik je het spinnenweb van positieve gezondheid met "
              "een tolk erbij?"),
        Topic("Trauma herkennen en erover beginnen", C.LIFE_DOMAINS, "Mentale gezondheid",
              "guest_speaker", "Een GZ-psycholoog van de GGZ vertelt over signalen van trauma "
              "bij vluchtelingen."),
        Topic("Wanneer verwijs je door? Een casus", C.OWN_WORK, "Professionalisering",
              "case_discussion", "Een klantmanager brengt een casus in over slapeloosheid en "
              "verzuim bij de taalles."),
        Topic("Advies over een gezondheidsmodule voor inburgeraars", C.LIFE_DOMAINS,
              "Mentale gezondheid", "group_discussion", "We werken het advies hoofdstuk voor "
              "hoofdstuk uit."),
        Topic("Zorgen voor jezelf bij zware verhalen", C.OWN_WORK, "Professionalisering",
              "intervision", "Intervisie over wat het werk met ons doet."),
    ],
    "CoP Rijnmond": [
        Topic("Medische ontheffing: van aanvraag tot besluit", C.PROCEDURES, "Wachttijden",
              "presentation", "We zetten alle stappen en wachttijden op een rij."),
        Topic("Infographic medische ontheffing voor inburgeraars", C.PROCEDURES,
              "Flexibiliteit en maatwerk", "group_discussion",
              "Is de tekst te begrijpen voor iemand die net Nederlands leert?"),
    ],
    "CoP Noordoost Nederland": [
        Topic("De plusklas binnen de Z-route", C.TARGET_GROUPS, "Jongeren", "presentation",
              "De taalschool vertelt over het eerste halfjaar van de plusklas."),
        Topic("Z-route: wie valt ertussen?", C.TARGET_GROUPS, "Jongeren tussen wal en schip",
              "case_discussion", "Een jongere van negentien die niet in de ISK past."),
    ],
    "CoP Midden-Limburg": [
        Topic("De klantreis tekenen: van uitnodiging tot examen", C.COOPERATION, "Regievoering",
              "group_discussion", "Op een lange papierrol tekenen we de reis samen."),
        Topic("Wie is verantwoordelijk voor welke stap?", C.COOPERATION, "Regievoering",
              "group_discussion", "Bij elke stap van de klantreis zetten we een naam van een "
              "organisatie."),
    ],
    "CoP Foodvalley": [
        Topic("Participatiewegwijzer voor de Z-route", C.LIFE_DOMAINS, "Participatie",
              "group_discussion", "Welke activiteiten in de regio passen bij de Z-route?"),
        Topic("Van ISK naar inburgering: nieuwe afspraken", C.TARGET_GROUPS, "Jongeren",
              "case_discussion", "ISK, taalschool en gemeenten leggen hun afspraken vast."),
    ],
    "CoP Fryslân": [
        Topic("Terugblik met tips voor de regio schrijven", C.OWN_WORK, "Professionalisering",
              "homework", "Ieder schrijft een tip op uit de afgelopen bijeenkomsten."),
        Topic("Samenwerken met de COA-locatie", C.COOPERATION, "Samenwerking gemeente en COA",
              "work_visit", "Rondleiding en gesprek met de woonbegeleiders."),
    ],
    "CoP Klantmanagers": [
        Topic("Casus: een inburgeraar die niet komt opdagen", C.OWN_WORK, "Managen caseload",
              "intervision", "Wat doe je na de derde keer niet verschenen?"),
        Topic("Casus: ontheffing aanvragen of doorzetten?", C.PROCEDURES,
              "Flexibiliteit en maatwerk", "case_discussion",
              "Een inburgeraar die na twee jaar nauwelijks vooruitgaat."),
        Topic("Casus: spanning tussen gezin en lesrooster", C.TARGET_GROUPS, "Gezinsmigranten",
              "intervision", "Een moeder die de lessen mist omdat er geen opvang is."),
        Topic("Casus: schulden tijdens het ontzorgen", C.LIFE_DOMAINS, "Financieel ontzorgen",
              "case_discussion", "Schulden die pas na het ontzorgen zichtbaar worden."),
        Topic("Casus: slecht nieuws brengen in het gesprek", C.OWN_WORK, "Professionalisering",
              "intervision", "Hoe vertel je dat een boete onvermijdelijk is?"),
    ],
    "CoP Gezinsmigranten": [
        Topic("De eerste drie maanden van een gezinsmigrant", C.TARGET_GROUPS, "Gezinsmigranten",
              "group_discussion", "Wat gebeurt er, en wat zou er moeten gebeuren?"),
        Topic("Referent en inburgeraar samen aan tafel?", C.TARGET_GROUPS, "Gezinsmigranten",
              "fishbowl", "Voor- en nadelen van een gesprek met beiden erbij."),
    ],
    "CoP Wijkteams Zwolle-Zuid": [
        Topic("Zelfsturing: wie besluit wat in het wijkteam?", C.OWN_WORK, "Professionalisering",
              "intervision", "Een situatie waarin niemand zich eigenaar voelde."),
        Topic("Bewoners als partner van het wijkteam", C.COOPERATION, "Regievoering", "fishbowl",
              "Het bewonersinitiatief vertelt wat zij van het wijkteam merken."),
    ],
    "CoP Jongerenwerk Tilburg-Noord": [
        Topic("Wat levert jongerenwerk op? Verhalen uit de wijk", C.OWN_WORK,
              "Professionalisering", "interview", "Jongerenwerkers interviewen elkaar over "
              "een jongere die ze hebben zien groeien."),
        Topic("Samen met de wijkagent: waar eindigt ieders rol?", C.COOPERATION, "Regievoering",
              "case_discussion", "Een avond op het plein, vanuit twee kanten bekeken."),
    ],
    "CoP Gewogen Maatwerk": [
        Topic("Het gedeelde kader: de capability-benadering toegepast", C.OWN_WORK,
              "Professionalisering", "presentation", "De lector licht het kader toe aan de "
              "hand van de casus van vandaag."),
    ],
}  # fmt: skip

PERSPECTIVE_TOPICS = [
    Topic("Interview met een inburgeraar over de eerste maanden", C.TARGET_GROUPS,
          "Gezinsmigranten", "interview", "De procesbegeleider stelt de vragen; de groep "
          "luistert en vraagt daarna door.", P.INTERVIEW),
    Topic("Vissenkom: inburgeraars vertellen, wij luisteren", C.COOPERATION,
          "Samenwerken met ketenpartners en taalscholen", "fishbowl",
          "Drie inburgeraars in de binnenste kring; professionals luisteren en stellen "
          "pas aan het eind vragen.", P.FISHBOWL),
]  # fmt: skip
FRYSLAN_STORY = Topic(
    "Het verhaal van een oud-inburgeraar",
    C.COOPERATION,
    "Samenwerking gemeente en COA",
    "guest_speaker",
    "Een oud-inburgeraar vertelt op de COA-locatie over zijn eerste jaren in Friesland: wat "
    "hielp, wat niet, en wie het verschil maakte.",
    P.STORY,
)
CASE_TITLES = [
    "Een werkzoekende met chronische pijn en een wens om te werken",
    "Een alleenstaande vader die parttime wil werken naast de zorg voor zijn kinderen",
    "Een jongere zonder startkwalificatie die geen hulp wil",
    "Een vrouw die na twintig jaar thuis weer aan het werk wil",
    "Een werkgever die wil helpen maar geen begeleiding kan bieden",
    "Een klant die steeds afhaakt zodra het werk te dichtbij komt",
]
INBURGERAAR_GUESTS = ["Dawit", "Rahel", "Selam", "Samir", "Hiwet", "Omar", "Leila", "Yonas"]
EXPERTS = [
    ("Marieke de Graaf", "GGD", "expert"),
    ("Tarik Benali", "Werkbedrijf", "expert"),
    ("Ingrid Hofstra", "Praktijk Mentaal Sterk", "expert"),
    ("Jeroen Kuiper", "Bouwbedrijf Kuiper en Zonen", "guest"),
    ("Nadia El Idrissi", "Vluchtelingenwerk", "experience_expert"),
]

LESSONS: dict[str, list[str]] = {
    C.COOPERATION: [
        "Een warme overdracht van COA naar gemeente scheelt weken: een gezamenlijk gesprek "
        "met de inburgeraar erbij werkt beter dan een dossier opsturen.",
        "Taalschool en klantmanager bedoelen met 'voortgang' niet hetzelfde; spreek per "
        "traject af wat je terugkoppelt.",
        "Door bij elkaar op bezoek te gaan zien we hoe de ander werkt; daarna bellen we "
        "elkaar sneller.",
    ],
    C.TARGET_GROUPS: [
        "Gezinsmigranten raken uit beeld als de referent alles regelt; nodig de inburgeraar "
        "zelf uit voor het eerste gesprek.",
        "Jongeren na de ISK hebben één vast aanspreekpunt nodig, anders haken ze in de zomer af.",
    ],
    C.LIFE_DOMAINS: [
        "Ontzorgen werkt het best als we het afbouwen samen met de inburgeraar plannen, "
        "niet op een vaste datum.",
        "Kinderopvang regelen vóór de lessen beginnen voorkomt uitval in de eerste maanden.",
        "Psychische klachten komen vaak pas na maanden op tafel; vraag er bij elk "
        "voortgangsgesprek naar.",
        "Werkgevers willen wel, maar haken af op onduidelijkheid over lestijden; een vaste "
        "lesdag per week maakt combineren mogelijk.",
    ],
    C.OWN_WORK: [
        "Intervisie laat zien dat we met hetzelfde dilemma worstelen; de oplossing zit vaak "
        "bij een collega in een andere gemeente.",
        "Met een kleinere caseload is er tijd voor huisbezoeken, en die leveren meer op dan "
        "gesprekken op kantoor.",
        "We dachten dat inburgeraars informatie missen, maar wij leggen de route zelf niet "
        "eenduidig uit. We beginnen bij onze eigen uitleg.",
    ],
    C.PROCEDURES: [
        "Het PIP lukt binnen de termijn als de leerbaarheidstoets al op de COA-locatie "
        "wordt ingepland.",
        "Wachttijden bij taalscholen lossen we niet per gemeente op; dat vraagt regionale inkoop.",
        "Er is meer ruimte voor maatwerk in de regels dan we dachten; we vragen het "
        "coördinatiepunt om voorbeelden te verzamelen.",
    ],
}
SECOND_ORDER = {  # lessons that change the pattern, not only the practice
    LESSONS[C.OWN_WORK][2],
    LESSONS[C.PROCEDURES][1],
    LESSONS[C.LIFE_DOMAINS][0],
    LESSONS[C.TARGET_GROUPS][0],
}

AGREEMENTS = [
    "Stuurt de contactlijst van de taalscholen in de regio rond.",
    "Nodigt een werkgever uit voor de volgende bijeenkomst.",
    "Vraagt bij het landelijk coördinatiepunt na of dit knelpunt al bekend is.",
    "Maakt een eerste opzet en deelt die via het gesprek in Leerkring.",
    "Zet de leerpunten van vandaag in het verslag en stuurt het binnen een week rond.",
    "Zoekt uit hoe lang de wachttijd voor de leerbaarheidstoets nu is.",
    "Vraagt een oud-inburgeraar om de volgende keer zijn ervaring te delen.",
    "Legt de nieuwe werkwijze voor aan het eigen team en vertelt volgende keer hoe dat ging.",
    "Regelt de ruimte en de lunch voor de volgende bijeenkomst.",
    "Verzamelt voorbeelden van goede overdrachtsformulieren.",
]

SIGNALS = [
    ("Lange wachttijd voor de leerbaarheidstoets",
     "Inburgeraars in de regio wachten vaak meer dan acht weken op de leerbaarheidstoets, "
     "waardoor het PIP niet binnen de termijn vastgesteld kan worden.",
     C.PROCEDURES, "PIP-termijn", SolutionLevel.NATIONAL),
    ("Geen passend aanbod voor analfabete inburgeraars in de Z-route",
     "Voor inburgeraars die niet kunnen lezen en schrijven is in de regio geen taalschool "
     "met een passende groep; zij wachten thuis.",
     C.LIFE_DOMAINS, "Participatie", SolutionLevel.REGIONAL),
    ("Besluit over medische ontheffing duurt maanden",
     "Tussen de aanvraag en het besluit over medische ontheffing zitten vaak vier maanden of "
     "meer. In die tijd staat het traject stil.",
     C.PROCEDURES, "Wachttijden", SolutionLevel.NATIONAL),
    ("Gegevens van het COA komen te laat bij de gemeente",
     "Bij koppeling aan de gemeente ontbreken vaak de gegevens over eerdere lessen en "
     "gezondheid; de intake begint daardoor opnieuw.",
     C.COOPERATION, "Samenwerking gemeente en COA", SolutionLevel.NATIONAL),
    ("Kinderopvangtoeslag pas na de start van de lessen",
     "Ouders kunnen de lessen niet beginnen zonder opvang, maar de toeslag komt pas na de "
     "start rond.",
     C.LIFE_DOMAINS, "Kinderopvang", SolutionLevel.NATIONAL),
    ("Jongeren van achttien vallen tussen ISK en inburgering",
     "Jongeren die net achttien worden passen niet meer in de ISK en nog niet in een route "
     "van de taalschool.",
     C.TARGET_GROUPS, "Jongeren tussen wal en schip", SolutionLevel.REGIONAL),
    ("Gezinsmigranten niet in beeld bij de gemeente",
     "De gemeente hoort vaak pas na maanden dat een gezinsmigrant inburgeringsplichtig is.",
     C.TARGET_GROUPS, "Gezinsmigranten", SolutionLevel.NATIONAL),
    ("Ontzorgen stopt abrupt na zes maanden",
     "Het ontzorgen eindigt op een vaste datum, ook als de inburgeraar de rekeningen nog niet "
     "zelf kan betalen.",
     C.LIFE_DOMAINS, "Financieel ontzorgen", SolutionLevel.LOCAL),
    ("Woning ver van de taalschool",
     "Inburgeraars die in kleine kernen wonen, reizen meer dan een uur naar de les; het "
     "openbaar vervoer past niet bij de lestijden.",
     C.LIFE_DOMAINS, "Huisvesting", SolutionLevel.REGIONAL),
    ("Onduidelijke regels voor het combineren van werk en taal",
     "Werkgevers haken af omdat niet duidelijk is hoeveel lesuren naast werk verplicht zijn.",
     C.LIFE_DOMAINS, "Duale aspect (taal en participatie)", SolutionLevel.NATIONAL),
    ("Caseload te hoog voor maatwerk",
     "Klantmanagers hebben meer dan tachtig inburgeraars; er is geen tijd voor huisbezoeken.",
     C.OWN_WORK, "Managen caseload", SolutionLevel.LOCAL),
    ("Tolk niet vergoed bij gesprekken over gezondheid",
     "Bij gesprekken over psychische klachten is een tolk nodig, maar die wordt niet vergoed.",
     C.LIFE_DOMAINS, "Mentale gezondheid", SolutionLevel.NATIONAL),
    ("Examen pas maanden na het einde van de lessen",
     "Na de laatste les duurt het vaak drie maanden voor het examen; de kennis zakt weg.",
     C.PROCEDURES, "Snelheid en doorstroom", SolutionLevel.NATIONAL),
    ("Elke gemeente een eigen formulier voor hetzelfde traject",
     "Taalscholen die voor meerdere gemeenten werken, vullen voor hetzelfde traject "
     "verschillende formulieren in.",
     C.COOPERATION, "Regievoering", SolutionLevel.REGIONAL),
    ("Geen ruimte om een traject te pauzeren bij zwangerschap",
     "De regels bieden geen duidelijke manier om de termijn te pauzeren rond een "
     "zwangerschap.",
     C.PROCEDURES, "Flexibiliteit en maatwerk", SolutionLevel.NATIONAL),
]  # fmt: skip

THREADS = [
    ("Ervaringen met de leerbaarheidstoets op de COA-locatie?", [
        "Wie heeft al ervaring met het afnemen van de leerbaarheidstoets op de COA-locatie, "
        "vóór de koppeling aan de gemeente?",
        "Bij ons loopt dat sinds kort. Het scheelt ongeveer vier weken in de doorlooptijd.",
        "Mogen we jullie planning eens zien? Dan neem ik die mee naar ons overleg met het COA.",
        "Ik zet hem hier neer zodra ik terug ben van vakantie.",
    ]),
    ("Voorbeeld van een goed overdrachtsformulier gezocht", [
        "Na de vorige bijeenkomst beloofde ik voorbeelden te verzamelen. Wie heeft er een?",
        "Wij gebruiken er een van één kantje, met vooral vragen aan de inburgeraar zelf.",
        "Dat klinkt goed. Mag ik het gebruiken voor onze nieuwe collega's?",
    ]),
    ("Nog even over de vorige bijeenkomst", [
        "Dank voor de goede middag. Het gesprek over maatwerk zette me aan het denken.",
        "Mij ook. Ik heb het meteen in ons teamoverleg besproken.",
        "Zullen we het de volgende keer nog een keer oppakken met een echte casus?",
    ]),
    ("Regionale bijeenkomst over werk en taal", [
        "De werkgeversservice organiseert een middag over werk en taal. Gaat er iemand heen?",
        "Ik ga. Ik deel de hoofdpunten hier na afloop.",
    ]),
    ("Vraag: ontheffing bij laaggeletterdheid in de eigen taal", [
        "Hoe gaan jullie om met inburgeraars die ook in hun eigen taal niet kunnen lezen?",
        "Wij kiezen dan meestal voor de Z-route, maar pas na een gesprek met de taalschool.",
        "Goed punt, daar hebben we het in de volgende bijeenkomst over. Ik zet het op de "
        "agenda.",
    ]),
]  # fmt: skip


# --- Building -----------------------------------------------------------------------------


@dataclass
class _Seat:
    membership: Membership
    weight: float  # how keen this member is to come: some members are quiet (report §5.1.2)

    def active_on(self, day: datetime.date) -> bool:
        m = self.membership
        return m.joined_on <= day and (m.left_on is None or m.left_on > day)


@dataclass
class _Rows:
    """Everything made for the demo, inserted in bulk at the end."""

    meetings: list[Meeting]
    items: list[AgendaItem]
    guests: list[Guest]
    attendances: list[Attendance]
    rsvps: list[Rsvp]
    lessons: list[Lesson]
    agreements: list[Agreement]
    agreement_changes: list[tuple[Agreement, AgreementStatusChange]]
    signals: list[Signal]
    threads: list[tuple[Thread, list[Message]]]


def _at(day: datetime.date, hour: int, minute: int) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, hour, minute, tzinfo=AMSTERDAM)


def _meeting_days(
    rng: random.Random, start: datetime.date, interval_weeks: int, today: datetime.date
) -> tuple[list[datetime.date], list[datetime.date]]:
    """Past meeting days from `start` at the community's interval, skipping the summer
    holiday and the Christmas weeks, then two or three planned ones."""
    weekday = rng.choice([1, 2, 3])  # Tuesday to Thursday
    day = start + datetime.timedelta(days=(weekday - start.weekday()) % 7)
    past: list[datetime.date] = []
    upcoming: list[datetime.date] = []
    wanted_upcoming = rng.choice([2, 3])
    while len(upcoming) < wanted_upcoming:
        if (day.month == 7 and day.day > 10) or (day.month == 8 and day.day < 20):
            day = datetime.date(day.year, 8, 20) + datetime.timedelta(
                days=(weekday - datetime.date(day.year, 8, 20).weekday()) % 7
            )
        elif day.month == 12 and day.day > 18:
            day = datetime.date(day.year + 1, 1, 9) + datetime.timedelta(
                days=(weekday - datetime.date(day.year + 1, 1, 9).weekday()) % 7
            )
        held_on = next_working_day(day)
        if held_on == today:  # never today: whether it has begun depends on the hour
            held_on = next_working_day(held_on + datetime.timedelta(days=1))
        (past if held_on < today else upcoming).append(held_on)
        day += datetime.timedelta(weeks=interval_weeks, days=rng.choice([-7, 0, 0, 0, 7]))
    return past, upcoming


def _pick(rng: random.Random, seats: list[_Seat], count: int) -> list[_Seat]:
    """`count` seats drawn by weight without replacement (Efraimidis-Spirakis)."""
    keyed = sorted(seats, key=lambda s: rng.random() ** (1 / s.weight), reverse=True)
    return keyed[:count]


def _place(host: Organisation | None, rng: random.Random) -> tuple[str, str]:
    if host is None:
        return "", ""
    city = host.city or host.region or "Utrecht"
    address = f"{rng.choice(STREETS)} {rng.randint(1, 80)}, {city}"
    if host.type == T.MUNICIPALITY:
        return f"Gemeentehuis {city}", address
    if host.type == T.COA:
        return host.name.replace("COA locatie", "COA-locatie"), address
    return host.name, address


class _CommunityHistory:
    """The history of one community, from its own generator."""

    def __init__(
        self,
        community: Community,
        spec,
        memberships: list[Membership],
        work_forms: dict[str, WorkForm],
        today: datetime.date,
        rows: _Rows,
    ) -> None:
        self.community = community
        self.name = community.name
        self.spec = spec
        self.today = today
        self.rows = rows
        self.work_forms = work_forms
        self.rng = random.Random(f"{DEMO_SEED}-meetings-{community.name}")
        rng = self.rng
        self.seats = [_Seat(m, rng.choice([0.25, 1.0, 1.0, 1.0, 1.5, 2.0])) for m in memberships]
        for seat in self.seats:
            if seat.membership.role != Membership.Role.PARTICIPANT:
                seat.weight = 50.0  # the lead and the facilitator are nearly always there
        self.lead = next(
            (s.membership for s in self.seats if s.membership.is_lead and s.active_on(today)),
            memberships[0],
        )
        self.facilitator = next(
            (s.membership for s in self.seats if s.membership.is_facilitator),
            self.lead,
        )
        organisations: dict[int, Organisation] = {}
        for m in memberships:
            if m.organisation is not None and m.organisation.type != T.OTHER:
                organisations.setdefault(m.organisation.pk, m.organisation)
        self.organisations = sorted(organisations.values(), key=lambda o: o.name)
        self.municipalities = [o for o in self.organisations if o.type == T.MUNICIPALITY]
        self.rotation = list(self.organisations)
        rng.shuffle(self.rotation)
        self.home = self.lead.organisation or (self.organisations or [None])[0]
        self.duration = {
            "CoP Zeeland": 120,
            "CoP Fryslân": 210,
            "CoP Klantmanagers": 180,
            "CoP Gewogen Maatwerk": 180,
        }.get(self.name, 120 if spec.size <= 10 else rng.choice([150, 180]))
        self.start_time = rng.choice([(9, 30), (13, 0), (13, 30)])
        if self.duration >= 210:
            self.start_time = (10, 0)
        self.themed = THEMED_TOPICS.get(self.name, [])
        self.open_agreements: list[Agreement] = []
        self.participant_guest: set[int] = set()
        # Nothing that happened may carry a time after the demo's today (issue 12, point 11):
        # the last moment before it.
        self.latest = _at(today, 0, 0) - datetime.timedelta(minutes=1)
        # Minutes are written last, once every agreement has its final owner.
        self.minutes_to_write: list[tuple[Meeting, list[Topic], int, list, list, bool]] = []

    # -- one meeting ---------------------------------------------------------------------

    def build(self) -> None:
        interval = self.community.effective_meeting_interval_weeks
        start = max(self.spec.start, HISTORY_FROM) + datetime.timedelta(
            days=self.rng.randint(0, 20)
        )
        past, upcoming = _meeting_days(self.rng, start, interval, self.today)
        cancel_index = self.rng.choice([None, None, None, 4, 9]) if len(past) > 10 else None
        for index, day in enumerate(past):
            self.meeting(index, day, held=index != cancel_index)
        for offset, day in enumerate(upcoming):
            self.meeting(len(past) + offset, day, held=False, upcoming=offset)
        self.threads(past)
        if self.name == "CoP Achterhoek":
            self.agreements_for_demo_logins()
        for meeting, topics, present, lessons, agreements, lookback in self.minutes_to_write:
            meeting.minutes = _minutes(topics, present, lessons, agreements, lookback=lookback)

    def agreements_for_demo_logins(self) -> None:
        """Whoever signs in as the demo lead or participant finds open agreements under "Mijn
        afspraken", one of them overdue."""
        seats = {
            s.membership.person.email: s.membership for s in self.seats if s.active_on(self.today)
        }
        mine = [a for a in self.rows.agreements if a.community is self.community]
        if len(mine) < 5:
            return
        for agreement, login, days in (
            (mine[-1], "lead", 14),
            (mine[-2], "participant", 10),
            (mine[-5], "participant", -9),
        ):
            agreement.owner = seats.get(LOGINS[login], agreement.owner)
            agreement.status = Agreement.Status.OPEN
            agreement.due_date = self.today + datetime.timedelta(days=days)
        reopened = {id(a) for a in mine[-5:]}
        self.rows.agreement_changes = [
            (a, change) for a, change in self.rows.agreement_changes if id(a) not in reopened
            or a.status != Agreement.Status.OPEN
        ]  # fmt: skip

    def meeting(
        self, index: int, day: datetime.date, *, held: bool, upcoming: int | None = None
    ) -> None:
        rng, rows = self.rng, self.rows
        hour, minute = self.start_time
        starts_at = _at(day, hour, minute)
        ends_at = starts_at + datetime.timedelta(minutes=self.duration)
        is_past = upcoming is None
        topics = self.topics(index)
        host = self.host(index, topics)
        place, address = _place(host, rng)
        meeting = Meeting(
            community=self.community,
            title=topics[0].title[:150],
            starts_at=starts_at,
            ends_at=ends_at,
            place=place,
            address=address,
            host_organisation=host,
            format=Meeting.Format.PHYSICAL,
            status=Meeting.Status.PLANNED,
            ical_uid=uuid.UUID(int=rng.getrandbits(128), version=4),
            created_by_id=self.lead.person.user_id,
            created_at=min(starts_at - datetime.timedelta(weeks=8), self.latest),
        )
        if self.name == "CoP Hart van Brabant" and index % 3 == 2:
            meeting.format = Meeting.Format.ONLINE
            meeting.place, meeting.address = "Online", ""
            meeting.online_url = f"https://vergaderen.example.nl/cop-hart-van-brabant-{index + 1}"
        elif self.name == "CoP Klantmanagers" and index % 4 == 3:
            meeting.format = Meeting.Format.HYBRID
            meeting.online_url = f"https://vergaderen.example.nl/cop-klantmanagers-{index + 1}"
        if self.name == "CoP Gewogen Maatwerk" and self.municipalities:
            meeting.case_organisation = self.municipalities[index % len(self.municipalities)]
            meeting.case_title = CASE_TITLES[index % len(CASE_TITLES)]
            meeting.title = f"Casus: {meeting.case_title}"[:150]
        story = self.name == "CoP Fryslân" and index == 5
        if story:
            coa = next((o for o in self.organisations if o.type == T.COA), host)
            meeting.host_organisation = coa
            meeting.place, meeting.address = _place(coa, rng)
            meeting.title = FRYSLAN_STORY.title
        rows.meetings.append(meeting)

        if is_past:
            meeting.published_at = starts_at - datetime.timedelta(weeks=4)
            meeting.agenda_published_at = starts_at - datetime.timedelta(days=8)
            meeting.reminder_sent_at = starts_at - datetime.timedelta(days=3)
            if not held:
                meeting.status = Meeting.Status.CANCELLED
                meeting.cancel_reason = rng.choice(
                    [
                        "Afgelast omdat de procesbegeleider ziek was; de onderwerpen schuiven "
                        "door naar de volgende bijeenkomst.",
                        "Afgelast wegens te weinig aanmeldingen vlak voor de vakantie.",
                    ]
                )
                self.agenda(meeting, index, topics, lookback=False)
                return
            meeting.status = Meeting.Status.HELD
        elif upcoming == 0:
            meeting.published_at = datetime.datetime.combine(
                self.today - datetime.timedelta(days=10), datetime.time(9, tzinfo=AMSTERDAM)
            )
            meeting.agenda_published_at = meeting.published_at
        items_lookback = bool(self.open_agreements)
        if is_past or upcoming == 0:
            self.agenda(meeting, index, topics, lookback=items_lookback, story=story)
        elif upcoming == 1:
            self.agenda(meeting, index, topics[:1], lookback=bool(self.open_agreements))
        if upcoming == 0:
            self.rsvps(meeting, day)
        if is_past:
            present = self.attendance(meeting, day, index, story=story)
            self.outcomes(meeting, day, topics, present, lookback=items_lookback)

    def topics(self, index: int) -> list[Topic]:
        """One to three content items: the community's theme most of the time, the general
        catalogue for the rest, and now and then the perspective of the inburgeraar."""
        rng = self.rng
        if self.name == "CoP Fryslân" and index == 5:
            return [FRYSLAN_STORY, rng.choice(GENERAL_TOPICS)]
        count = rng.choice([1, 2, 2, 3])
        chosen: list[Topic] = []
        if self.themed and rng.random() < 0.6:
            chosen.append(self.themed[index % len(self.themed)])
        if index == 0:
            chosen.insert(
                0,
                Topic("Kennismaken en verwachtingen delen", C.COOPERATION,
                      "Samenwerken met ketenpartners en taalscholen", "acquaintance_round",
                      "Wie ben je, wat doe je, en wat hoop je hier te leren?"),
            )  # fmt: skip
        inburgering = self.community.programme.slug == "inburgering"
        if inburgering and self.name != "CoP Hart van Brabant" and rng.random() < 0.15:
            chosen.append(rng.choice(PERSPECTIVE_TOPICS))
        while len(chosen) < count:
            topic = rng.choice(GENERAL_TOPICS)
            if topic not in chosen:
                chosen.append(topic)
        return chosen[:3]

    def host(self, index: int, topics: list[Topic]) -> Organisation | None:
        if self.name in ROTATING_HOSTS and self.rotation:
            return self.rotation[index % len(self.rotation)]
        visit = any(t.work_form == "work_visit" for t in topics)
        if visit:
            others = [o for o in self.organisations if o.type != T.MUNICIPALITY]
            if others:
                return self.rng.choice(others)
        if self.spec.region == "" and self.municipalities:
            # The national communities meet in a different member's town each time.
            return self.municipalities[index % len(self.municipalities)]
        return self.home

    def agenda(
        self,
        meeting: Meeting,
        index: int,
        topics: list[Topic],
        *,
        lookback: bool,
        story: bool = False,
    ) -> None:
        """3-5 items: opening or look-back, the content, then naming the outcomes."""
        rng, rows = self.rng, self.rows
        items: list[AgendaItem] = []
        facilitator = self.facilitator.person.full_name
        if lookback:
            items.append(
                AgendaItem(
                    meeting=meeting,
                    title=LOOKBACK_TITLE,
                    minutes=LOOKBACK_MINUTES,
                    led_by=self.lead.person.full_name,
                    is_lookback=True,
                )
            )
        else:
            items.append(
                AgendaItem(meeting=meeting, title="Welkom en rondje: hoe staat het ervoor?",
                           minutes=15, led_by=facilitator)
            )  # fmt: skip
        closing = 20
        budget = meeting.duration_minutes - sum(i.minutes for i in items) - closing
        share = budget // max(1, len(topics))
        for topic in topics:
            minutes = max(20, min(90, share - rng.choice([0, 5, 10, 15])))
            led_by = facilitator
            if topic.work_form in ("presentation", "work_visit", "case_discussion", "intervision"):
                led_by = rng.choice(self.seats).membership.person.full_name
            items.append(
                AgendaItem(
                    meeting=meeting,
                    title=topic.title[:200],
                    work_form=self.work_forms.get(topic.work_form),
                    topic_category=topic.category,
                    subtopic=topic.subtopic,
                    minutes=minutes,
                    led_by=led_by,
                    perspective=topic.perspective,
                    description=topic.description,
                )
            )
            self.guests_for(meeting, topic, story)
        items.append(
            AgendaItem(
                meeting=meeting,
                title="Afronding: leerpunten, afspraken en signalen",
                minutes=closing,
                led_by=facilitator,
                description="We benoemen samen wat we geleerd hebben, wie wat oppakt en wat "
                "we doorgeven aan het coördinatiepunt.",
            )
        )
        for position, item in enumerate(items):
            item.position = position
        rows.items.extend(items)

    def guests_for(self, meeting: Meeting, topic: Topic, story: bool) -> None:
        rng, guests = self.rng, self.rows.guests
        if story and topic is FRYSLAN_STORY:
            guests.append(
                Guest(meeting=meeting, name="Yonas (oud-inburgeraar)", role=Guest.Role.INBURGERAAR)
            )
        elif topic.perspective == P.PARTICIPANT:
            if id(meeting) not in self.participant_guest:
                self.participant_guest.add(id(meeting))
                guests.append(
                    Guest(meeting=meeting, name="Selam (oud-inburgeraar)",
                          role=Guest.Role.INBURGERAAR, organisation_name="Deelnemer van de CoP")
                )  # fmt: skip
        elif topic.perspective in (P.INTERVIEW, P.FISHBOWL):
            count = 1 if topic.perspective == P.INTERVIEW else 3
            for name in rng.sample(INBURGERAAR_GUESTS, count):
                guests.append(Guest(meeting=meeting, name=name, role=Guest.Role.INBURGERAAR))
        elif topic.work_form == "guest_speaker":
            name, organisation, role = rng.choice(EXPERTS)
            guests.append(
                Guest(meeting=meeting, name=name, role=role, organisation_name=organisation)
            )

    def attendance(
        self, meeting: Meeting, day: datetime.date, index: int, *, story: bool
    ) -> list[_Seat]:
        """Report §3.2.1: mostly 15-25 present; once only 5 (Amsterdam), once 37 (Fryslân,
        the meeting with the oud-inburgeraar). Smaller communities in proportion."""
        rng = self.rng
        seats = [s for s in self.seats if s.active_on(day)]
        size = len(seats)
        if story:
            present_count = 37
        elif self.name == "CoP Amsterdam" and index == 8:
            present_count = 5
        elif size >= 24:
            present_count = rng.randint(15, 25)
        else:
            present_count = max(3, round(size * rng.uniform(0.55, 0.9)))
        present = _pick(rng, seats, min(size, present_count))
        present_ids = {s.membership.pk for s in present}
        # Colleagues who share a seat come in turn: one of the two.
        for seat in present:
            partner = seat.membership.shares_seat_with_id
            if partner in present_ids and seat.membership.pk in present_ids:
                present_ids.discard(seat.membership.pk)
        recorded_at = meeting.ends_at + datetime.timedelta(hours=1)
        for seat in seats:
            if seat.membership.pk in present_ids:
                status = Attendance.Status.PRESENT
            else:
                status = (
                    Attendance.Status.EXCUSED if rng.random() < 0.6 else Attendance.Status.ABSENT
                )
            self.rows.attendances.append(
                Attendance(
                    meeting=meeting,
                    membership=seat.membership,
                    status=status,
                    recorded_at=recorded_at,
                    recorded_by_id=self.lead.person.user_id,
                )
            )
        return [s for s in seats if s.membership.pk in present_ids]

    def rsvps(self, meeting: Meeting, day: datetime.date) -> None:
        """About half of the members answered the invitation; the demo logins did not, so
        whoever tries the demo can answer."""
        rng = self.rng
        demo_logins = set(LOGINS.values())
        for seat in self.seats:
            if not seat.active_on(self.today) or seat.membership.person.email in demo_logins:
                continue
            if rng.random() < 0.55:
                answer = Rsvp.Answer.ATTEND if rng.random() < 0.8 else Rsvp.Answer.DECLINE
                self.rows.rsvps.append(
                    Rsvp(
                        meeting=meeting,
                        membership=seat.membership,
                        answer=answer,
                        answered_at=meeting.published_at
                        + datetime.timedelta(hours=rng.randint(1, 200)),
                    )
                )

    def outcomes(
        self,
        meeting: Meeting,
        day: datetime.date,
        topics: list[Topic],
        present: list[_Seat],
        *,
        lookback: bool,
    ) -> None:
        rng, rows = self.rng, self.rows
        author = self.facilitator.person.user_id
        created = meeting.ends_at - datetime.timedelta(minutes=10)
        # Agreements of earlier meetings: most done by now, some dropped, a few left open.
        still_open = []
        for agreement in self.open_agreements:
            if agreement.due_date and agreement.due_date < day and rng.random() < 0.85:
                new = Agreement.Status.DONE if rng.random() < 0.88 else Agreement.Status.DROPPED
                agreement.status = new
                rows.agreement_changes.append(
                    (
                        agreement,
                        AgreementStatusChange(
                            old_status=Agreement.Status.OPEN,
                            new_status=new,
                            changed_by_id=self.lead.person.user_id,
                            changed_at=meeting.starts_at + datetime.timedelta(minutes=20),
                        ),
                    )
                )
            else:
                still_open.append(agreement)
        self.open_agreements = still_open

        lessons: list[Lesson] = []
        for _ in range(rng.choice([1, 2, 2, 3])):
            category = rng.choice([t.category for t in topics] + list(LESSONS))
            text = rng.choice(LESSONS[category])
            if any(lesson.text == text for lesson in lessons):
                continue
            lessons.append(
                Lesson(
                    meeting=meeting,
                    community=self.community,
                    programme_id=self.community.programme_id,
                    text=text,
                    learning_order=Lesson.LearningOrder.SECOND
                    if text in SECOND_ORDER
                    else Lesson.LearningOrder.FIRST,
                    influence_level=rng.choice(
                        [InfluenceLevel.OWN_PRACTICE] * 3
                        + [InfluenceLevel.LOCAL_POLICY] * 2
                        + [InfluenceLevel.SYSTEM]
                    ),
                    shareable=rng.random() < 0.4,
                    created_by_id=author,
                    created_at=created,
                )
            )
        rows.lessons.extend(lessons)

        agreements: list[Agreement] = []
        owners = [s.membership for s in present] or [self.lead]
        for text in rng.sample(AGREEMENTS, rng.choice([1, 2, 2])):
            owner = self.lead if text.startswith("Vraagt bij het landelijk") else rng.choice(owners)
            if self.name == "CoP Achterhoek" and rng.random() < 0.3:
                # The demo logins have something to find under "Mijn afspraken".
                owner = next(
                    (
                        s.membership
                        for s in self.seats
                        if s.membership.person.email == LOGINS["participant"] and s.active_on(day)
                    ),
                    owner,
                )
            agreements.append(
                Agreement(
                    meeting=meeting,
                    community=self.community,
                    text=text,
                    owner=owner,
                    due_date=day + datetime.timedelta(weeks=rng.choice([3, 4, 6])),
                    created_by_id=author,
                    created_at=created,
                )
            )
        rows.agreements.extend(agreements)
        self.open_agreements.extend(agreements)

        for title, description, category, subtopic, level in rng.sample(
            SIGNALS, rng.choice([0, 1, 1, 2, 2, 3])
        ):
            rows.signals.append(
                Signal(
                    community=self.community,
                    programme_id=self.community.programme_id,
                    meeting=meeting,
                    title=title,
                    description=description,
                    topic_category=category,
                    subtopic=subtopic,
                    solution_level=level,
                    raised_on=day,
                    created_by_id=self.lead.person.user_id,
                    created_at=created,
                )
            )
        self.minutes_to_write.append((meeting, topics, len(present), lessons, agreements, lookback))
        meeting.minutes_updated_at = min(meeting.ends_at + datetime.timedelta(days=2), self.latest)
        if rng.random() < 0.8:
            meeting.minutes_sent_at = min(meeting.ends_at + datetime.timedelta(days=3), self.latest)

    def threads(self, past: list[datetime.date]) -> None:
        """One or two conversations between recent meetings."""
        rng = self.rng
        members = [s.membership.person for s in self.seats if s.active_on(self.today)]
        if not past or len(members) < 2:
            return
        for title, bodies in rng.sample(THREADS, rng.choice([1, 2])):
            started = _at(rng.choice(past[-3:]), 16, 30) + datetime.timedelta(
                days=rng.randint(2, 20), minutes=rng.randint(0, 240)
            )
            authors = rng.sample(members, min(len(members), len(bodies)))
            messages = []
            at = started
            for number, body in enumerate(bodies):
                messages.append(
                    Message(author=authors[number % len(authors)], body=body, created_at=at)
                )
                at += datetime.timedelta(hours=rng.randint(2, 60))
            late = messages[-1].created_at - self.latest
            if late > datetime.timedelta(0):
                # A conversation of the last few days: it ended a few hours ago, not later.
                late += datetime.timedelta(hours=3)
                started -= late
                for message in messages:
                    message.created_at -= late
            thread = Thread(
                community=self.community,
                title=title,
                started_by=authors[0],
                created_at=started,
                last_message_at=messages[-1].created_at,
            )
            self.rows.threads.append((thread, messages))


def _minutes(
    topics: list[Topic],
    present: int,
    lessons: list[Lesson],
    agreements: list[Agreement],
    *,
    lookback: bool,
) -> str:
    """A short report in Markdown, the way a facilitator writes it the day after."""
    lines = [f"**Aanwezig:** {present} deelnemers."]
    if lookback:
        lines += [
            "",
            "## Terugblik",
            "",
            "We liepen de openstaande afspraken langs; wat klaar is, is afgevinkt.",
        ]
    for topic in topics:
        lines += ["", f"## {topic.title}", "", topic.description]
    if lessons:
        lines += ["", "## Leerpunten", ""] + [f"- {lesson.text}" for lesson in lessons]
    if agreements:
        lines += ["", "## Afspraken", ""]
        for agreement in agreements:
            owner = agreement.owner.person.full_name if agreement.owner else "De trekker"
            lines.append(f"- {owner}: {agreement.text[0].lower()}{agreement.text[1:]}")
    return "\n".join(lines) + "\n"


def _insert(rows: _Rows) -> None:
    """Parents before children, so bulk_create has every primary key it needs."""
    Meeting.objects.bulk_create(rows.meetings, batch_size=500)
    for model, objects in (
        (AgendaItem, rows.items),
        (Guest, rows.guests),
        (Attendance, rows.attendances),
        (Rsvp, rows.rsvps),
        (Lesson, rows.lessons),
    ):
        for obj in objects:
            obj.meeting_id = obj.meeting.pk
        model.objects.bulk_create(objects, batch_size=1000)
    for agreement in rows.agreements:
        agreement.meeting_id = agreement.meeting.pk
    Agreement.objects.bulk_create(rows.agreements, batch_size=1000)
    changes = []
    for agreement, change in rows.agreement_changes:
        change.agreement_id = agreement.pk
        changes.append(change)
    AgreementStatusChange.objects.bulk_create(changes, batch_size=1000)
    for signal in rows.signals:
        signal.meeting_id = signal.meeting.pk
    Signal.objects.bulk_create(rows.signals, batch_size=1000)
    Thread.objects.bulk_create([thread for thread, _messages in rows.threads])
    messages = []
    for thread, thread_messages in rows.threads:
        for message in thread_messages:
            message.thread_id = thread.pk
            messages.append(message)
    Message.objects.bulk_create(messages, batch_size=1000)


@demo_step(order=110)
def demo_meetings(ctx: DemoContext) -> None:
    """Meeting histories for every demo community."""
    work_forms = {wf.key: wf for wf in WorkForm.objects.filter(programme__isnull=True)}
    memberships: dict[int, list[Membership]] = {}
    for membership in (
        Membership.objects.filter(community__in=list(ctx.communities.values()))
        .select_related("person", "organisation")
        .order_by("pk")
    ):
        memberships.setdefault(membership.community_id, []).append(membership)
    rows = _Rows([], [], [], [], [], [], [], [], [], [])
    for name, community in ctx.communities.items():
        if memberships.get(community.pk):
            _CommunityHistory(
                community, ctx.specs[name], memberships[community.pk], work_forms, ctx.today, rows
            ).build()
    _insert(rows)
    ctx.counts.update(
        {
            "meetings": len(rows.meetings),
            "agenda items": len(rows.items),
            "attendance rows": len(rows.attendances),
            "lessons": len(rows.lessons),
            "agreements": len(rows.agreements),
            "signals": len(rows.signals),
            "threads": len(rows.threads),
        }
    )
