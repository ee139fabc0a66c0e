"""The demo network: the twelve CoP's Inburgering of the evaluation report, plus a small
Sociaal Werk in de Wijk programme and the CoP Gewogen Maatwerk.

Communities, sizes and facts follow the seed documents (report §3.1-3.2: sizes from 10 in
Zeeland to 40 in Fryslân, most 25-30; the national CoP klantmanagers; Utrecht turned national
on gezinsmigranten). Municipalities are real; the people are fictional, their names drawn from a
fixed seed so every run gives the same network. Everything goes through the services, so the
demo also has an audit history like real data would.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import import_module
from typing import Any

from django.apps import apps
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from leerkring.accounts import services as account_services
from leerkring.accounts.models import ProgrammeRole, User
from leerkring.core.models import AuditEvent

from . import services
from .models import Community, Membership, Organisation, Person, Programme
from .synthetic import DEMO_PASSWORD, EMAIL_DOMAIN, email_local_part, person_name

T = Organisation.Type
S = Community.Scenario
P = Community.Phase

DEMO_SEED = 2024
INBURGERING_SLUG = "inburgering"
DEMO_PROGRAMME_SLUGS = (INBURGERING_SLUG, "sociaal-werk-in-de-wijk", "gewogen-maatwerk")

# One account per kind of visitor, printed after `manage.py demo`.
LOGINS = {
    "admin": f"beheer@{EMAIL_DOMAIN}",
    "coordinator": f"coordinator@{EMAIL_DOMAIN}",
    "evaluator": f"onderzoeker@{EMAIL_DOMAIN}",
    "system_partner": f"stelselpartner@{EMAIL_DOMAIN}",
    "lead": f"trekker@{EMAIL_DOMAIN}",
    "facilitator": f"procesbegeleider@{EMAIL_DOMAIN}",
    "participant": f"deelnemer@{EMAIL_DOMAIN}",
}
LOGIN_LABELS = {
    "coordinator": "coördinator (Divosa)",
    "evaluator": "onderzoeker",
    "system_partner": "stelselpartner",
    "lead": "communitytrekker (CoP Achterhoek)",
    "facilitator": "procesbegeleider (CoP Achterhoek, CoP Zeeland)",
    "participant": "deelnemer (CoP Achterhoek)",
    "admin": "beheerder",
}


@dataclass(frozen=True)
class DemoCommunity:
    name: str
    region: str  # empty for a national community
    size: int
    municipalities: tuple[str, ...]
    scenario: str
    phase: str
    theme: str
    learning_question: str
    description: str
    start: datetime.date
    executing: bool = True  # COA, language and support organisations take part
    partners: tuple[tuple[str, str, str], ...] = ()  # (organisation, type, job title)
    municipality_title: str = "Klantmanager inburgering"
    lead_title: str = "Beleidsadviseur inburgering"
    status: str = Community.Status.ACTIVE


INBURGERING = [
    DemoCommunity(
        "CoP Achterhoek",
        "Achterhoek",
        26,
        (
            "Doetinchem",
            "Winterswijk",
            "Aalten",
            "Oost Gelre",
            "Berkelland",
            "Bronckhorst",
            "Montferland",
            "Oude IJsselstreek",
        ),
        S.B,
        P.DEVELOP,
        "Financiële zelfredzaamheid en jongeren na de ISK",
        "Hoe begeleiden we inburgeraars samen naar financiële zelfredzaamheid, en welke route "
        "hebben jongeren na de ISK in onze regio?",
        "Acht gemeenten en hun uitvoeringspartners. Werkt aan een webinar over de samenwerking "
        "in de regio, een infographic over geldzaken en een beslisboom voor jongeren na de ISK.",
        datetime.date(2022, 11, 15),
    ),
    DemoCommunity(
        "CoP Amsterdam",
        "Groot Amsterdam",
        30,
        ("Amsterdam", "Amstelveen", "Diemen"),
        S.A,
        P.OBSERVE_EXPERIMENT,
        "Kennismaken in de keten en wonen op een tijdelijke locatie",
        "Wat weten we van elkaars werk, en hoe helpen we inburgeraars die tijdelijk op krappe "
        "ruimte wonen om toch goed te starten?",
        "Een grote groep uit de stad: meerdere teams van de gemeente, COA, taalscholen en "
        "begeleiders. Begonnen met kennismaken en werkbezoeken.",
        datetime.date(2023, 1, 24),
    ),
    DemoCommunity(
        "CoP Hart van Brabant",
        "Hart van Brabant",
        28,
        ("Tilburg", "Waalwijk", "Dongen", "Oisterwijk", "Gilze en Rijen", "Goirle"),
        S.B,
        P.DEVELOP,
        "Wegwijzer voor inburgeraars",
        "Hoe maken we de route door de inburgering voor inburgeraars en professionals in één "
        "oogopslag duidelijk?",
        "Productgericht: werkt toe naar een wegwijzer, begrippenlijst en infographic van de "
        "route. Sluit aan bij de brede bijeenkomsten in de regio; komt soms online bijeen.",
        datetime.date(2022, 10, 4),
    ),
    DemoCommunity(
        "CoP Oost-Brabant",
        "Noordoost-Brabant",
        27,
        ("'s-Hertogenbosch", "Oss", "Helmond", "Meierijstad", "Bernheze"),
        S.B,
        P.OBSERVE_EXPERIMENT,
        "Duale trajecten met werkgevers",
        "Wat maakt de combinatie van taal leren en werken bij een werkgever succesvol?",
        "Roulerend gastheerschap. Maakt een factsheet over geslaagde duale trajecten.",
        datetime.date(2023, 2, 9),
    ),
    DemoCommunity(
        "CoP Zeeland",
        "Zeeland",
        10,
        ("Middelburg", "Vlissingen", "Goes", "Terneuzen"),
        S.B,
        P.OBSERVE_EXPERIMENT,
        "Positieve gezondheid en omgaan met trauma",
        "Hoe herkennen we gezondheidsklachten en trauma bij inburgeraars op tijd, en wat doen "
        "we dan samen?",
        "Kleine, thematische groep. Werkt aan een advies over een gezondheidsmodule voor "
        "inburgeraars.",
        datetime.date(2023, 3, 14),
    ),
    DemoCommunity(
        "CoP Rijnmond",
        "Rijnmond",
        29,
        ("Rotterdam", "Schiedam", "Vlaardingen", "Capelle aan den IJssel", "Maassluis"),
        S.C,
        P.DEVELOP,
        "Medische ontheffing",
        "Hoe verloopt een aanvraag voor medische ontheffing zonder dat de inburgeraar maanden "
        "stilstaat?",
        "Maakte infographics over medische ontheffing voor gemeenten en voor inburgeraars, die "
        "landelijk worden gebruikt.",
        datetime.date(2022, 9, 27),
    ),
    DemoCommunity(
        "CoP Noordoost Nederland",
        "Noordoost Nederland",
        25,
        ("Groningen", "Assen", "Emmen", "Midden-Groningen", "Hoogeveen", "Oldambt"),
        S.B,
        P.DEVELOP,
        "Jongeren in de Z-route",
        "Hoe voorkomen we dat jongeren in de Z-route tussen wal en schip vallen?",
        "Uit de uitwisseling ontstond een aparte plusklas binnen de Z-route voor jongeren.",
        datetime.date(2022, 12, 6),
    ),
    DemoCommunity(
        "CoP Midden-Limburg",
        "Midden-Limburg",
        26,
        ("Roermond", "Weert", "Leudal", "Maasgouw", "Roerdalen", "Echt-Susteren"),
        S.B,
        P.OBSERVE_EXPERIMENT,
        "De klantreis van de inburgeraar",
        "Wie doet wat, en wanneer, in de reis van een inburgeraar door onze keten?",
        "Roulerend gastheerschap. Tekent het proces van de klantreis met de "
        "verantwoordelijkheden van alle ketenpartners.",
        datetime.date(2023, 1, 17),
    ),
    DemoCommunity(
        "CoP Foodvalley",
        "Foodvalley",
        27,
        ("Ede", "Wageningen", "Barneveld", "Veenendaal", "Rhenen", "Scherpenzeel"),
        S.B,
        P.DEVELOP,
        "Participatie in de Z-route en de overstap van ISK naar inburgering",
        "Welke participatieactiviteiten passen bij de Z-route, en hoe regelen we de overstap "
        "van de ISK naar de inburgering?",
        "Maakte een participatiewegwijzer voor de Z-route en nieuwe afspraken tussen ISK, "
        "taalschool en gemeenten. Stuurt na elke bijeenkomst een korte nieuwsbrief rond.",
        datetime.date(2022, 11, 1),
    ),
    DemoCommunity(
        "CoP Fryslân",
        "Friesland",
        40,
        (
            "Leeuwarden",
            "Súdwest-Fryslân",
            "Smallingerland",
            "Heerenveen",
            "De Fryske Marren",
            "Waadhoeke",
            "Noardeast-Fryslân",
            "Opsterland",
        ),
        S.A,
        P.OBSERVE_EXPERIMENT,
        "Samenwerking in de keten en het perspectief van de inburgeraar",
        "Hoe brengen we de stem van de inburgeraar vaker aan tafel, en wat leren we daarvan "
        "voor de samenwerking?",
        "De grootste CoP. Roulerend gastheerschap; een oud-inburgeraar vertelde zijn verhaal op "
        "een COA-locatie. Schrijft een terugblik met tips voor de regio.",
        datetime.date(2022, 10, 11),
    ),
    DemoCommunity(
        "CoP Klantmanagers",
        "",
        24,
        (
            "Almere",
            "Apeldoorn",
            "Breda",
            "Deventer",
            "Enschede",
            "Haarlem",
            "Leiden",
            "Nijmegen",
            "Zwolle",
            "Zoetermeer",
            "Venlo",
            "Hoorn",
            "Gouda",
            "Delft",
            "Alkmaar",
            "Heerlen",
            "Emmen",
            "Lelystad",
            "Dordrecht",
            "Hengelo",
            "Kampen",
            "Tiel",
            "Oss",
            "Veenendaal",
        ),
        S.B,
        P.DEVELOP,
        "Het vak van klantmanager inburgering",
        "Wat hebben klantmanagers nodig om lastige gesprekken met inburgeraars goed te voeren?",
        "Landelijk, alleen klantmanagers inburgering van gemeenten. De agenda volgt de "
        "praktijkcasussen die deelnemers inbrengen, in de vorm van intervisie.",
        datetime.date(2022, 9, 13),
        executing=False,
    ),
    DemoCommunity(
        "CoP Gezinsmigranten",
        "",
        18,
        ("Utrecht", "Nieuwegein", "Amersfoort", "Zeist", "Arnhem", "Den Haag"),
        S.C,
        P.OBSERVE_EXPERIMENT,
        "Gezinsmigranten",
        "Hoe pakt een gemeente de begeleiding van gezinsmigranten het beste op?",
        "Begonnen als CoP Utrecht, later landelijk geworden met een focus op gezinsmigranten. "
        "Schrijft een landelijk adviesdocument.",
        datetime.date(2023, 2, 21),
    ),
]

SWW = [
    DemoCommunity(
        "CoP Wijkteams Zwolle-Zuid",
        "Regio Zwolle",
        8,
        ("Zwolle",),
        S.B,
        P.EXPLORE,
        "Zelfsturing in het wijkteam",
        "Hoe geven we zelfsturing vorm in het gewone werk, zonder er een project van te maken?",
        "Sociaal werkers, een teamleider en een bewonersinitiatief uit één wijk.",
        datetime.date(2023, 4, 3),
        executing=False,
        partners=(
            ("Welzijnsorganisatie De Kern Zwolle", T.SOCIAL_SUPPORT, "Sociaal werker"),
            ("Woningcorporatie Thuis aan de Vecht", T.OTHER, "Wijkconsulent"),
            ("Bewonersinitiatief Zwolle-Zuid", T.VOLUNTEER, "Bewoner en vrijwilliger"),
        ),
        municipality_title="Wijkregisseur",
        lead_title="Teamleider sociaal werk",
    ),
    DemoCommunity(
        "CoP Jongerenwerk Tilburg-Noord",
        "Hart van Brabant",
        6,
        ("Tilburg",),
        S.A,
        P.OBSERVE_EXPERIMENT,
        "Meerwaarde van het jongerenwerk voor de wijk",
        "Hoe maken we zichtbaar wat het jongerenwerk in de wijk oplevert?",
        "Jongerenwerkers en een wijkagent; de trekker begeleidt de sessies ook zelf.",
        datetime.date(2023, 5, 8),
        executing=False,
        partners=(
            ("Jongerenwerk Tilburg-Noord", T.SOCIAL_SUPPORT, "Jongerenwerker"),
            ("Politie basisteam Tilburg-Noord", T.GOVERNMENT, "Wijkagent"),
        ),
        municipality_title="Wijkregisseur",
        lead_title="Coördinator jongerenwerk",
    ),
]

GEWOGEN_MAATWERK = DemoCommunity(
    "CoP Gewogen Maatwerk",
    "",
    12,
    ("Amersfoort", "Den Haag", "Utrecht", "Tilburg", "Zwolle", "Nijmegen", "Almere"),
    S.C,
    P.DEVELOP,
    "Professionele re-integratiepraktijk",
    "Hoe onderbouwen we maatwerk in re-integratie met een gedeeld theoretisch kader?",
    "Zeven gemeenten, hoger onderwijs en wetenschap. Twaalf sessies in anderhalf jaar; elke "
    "sessie brengt een gemeente om de beurt een casus in.",
    datetime.date(2022, 1, 11),
    executing=False,
    partners=(
        ("Fontys Hogescholen", T.EDUCATION, "Docent HRM, afstudeerrichting re-integratie"),
        ("TNO", T.KNOWLEDGE_INSTITUTE, "Onderzoeker"),
        ("Beroepsvereniging SAM", T.OTHER, "Adviseur beroepsontwikkeling"),
    ),
    municipality_title="Klantmanager werk",
    lead_title="Afdelingsmanager werk en inkomen",
)

MUNICIPALITY_REGION = {
    "Amersfoort": "Amersfoort", "Den Haag": "Haaglanden", "Utrecht": "Midden-Utrecht",
    "Tilburg": "Hart van Brabant", "Zwolle": "Regio Zwolle", "Nijmegen": "Rijk van Nijmegen",
    "Almere": "Flevoland",
}  # fmt: skip

LANGUAGE_WORDS = ["Kompas", "Wegwijs", "Horizon", "Taalkracht", "De Brug", "Startpunt", "Welkom"]
FACILITATOR_BUREAUS = [
    "Bureau Samenspel",
    "Procesbegeleiding Tafelrond",
    "De Leerkamer advies",
    "Bureau Tegenlicht",
]


class _Builder:
    """Keeps the generator and what was made, so each community can be built in a few lines."""

    def __init__(self, admin: User) -> None:
        self.admin = admin
        self.rng = random.Random(DEMO_SEED)
        self.password = make_password(DEMO_PASSWORD)
        self.organisations: dict[str, Organisation] = {}
        self.names: set[str] = set()
        self.emails: set[str] = set()

    def organisation(self, name: str, kind: str, region: str = "", city: str = "") -> Organisation:
        if name not in self.organisations:
            self.organisations[name] = services.organisation_save(
                organisation=Organisation(name=name, type=kind, region=region, city=city),
                by=self.admin,
            )
        return self.organisations[name]

    def person(
        self, organisation: Organisation | None, job_title: str, email: str = "", name: str = ""
    ) -> Person:
        while not name or name in self.names:
            name = person_name(self.rng)
        self.names.add(name)
        if not email:
            email = f"{email_local_part(name)}@{EMAIL_DOMAIN}"
        self.emails.add(email)
        user = User.objects.create(email=email, password=self.password)
        return Person.objects.create(
            full_name=name, email=email, job_title=job_title, organisation=organisation, user=user
        )

    def member(
        self,
        community: Community,
        person: Person,
        role: str = Membership.Role.PARTICIPANT,
        joined_on: datetime.date | None = None,
    ) -> Membership:
        return services.membership_add(
            community=community,
            person=person,
            by=self.admin,
            role=role,
            joined_on=joined_on or community.start_date,
        )


def _community(builder: _Builder, programme: Programme, spec: DemoCommunity) -> Community:
    return services.community_create(
        programme=programme,
        by=builder.admin,
        name=spec.name,
        scope=Community.Scope.REGIONAL if spec.region else Community.Scope.NATIONAL,
        region=spec.region,
        theme=spec.theme,
        learning_question=spec.learning_question,
        description=spec.description,
        scenario=spec.scenario,
        phase=spec.phase,
        status=spec.status,
        start_date=spec.start,
    )


def _seat_organisations(builder: _Builder, spec: DemoCommunity) -> list[tuple[Organisation, str]]:
    """The organisations around the table and the job title of who comes from each, in the
    mix the report describes: municipalities everywhere, with COA, language providers, social
    support and volunteers (§3.1)."""
    region = spec.region or "landelijk"
    municipalities = [
        builder.organisation(
            f"Gemeente {city}",
            T.MUNICIPALITY,
            spec.region or MUNICIPALITY_REGION.get(city, ""),
            city,
        )
        for city in spec.municipalities
    ]
    seats = [(m, spec.municipality_title) for m in municipalities]
    seats += [
        (builder.organisation(name, kind, spec.region, spec.municipalities[0]), title)
        for name, kind, title in spec.partners
    ]
    if not spec.executing:
        return seats
    main_city = spec.municipalities[0]
    index = INBURGERING.index(spec) if spec in INBURGERING else 0
    words = LANGUAGE_WORDS[index % len(LANGUAGE_WORDS)], LANGUAGE_WORDS[(index + 3) % 7]
    seats += [
        (builder.organisation(f"COA locatie {main_city}", T.COA, spec.region, main_city), "Woonbegeleider"),
        (
            builder.organisation(f"Taalschool {words[0]} {main_city}", T.LANGUAGE_PROVIDER, spec.region, main_city),
            "Docent NT2",
        ),
        (
            builder.organisation(f"Taalinstituut {words[1]} {region}", T.LANGUAGE_PROVIDER, spec.region, main_city),
            "Coördinator inburgering",
        ),
        (
            builder.organisation(f"Stichting Nieuwkomers {region}", T.SOCIAL_SUPPORT, spec.region, main_city),
            "Maatschappelijk begeleider",
        ),
        (
            builder.organisation(f"Taalmaatjes {main_city}", T.VOLUNTEER, spec.region, main_city),
            "Coördinator vrijwilligers",
        ),
        (
            builder.organisation(f"ISK {main_city}", T.EDUCATION, spec.region, main_city),
            "Docent ISK",
        ),
    ]  # fmt: skip
    return seats


def _fill(
    builder: _Builder,
    community: Community,
    spec: DemoCommunity,
    *,
    lead: Person | None = None,
    facilitator: Person | None = None,
    combined: bool = False,
) -> list[Membership]:
    """Lead, facilitator, then participants spread over the organisations: municipalities
    bring about half of the people."""
    rng = builder.rng
    seats = _seat_organisations(builder, spec)
    municipalities = [s for s in seats if s[0].type == T.MUNICIPALITY]
    others = [s for s in seats if s[0].type != T.MUNICIPALITY] or municipalities
    memberships = []
    lead = lead or builder.person(municipalities[0][0], spec.lead_title)
    memberships.append(
        builder.member(
            community,
            lead,
            Membership.Role.LEAD_FACILITATOR if combined else Membership.Role.LEAD,
        )
    )
    if not combined:
        bureau = builder.organisation(rng.choice(FACILITATOR_BUREAUS), T.OTHER)
        facilitator = facilitator or builder.person(bureau, "Procesbegeleider")
        memberships.append(builder.member(community, facilitator, Membership.Role.FACILITATOR))
    # Every organisation at least once, then the rest at random.
    order = list(municipalities) + list(others)
    while len(memberships) < spec.size:
        index = len(memberships) - (1 if combined else 2)
        if index < len(order):
            organisation, title = order[index]
        else:
            organisation, title = rng.choice(municipalities if rng.random() < 0.5 else others)
        joined = community.start_date + datetime.timedelta(days=rng.choice([0, 0, 0, 49, 98]))
        memberships.append(
            builder.member(community, builder.person(organisation, title), joined_on=joined)
        )
    return memberships


def demo_exists() -> bool:
    return Programme.objects.filter(slug=INBURGERING_SLUG).exists()


def demo_reset() -> None:
    """Remove what the demo made: its programmes with everything in them, and its people."""
    with transaction.atomic():
        made = list(
            AuditEvent.objects.filter(
                verb="organisation.created", actor__email=LOGINS["admin"]
            ).values_list("object_id", flat=True)
        )
        # Survey answers protect their questions and waves their questionnaire: remove those
        # first (by model label, so this app does not import the surveys app).
        # A question that picks from an earlier one protects it too.
        for label, lookup, extra in (
            ("surveys.Answer", "response__wave__programme__slug__in", {}),
            ("surveys.Wave", "programme__slug__in", {}),
            ("surveys.Question", "questionnaire__programme__slug__in", {"source_question__isnull": False}),
        ):  # fmt: skip
            apps.get_model(label).objects.filter(**{lookup: DEMO_PROGRAMME_SLUGS}, **extra).delete()
        Community.objects.filter(programme__slug__in=DEMO_PROGRAMME_SLUGS).delete()
        Programme.objects.filter(slug__in=DEMO_PROGRAMME_SLUGS).delete()
        Organisation.objects.filter(pk__in=made).delete()
        Person.objects.filter(email__endswith=f"@{EMAIL_DOMAIN}").delete()
        User.objects.filter(email__endswith=f"@{EMAIL_DOMAIN}").delete()


# --- Steps of other apps ------------------------------------------------------------------
# Other apps add their demo data (meetings, signals ...) with a `demo_data.py` in their package
# and functions decorated by `@demo_step(order=...)`, so this app never imports them.


@dataclass
class DemoContext:
    """What the demo steps of other apps build on: the communities by name with their spec,
    the admin who made them, and the day the history runs up to."""

    admin: User
    today: datetime.date
    communities: dict[str, Community]
    specs: dict[str, DemoCommunity]
    counts: dict[str, int] = field(default_factory=dict)


DemoStep = Callable[[DemoContext], None]
_DEMO_STEPS: list[tuple[int, str, DemoStep]] = []


def demo_step(order: int) -> Callable[[DemoStep], DemoStep]:
    """Register a step of another app; steps run by ascending order after the network."""

    def register(func: DemoStep) -> DemoStep:
        name = f"{func.__module__}.{func.__qualname__}"
        if not any(existing == name for _o, existing, _f in _DEMO_STEPS):
            _DEMO_STEPS.append((order, name, func))
        return func

    return register


def demo_steps() -> list[tuple[int, str, DemoStep]]:
    """Every app's `demo_data` module, imported so its steps register, in step order."""
    for app_config in apps.get_app_configs():
        module_name = f"{app_config.name}.demo_data"
        try:
            import_module(module_name)
        except ModuleNotFoundError as error:
            if error.name != module_name:
                raise
    return sorted(_DEMO_STEPS, key=lambda step: (step[0], step[1]))


@transaction.atomic
def demo_build(today: datetime.date | None = None) -> dict[str, Any]:
    """Build the demo network; returns counts. Callers check `demo_exists()` first. `today`
    is the day the other apps' histories run up to (tests fix it to compare two builds)."""
    admin = User.objects.create_superuser(LOGINS["admin"], DEMO_PASSWORD)
    builder = _Builder(admin)
    inburgering = services.programme_create(
        name="CoP's Inburgering",
        slug=INBURGERING_SLUG,
        preset="inburgering",
        by=admin,
        coordinating_organisation="Divosa",
        description=(
            "Twaalf Community's of Practice waarin professionals uit gemeenten en "
            "uitvoeringsorganisaties samen leren over de uitvoering van de Wet inburgering 2021. "
            "Knelpunten die lokaal niet op te lossen zijn, gaan via het landelijk "
            "coördinatiepunt naar schakel- en stelselniveau."
        ),
    )
    sww = services.programme_create(
        name="Sociaal Werk in de Wijk",
        slug="sociaal-werk-in-de-wijk",
        preset="sww",
        by=admin,
        coordinating_organisation="Sociaal Werk in de Wijk",
        description="Kleine CoP's van sociaal werkers als motor voor vernieuwing in de wijk.",
    )
    maatwerk = services.programme_create(
        name="CoP Gewogen Maatwerk",
        slug="gewogen-maatwerk",
        preset="gewogen_maatwerk",
        by=admin,
        coordinating_organisation="Divosa",
        description=(
            "Gemeenten, hoger onderwijs en wetenschap ontwikkelen samen een professionele "
            "re-integratiepraktijk."
        ),
    )

    divosa = builder.organisation("Divosa", T.OTHER, "", "Utrecht")
    ministry = builder.organisation(
        "Ministerie van Sociale Zaken en Werkgelegenheid", T.GOVERNMENT, "", "Den Haag"
    )
    research = builder.organisation("Onderzoeksbureau Lerend Stelsel", T.KNOWLEDGE_INSTITUTE)
    bureau = builder.organisation(FACILITATOR_BUREAUS[0], T.OTHER)

    # The people behind the demo logins.
    coordinator = builder.person(divosa, "Adviseur inburgering", LOGINS["coordinator"])
    evaluator = builder.person(research, "Onderzoeker", LOGINS["evaluator"])
    system_partner = builder.person(
        ministry, "Beleidsmedewerker inburgering", LOGINS["system_partner"]
    )
    doetinchem = builder.organisation(
        "Gemeente Doetinchem", T.MUNICIPALITY, "Achterhoek", "Doetinchem"
    )
    lead = builder.person(doetinchem, "Beleidsadviseur inburgering", LOGINS["lead"])
    facilitator = builder.person(bureau, "Procesbegeleider", LOGINS["facilitator"])
    participant = builder.person(doetinchem, "Klantmanager inburgering", LOGINS["participant"])

    for programme, person, role in [
        (inburgering, coordinator, ProgrammeRole.Role.COORDINATOR),
        (maatwerk, coordinator, ProgrammeRole.Role.COORDINATOR),
        (inburgering, builder.person(divosa, "Projectleider CoP's"), ProgrammeRole.Role.COORDINATOR),
        (inburgering, evaluator, ProgrammeRole.Role.EVALUATOR),
        (inburgering, system_partner, ProgrammeRole.Role.SYSTEM_PARTNER),
        (sww, builder.person(builder.organisation("Sociaal Werk in de Wijk", T.OTHER), "Programmaleider"),
         ProgrammeRole.Role.COORDINATOR),
    ]:  # fmt: skip
        account_services.programme_role_assign(
            programme=programme, email=person.email, full_name=person.full_name, role=role, by=admin
        )

    communities: dict[str, Community] = {}
    members: dict[str, list[Membership]] = {}
    for spec in INBURGERING:
        community = _community(builder, inburgering, spec)
        communities[spec.name] = community
        if spec.name == "CoP Achterhoek":
            members[spec.name] = _fill(builder, community, spec, lead=lead, facilitator=facilitator)
            builder.member(community, participant)
        elif spec.name == "CoP Zeeland":
            members[spec.name] = _fill(builder, community, spec, facilitator=facilitator)
        else:
            members[spec.name] = _fill(builder, community, spec)
    # A lead in one community is a participant in another (DESIGN.md §1).
    builder.member(communities["CoP Gezinsmigranten"], lead, joined_on=datetime.date(2023, 3, 1))

    for index, spec in enumerate(SWW):
        community = _community(builder, sww, spec)
        communities[spec.name] = community
        members[spec.name] = _fill(builder, community, spec, combined=index == 1)

    community = _community(builder, maatwerk, GEWOGEN_MAATWERK)
    communities[GEWOGEN_MAATWERK.name] = community
    members[GEWOGEN_MAATWERK.name] = _fill(builder, community, GEWOGEN_MAATWERK)

    _seat_changes(builder, members)
    counts = {
        "programmes": Programme.objects.count(),
        "communities": Community.objects.count(),
        "organisations": Organisation.objects.count(),
        "people": Person.objects.count(),
        "memberships": Membership.objects.count(),
    }
    ctx = DemoContext(
        admin=admin,
        today=today or timezone.localdate(),
        communities=communities,
        specs={spec.name: spec for spec in [*INBURGERING, *SWW, GEWOGEN_MAATWERK]},
        counts=counts,
    )
    for _order, _name, step in demo_steps():
        step(ctx)
    return ctx.counts


def _seat_changes(builder: _Builder, members: dict[str, list[Membership]]) -> None:
    """The report's seat stories (§5.1.2): handing a seat to a colleague, colleagues sharing a
    seat and attending in turn, and someone who stopped."""
    admin = builder.admin
    handovers = [
        ("CoP Rijnmond", 5, datetime.date(2023, 6, 1)),
        ("CoP Fryslân", 7, datetime.date(2023, 9, 4)),
        ("CoP Midden-Limburg", 4, datetime.date(2023, 5, 15)),
    ]
    for name, index, on in handovers:
        leaving = members[name][index]
        successor = builder.person(leaving.organisation, leaving.person.job_title)
        services.membership_handover(membership=leaving, successor=successor, by=admin, on=on)
    # The lead of Hart van Brabant handed the role to a colleague.
    leaving_lead = members["CoP Hart van Brabant"][0]
    services.membership_handover(
        membership=leaving_lead,
        successor=builder.person(leaving_lead.organisation, "Beleidsadviseur inburgering"),
        by=admin,
        on=datetime.date(2023, 10, 2),
    )
    # Two colleagues of the municipality of Amsterdam share one seat.
    holder = members["CoP Amsterdam"][2]
    colleague = builder.member(
        holder.community,
        builder.person(holder.organisation, "Klantmanager inburgering"),
        joined_on=datetime.date(2023, 4, 18),
    )
    services.membership_share_seat(membership=colleague, with_membership=holder, by=admin)
    services.membership_end(
        membership=members["CoP Zeeland"][6], by=admin, left_on=datetime.date(2023, 11, 20)
    )


def demo_logins() -> list[tuple[str, str, str]]:
    """(role, e-mail address, password) for each kind of visitor."""
    order = [
        "coordinator",
        "evaluator",
        "system_partner",
        "lead",
        "facilitator",
        "participant",
        "admin",
    ]
    return [(LOGIN_LABELS[key], LOGINS[key], DEMO_PASSWORD) for key in order]
