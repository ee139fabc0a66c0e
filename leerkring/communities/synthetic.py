"""A deterministic, national-scale synthetic network (DESIGN.md §5) for benchmarks and tests.

The design is held to 3 programmes, 600 communities, 2,000 organisations and 15,000 people;
every page must keep a fixed query count at that size. This module builds that network from a
seed, fast (bulk inserts, no audit), so `manage.py synth` and `bench/run.py` can reproduce the
same data on any machine.

Other apps add their part (meetings, signals, surveys ...) by placing a `synthetic.py` in their
package with functions decorated by `@synth_step(order=...)`; `synth_build` discovers and runs
them after the steps here, in order, on the same `SynthContext`.
"""

from __future__ import annotations

import datetime
import random
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import import_module
from typing import Any

from django.apps import apps
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from .member_counts import refresh_member_counts
from .models import Community, Membership, Organisation, Person, Programme, RuleProfile
from .presets import preset_values
from .programme_counts import programme_counts_rebuild

T = Organisation.Type

DEMO_PASSWORD = "leerkring-demo"  # noqa: S105 - the documented password of demo accounts
EMAIL_DOMAIN = "leerkring.test"
BATCH_SIZE = 2000

# --- Names -------------------------------------------------------------------------------
# Common Dutch first names and surnames; combined by a seeded generator they give fictional
# people who read as real ones.

FIRST_NAMES = (  # noqa: SIM905 - easier to read and extend as one text
    "Anna Sanne Lotte Femke Eva Iris Lisa Fleur Noor Sara Julia Emma Anouk Marieke Ilse "
    "Esther Linda Monique Petra Sandra Ingrid Karin Wendy Yvonne Hanneke Janneke Mirjam "
    "Saskia Nadia Fatima Samira Yasmina Amira Leila Ayse Elif Zeynep Selin Hatice Mariam "
    "Rahel Selam Hiwet Daan Bram Thijs Lars Ruben Sem Jesse Tim Niels Joost Maarten Bas "
    "Pieter Jeroen Wouter Sander Erik Frank Hans Kees Marco Martijn Rob Sjoerd Wim Gert-Jan "
    "Jan-Willem Hidde Jelle Tjeerd Sietse Wiebe Mohamed Youssef Ahmed Karim Hamza Bilal "
    "Mehmet Emre Murat Omar Samir Tesfaye Dawit Yonas Rami Tarik Rachid Stefan Remco Koen "
    "Luuk Floor Nienke Roos Maaike"
).split()

SURNAMES = (  # noqa: SIM905 - easier to read and extend as one text
    "de Jong|Jansen|de Vries|van den Berg|van Dijk|Bakker|Janssen|Visser|Smit|Meijer|de Boer|"
    "Mulder|de Groot|Bos|Vos|Peters|Hendriks|van Leeuwen|Dekker|Brouwer|de Wit|Dijkstra|"
    "Smits|de Graaf|van der Meer|van der Linden|Kok|Jacobs|de Haan|Vermeulen|van den Heuvel|"
    "van der Veen|van den Broek|de Bruijn|de Bruin|van der Heijden|Schouten|van Beek|Willems|"
    "van Vliet|van de Ven|Hoekstra|Maas|Verhoeven|Koster|van Dam|van der Wal|Prins|Blom|"
    "Huisman|Peeters|de Kort|Kuipers|van Wijk|Postma|Kramer|van Doorn|Wouters|Post|Hermans|"
    "Evers|Timmermans|Groen|Sanders|Jonker|Bosman|Veenstra|Koning|Gerritsen|Kuiper|Haverkamp|"
    "Wijnberg|Hofstra|Terpstra|Zijlstra|Bouma|Wiersma|Tuinstra|Scholten|Lammers|Verbeek|"
    "El Amrani|Yilmaz|Kaya|Demir|Öztürk|Bouzid|El Idrissi|Benali|Haddou|Tekle|Gebremedhin|"
    "Haile|Osman|Nasser|Haddad|Chaouch|Aydın|Çelik|Ramdin|Soekhai|Kartosen|Pinas|Biharie|"
    "Arslan|Boukhari|Mahabier|Tahiri|Lahlou|Doğan|Kılıç"
).split("|")


def person_name(rng: random.Random) -> str:
    return f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)}"


def email_local_part(full_name: str) -> str:
    """'Gert-Jan van der Meer' -> 'gertjan.vandermeer': ASCII, as mail systems write them."""
    ascii_name = unicodedata.normalize("NFKD", full_name).encode("ascii", "ignore").decode()
    first, _, rest = ascii_name.partition(" ")
    clean = lambda s: "".join(c for c in s.lower() if c.isalnum())  # noqa: E731
    return f"{clean(first)}.{clean(rest)}"


# --- Geography -----------------------------------------------------------------------------
# Labour-market regions with real municipalities in them, so composition by organisation and
# region looks like the country does.

REGIONS: dict[str, list[str]] = {
    "Groningen": ["Groningen", "Midden-Groningen", "Oldambt", "Westerkwartier", "Het Hogeland"],
    "Drenthe": ["Assen", "Emmen", "Hoogeveen", "Meppel", "Coevorden", "Tynaarlo"],
    "Friesland": [
        "Leeuwarden",
        "Súdwest-Fryslân",
        "Smallingerland",
        "Heerenveen",
        "De Fryske Marren",
    ],
    "Regio Zwolle": ["Zwolle", "Kampen", "Hardenberg", "Raalte", "Steenwijkerland"],
    "Twente": ["Enschede", "Hengelo", "Almelo", "Oldenzaal", "Borne", "Hof van Twente"],
    "Stedendriehoek": ["Apeldoorn", "Deventer", "Zutphen", "Lochem", "Epe", "Voorst"],
    "Achterhoek": [
        "Doetinchem",
        "Winterswijk",
        "Aalten",
        "Oost Gelre",
        "Berkelland",
        "Montferland",
    ],
    "Midden-Gelderland": ["Arnhem", "Ede", "Renkum", "Rheden", "Zevenaar", "Duiven"],
    "Rijk van Nijmegen": ["Nijmegen", "Wijchen", "Heumen", "Berg en Dal", "Druten"],
    "Rivierenland": ["Tiel", "West Betuwe", "Culemborg", "Buren", "Neder-Betuwe"],
    "Foodvalley": ["Ede", "Wageningen", "Barneveld", "Veenendaal", "Rhenen", "Scherpenzeel"],
    "Amersfoort": ["Amersfoort", "Leusden", "Soest", "Baarn", "Nijkerk", "Woudenberg"],
    "Midden-Utrecht": ["Utrecht", "Nieuwegein", "Zeist", "Houten", "Stichtse Vecht", "IJsselstein"],
    "Gooi en Vechtstreek": ["Hilversum", "Gooise Meren", "Huizen", "Wijdemeren", "Blaricum"],
    "Groot Amsterdam": ["Amsterdam", "Amstelveen", "Diemen", "Ouder-Amstel", "Aalsmeer"],
    "Zaanstreek/Waterland": ["Zaanstad", "Purmerend", "Edam-Volendam", "Oostzaan", "Wormerland"],
    "Noord-Holland Noord": ["Alkmaar", "Den Helder", "Hoorn", "Heerhugowaard", "Schagen"],
    "Zuid-Kennemerland en IJmond": ["Haarlem", "Velsen", "Beverwijk", "Heemstede", "Bloemendaal"],
    "Holland Rijnland": ["Leiden", "Alphen aan den Rijn", "Katwijk", "Leiderdorp", "Teylingen"],
    "Midden-Holland": ["Gouda", "Waddinxveen", "Bodegraven-Reeuwijk", "Zuidplas", "Krimpenerwaard"],
    "Haaglanden": [
        "Den Haag",
        "Delft",
        "Zoetermeer",
        "Westland",
        "Rijswijk",
        "Leidschendam-Voorburg",
    ],
    "Rijnmond": ["Rotterdam", "Schiedam", "Vlaardingen", "Capelle aan den IJssel", "Maassluis"],
    "Drechtsteden": [
        "Dordrecht",
        "Zwijndrecht",
        "Papendrecht",
        "Sliedrecht",
        "Hendrik-Ido-Ambacht",
    ],
    "West-Brabant": ["Breda", "Roosendaal", "Bergen op Zoom", "Etten-Leur", "Oosterhout"],
    "Hart van Brabant": ["Tilburg", "Waalwijk", "Dongen", "Oisterwijk", "Gilze en Rijen", "Goirle"],
    "Noordoost-Brabant": ["'s-Hertogenbosch", "Oss", "Meierijstad", "Vught", "Heusden", "Boxtel"],
    "Zuidoost-Brabant": ["Eindhoven", "Veldhoven", "Best", "Geldrop-Mierlo", "Valkenswaard"],
    "Helmond-De Peel": ["Helmond", "Deurne", "Gemert-Bakel", "Laarbeek", "Someren"],
    "Noord-Limburg": ["Venlo", "Venray", "Horst aan de Maas", "Peel en Maas", "Beesel"],
    "Midden-Limburg": ["Roermond", "Weert", "Leudal", "Maasgouw", "Roerdalen", "Echt-Susteren"],
    "Zuid-Limburg": ["Maastricht", "Heerlen", "Sittard-Geleen", "Kerkrade", "Landgraaf"],
    "Zeeland": ["Middelburg", "Vlissingen", "Goes", "Terneuzen", "Hulst", "Schouwen-Duiveland"],
    "Flevoland": ["Almere", "Lelystad", "Dronten", "Noordoostpolder", "Zeewolde"],
}

WORDS = (  # noqa: SIM905 - easier to read and extend as one text
    "Brug Kompas Horizon Samen Wegwijs Basis Nieuwland Kleurrijk Verbinding Ankerpunt Vooruit "
    "Thuis Taalkracht Welkom Perspectief Open Deur Wereldwijs Startpunt Raster Lichtpunt"
).split()

# Per type: how often it appears in a region, name patterns ({city}, {region}, {word}) and the
# job titles of the people who work there.
ORGANISATION_KINDS: list[tuple[str, int, list[str], list[str]]] = [
    (
        T.COA,
        1,
        ["COA locatie {city}"],
        ["Woonbegeleider", "Medewerker participatie", "Trajectbegeleider"],
    ),
    (
        T.LANGUAGE_PROVIDER,
        3,
        [
            "Taalschool {word} {city}",
            "Taalinstituut {word}",
            "Taalcentrum {city}",
            "NT2 {word} {region}",
        ],
        ["Docent NT2", "Coördinator inburgering", "Taalcoach", "Intakemedewerker"],
    ),
    (
        T.SOCIAL_SUPPORT,
        2,
        [
            "Stichting Nieuwkomers {region}",
            "Maatschappelijke begeleiding {city}",
            "Stichting {word} {city}",
        ],
        ["Maatschappelijk begeleider", "Teamleider begeleiding", "Consulent statushouders"],
    ),
    (
        T.VOLUNTEER,
        2,
        ["Vrijwilligerscentrale {city}", "Taalmaatjes {city}", "Buurtnetwerk {word} {city}"],
        ["Coördinator vrijwilligers", "Vrijwilliger", "Projectleider"],
    ),
    (
        T.EDUCATION,
        2,
        ["ISK {city}", "ROC {region}", "Volwassenenonderwijs {city}"],
        ["Docent ISK", "Trajectbegeleider", "Teamleider entree"],
    ),
    (
        T.EMPLOYER,
        1,
        ["Werkbedrijf {region}", "Leerwerkbedrijf {word} {city}"],
        ["Jobcoach", "Werkgeversadviseur"],
    ),
    (
        T.GOVERNMENT,
        1,
        ["UWV {region}", "GGD {region}", "Werkplein {city}"],
        ["Adviseur werk", "Jeugdarts", "Arbeidsdeskundige"],
    ),
    (
        T.CLIENT_REPRESENTATION,
        1,
        ["Cliëntenraad sociaal domein {city}", "Adviesraad {city}"],
        ["Lid cliëntenraad", "Ervaringsdeskundige"],
    ),
    (T.OTHER, 1, ["Adviesbureau {word} {region}"], ["Procesbegeleider", "Adviseur"]),
]
MUNICIPALITY_TITLES = [
    "Klantmanager inburgering",
    "Klantmanager inburgering",
    "Beleidsadviseur inburgering",
    "Consulent participatie",
    "Regisseur statushouders",
]
JOB_TITLES = {kind: titles for kind, _w, _p, titles in ORGANISATION_KINDS}
JOB_TITLES[T.MUNICIPALITY] = MUNICIPALITY_TITLES
JOB_TITLES[T.KNOWLEDGE_INSTITUTE] = ["Onderzoeker", "Lector"]

THEMES = [
    "Samenwerking in de keten",
    "Jongeren tussen wal en schip",
    "Gezinsmigranten",
    "Z-route en participatie",
    "Medische ontheffing",
    "Taal en werk combineren",
    "Financiële zelfredzaamheid",
    "Gezondheid en trauma",
    "Overgang van ISK naar inburgering",
    "Vrouwelijke inburgeraars",
    "Hoger opgeleide inburgeraars",
    "Ontzorgen en betalingen",
]
LEARNING_QUESTIONS = [
    "Hoe zorgen we samen dat inburgeraars sneller de juiste route vinden?",
    "Wat hebben we van elkaar nodig om jongeren goed over te dragen na de ISK?",
    "Hoe combineren we taallessen en werk zonder dat de inburgeraar vastloopt?",
    "Hoe houden we het perspectief van de inburgeraar zelf aan tafel?",
    "Welke afspraken maken we over de begeleiding van gezinsmigranten in de eerste maanden?",
    "Hoe signaleren we trauma tijdig en wie pakt dan wat op?",
    "Hoe maken we de participatieverklaring meer dan een formaliteit?",
]


# --- Context and steps -------------------------------------------------------------------


@dataclass
class SynthContext:
    """What the steps share: the generator, the scale and what earlier steps made.

    Lists hold saved objects (with primary keys) so later steps, also in other apps, can build
    on them without querying back."""

    seed: int
    scale: float
    rng: random.Random
    today: datetime.date
    out: Callable[[str], None] = print
    programmes: dict[str, Programme] = field(default_factory=dict)
    organisations: list[Organisation] = field(default_factory=list)
    organisations_by_region: dict[str, list[Organisation]] = field(default_factory=dict)
    national_organisations: dict[str, Organisation] = field(default_factory=dict)
    communities: list[Community] = field(default_factory=list)
    people: list[Person] = field(default_factory=list)
    memberships: list[Membership] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)

    def scaled(self, national: int, minimum: int = 1) -> int:
        return max(minimum, round(national * self.scale))

    def active_memberships_by_community(self) -> dict[int, list[Membership]]:
        result: dict[int, list[Membership]] = {}
        for membership in self.memberships:
            if membership.left_on is None:
                result.setdefault(membership.community_id, []).append(membership)
        return result


SynthStep = Callable[[SynthContext], None]
_STEPS: list[tuple[int, str, SynthStep]] = []


def synth_step(order: int) -> Callable[[SynthStep], SynthStep]:
    """Register a step; steps run by ascending order (communities uses 10-90)."""

    def register(func: SynthStep) -> SynthStep:
        name = f"{func.__module__}.{func.__qualname__}"
        if not any(existing == name for _o, existing, _f in _STEPS):
            _STEPS.append((order, name, func))
        return func

    return register


def synth_steps() -> list[tuple[int, str, SynthStep]]:
    """Every app's `synthetic` module, imported so its steps register, in step order."""
    for app_config in apps.get_app_configs():
        module_name = f"{app_config.name}.synthetic"
        try:
            import_module(module_name)
        except ModuleNotFoundError as error:
            if error.name != module_name:
                raise
    return sorted(_STEPS, key=lambda step: (step[0], step[1]))


def synth_build(
    *, seed: int = 1, scale: float = 1.0, out: Callable[[str], None] = print
) -> SynthContext:
    """Build the whole synthetic network in one transaction; returns counts and timings."""
    if scale <= 0:
        raise ValueError("scale must be positive")
    ctx = SynthContext(
        seed=seed,
        scale=scale,
        rng=random.Random(seed),
        today=datetime.date(2024, 4, 1),
        out=out,
    )
    with transaction.atomic():
        for _order, name, step in synth_steps():
            started = time.perf_counter()
            step(ctx)
            ctx.timings[name.rsplit(".", 1)[-1]] = time.perf_counter() - started
    return ctx


def _bulk(model: type, objects: list) -> list:
    return model.objects.bulk_create(objects, batch_size=BATCH_SIZE)


# --- Core steps ----------------------------------------------------------------------------

PROGRAMMES = [
    # key, name, slug, preset, coordinating organisation, share of communities
    ("inburgering", "CoP's Inburgering", "inburgering", "inburgering", "Divosa", 0.75),
    (
        "sww",
        "Sociaal Werk in de Wijk",
        "sociaal-werk-in-de-wijk",
        "sww",
        "Sociaal Werk Nederland",
        0.15,
    ),
    (
        "gewogen_maatwerk",
        "CoP Gewogen Maatwerk",
        "gewogen-maatwerk",
        "gewogen_maatwerk",
        "Divosa",
        0.10,
    ),
]

NATIONAL_ORGANISATIONS = [
    ("divosa", "Divosa", T.OTHER, "Utrecht"),
    ("sociaal_werk_nl", "Sociaal Werk Nederland", T.OTHER, "Utrecht"),
    ("szw", "Ministerie van Sociale Zaken en Werkgelegenheid", T.GOVERNMENT, "Den Haag"),
    ("duo", "DUO", T.GOVERNMENT, "Groningen"),
    ("coa", "COA landelijk bureau", T.COA, "Den Haag"),
    ("research", "Onderzoeksbureau Lerend Stelsel", T.KNOWLEDGE_INSTITUTE, "Utrecht"),
    ("lector", "Kenniscentrum Sociale Innovatie", T.KNOWLEDGE_INSTITUTE, "Amsterdam"),
]


@synth_step(order=10)
def synth_programmes(ctx: SynthContext) -> None:
    for key, name, slug, preset, coordinating, _share in PROGRAMMES:
        programme = Programme.objects.create(
            name=name, slug=slug, coordinating_organisation=coordinating
        )
        RuleProfile.objects.create(programme=programme, preset=preset, **preset_values(preset))
        ctx.programmes[key] = programme
    ctx.counts["programmes"] = len(ctx.programmes)


@synth_step(order=20)
def synth_organisations(ctx: SynthContext) -> None:
    """Municipalities first (every region has them), then the executing organisations,
    spread over the regions by how often each kind takes part (report §3.1)."""
    rng = ctx.rng
    total = ctx.scaled(2000, minimum=len(NATIONAL_ORGANISATIONS) + len(REGIONS))
    names: set[str] = set()
    objects: list[Organisation] = []

    def add(name: str, kind: str, region: str, city: str) -> Organisation | None:
        if name in names or len(objects) >= total:
            return None
        names.add(name)
        organisation = Organisation(name=name, type=kind, region=region, city=city)
        objects.append(organisation)
        return organisation

    national = {}
    for key, name, kind, city in NATIONAL_ORGANISATIONS:
        national[key] = add(name, kind, "", city)
    regions = list(REGIONS)
    # Round-robin over regions so a small scale still covers the country.
    municipality_rounds = max(len(cities) for cities in REGIONS.values())
    for index in range(municipality_rounds):
        for region in regions:
            cities = REGIONS[region]
            if index < len(cities) and len(objects) < total * 0.3:
                add(f"Gemeente {cities[index]}", T.MUNICIPALITY, region, cities[index])
    weighted = [kind for kind in ORGANISATION_KINDS for _ in range(kind[1])]
    attempts = 0
    while len(objects) < total and attempts < total * 50:
        attempts += 1
        region = regions[attempts % len(regions)]
        kind, _weight, patterns, _titles = rng.choice(weighted)
        city = rng.choice(REGIONS[region])
        name = rng.choice(patterns).format(city=city, region=region, word=rng.choice(WORDS))
        add(name, kind, region, city)
    n = 0
    while len(objects) < total:  # only at scales where the patterns run out
        n += 1
        add(f"Stichting Samenwerking {n}", T.OTHER, regions[n % len(regions)], "")

    _bulk(Organisation, objects)
    ctx.organisations = objects
    ctx.national_organisations = national
    for organisation in objects:
        if organisation.region:
            ctx.organisations_by_region.setdefault(organisation.region, []).append(organisation)
    ctx.counts["organisations"] = len(objects)


def _community_sizes(ctx: SynthContext, preset: str, count: int) -> list[int]:
    """Report §3.1: from 10 (Zeeland) to 40 (Fryslân), most 25-30; SWW: 5-10."""
    if preset == "sww":
        return [ctx.rng.randint(5, 10) for _ in range(count)]
    return [max(10, min(40, round(ctx.rng.triangular(10, 40, 31)))) for _ in range(count)]


@synth_step(order=30)
def synth_communities(ctx: SynthContext) -> None:
    rng = ctx.rng
    total = ctx.scaled(600, minimum=len(PROGRAMMES))
    shares = [max(1, round(total * share)) for *_rest, share in PROGRAMMES[1:]]
    per_programme = [max(1, total - sum(shares)), *shares]
    regions = list(REGIONS)
    objects: list[Community] = []
    for (key, _name, _slug, preset, _c, _s), count in zip(PROGRAMMES, per_programme, strict=True):
        programme = ctx.programmes[key]
        used: set[str] = set()
        for index in range(count):
            national = preset == "gewogen_maatwerk" or (index > 0 and rng.random() < 0.08)
            region = "" if national else regions[(index + rng.randint(0, 3)) % len(regions)]
            theme = rng.choice(THEMES)
            if index == 0 and key == "inburgering":
                region, national = "Friesland", False
                base = "CoP Fryslân"
            elif national:
                base = f"Landelijke CoP {theme.lower()}"
            else:
                base = f"CoP {region}"
                if base in used:
                    base = f"CoP {rng.choice(REGIONS[region])}"
            name, n = base, 1
            while name in used:
                n += 1
                name = f"{base} {n}"
            used.add(name)
            status = rng.choices(list(Community.Status.values), weights=[6, 84, 5, 5], k=1)[0]
            objects.append(
                Community(
                    programme=programme,
                    name=name,
                    scope=Community.Scope.NATIONAL if national else Community.Scope.REGIONAL,
                    region=region,
                    theme=theme,
                    learning_question=rng.choice(LEARNING_QUESTIONS),
                    scenario=rng.choice(["A", "B", "B", "C"]) if not national else "C",
                    phase=rng.choice(list(Community.Phase.values)),
                    status=Community.Status.ACTIVE if index == 0 else status,
                    start_date=datetime.date(2022, 1, 10)
                    + datetime.timedelta(days=rng.randint(0, 700)),
                )
            )
    _bulk(Community, objects)
    # Bulk inserts pass by `Community.save()`: keep the programmes' counts at once.
    programme_counts_rebuild()
    ctx.communities = objects
    ctx.counts["communities"] = len(objects)


@synth_step(order=40)
def synth_people_and_memberships(ctx: SynthContext) -> None:
    """Seats per community with a lead and a separate facilitator; some seats were handed over
    (report §5.1.2 'het stokje overdragen'), some are shared by colleagues, some people sit in
    two communities. Every person gets an account with the demo password."""
    rng = ctx.rng
    people_total = ctx.scaled(15000, minimum=20)
    reserved = 12  # programme staff, made in the next step
    people: list[Person] = []
    memberships_ended: list[Membership] = []
    memberships_main: list[Membership] = []
    memberships_shared: list[Membership] = []
    all_organisations = [o for o in ctx.organisations if o.region]
    facilitator_bureaus = [o for o in all_organisations if o.type == T.OTHER] or all_organisations

    def new_person(organisation: Organisation, beyond_cap: bool = False) -> Person | None:
        if len(people) >= people_total - reserved and not beyond_cap:
            return None
        full_name = person_name(rng)
        person = Person(
            full_name=full_name,
            email=f"{email_local_part(full_name)}.{len(people) + 1}@{EMAIL_DOMAIN}",
            job_title=rng.choice(JOB_TITLES.get(organisation.type, ["Medewerker"])),
            organisation=organisation,
        )
        people.append(person)
        return person

    def seat_person(community: Community, organisation: Organisation, taken: set[int]) -> Person:
        """A new colleague while the population lasts, now and then someone already active
        elsewhere; never the same person twice in one community."""
        person = None
        if people and rng.random() < 0.05:
            person = _pick_free(people, taken)
        person = person or new_person(organisation) or _pick_free(people, taken)
        if person is None:  # more seats than people at a tiny scale
            person = new_person(organisation, beyond_cap=True)
        taken.add(id(person))
        return person

    for community in ctx.communities:
        key = next(k for k, p in ctx.programmes.items() if p.pk == community.programme_id)
        size = (
            40
            if community is ctx.communities[0]
            else _community_sizes(ctx, "sww" if key == "sww" else "inburgering", 1)[0]
        )
        pool = ctx.organisations_by_region.get(community.region) or all_organisations
        municipalities = [o for o in pool if o.type == T.MUNICIPALITY] or pool
        others = [o for o in pool if o.type != T.MUNICIPALITY] or pool
        taken: set[int] = set()
        seats: list[Membership] = []
        combined = False
        start = community.start_date or datetime.date(2022, 6, 1)
        for index in range(size):
            joined = start + datetime.timedelta(days=rng.randint(0, 120) if index > 1 else 0)
            if index == 0:
                # SWW lets one person lead and facilitate; the other presets keep them apart.
                combined = key == "sww" and rng.random() < 0.5
                role = Membership.Role.LEAD_FACILITATOR if combined else Membership.Role.LEAD
                organisation = rng.choice(municipalities)
            elif index == 1 and not combined:
                role = Membership.Role.FACILITATOR
                organisation = rng.choice(facilitator_bureaus)
            else:
                role = Membership.Role.PARTICIPANT
                organisation = rng.choice(municipalities if rng.random() < 0.45 else others)
            if index >= 3 and seats and rng.random() < 0.04:
                holder = rng.choice(seats)
                colleague = new_person(holder.organisation) or seat_person(
                    community, holder.organisation, taken
                )
                taken.add(id(colleague))
                memberships_shared.append(
                    Membership(
                        community=community,
                        person=colleague,
                        organisation=holder.organisation,
                        role=Membership.Role.PARTICIPANT,
                        joined_on=joined,
                        shares_seat_with=holder,
                    )
                )
                continue
            person = seat_person(community, organisation, taken)
            organisation = person.organisation or organisation
            predecessor = None
            if index >= 1 and rng.random() < 0.06:
                leaver = new_person(organisation)
                if leaver is not None and id(leaver) not in taken:
                    taken.add(id(leaver))
                    left_on = min(ctx.today, joined + datetime.timedelta(days=rng.randint(90, 400)))
                    predecessor = Membership(
                        community=community,
                        person=leaver,
                        organisation=organisation,
                        role=role,
                        joined_on=joined,
                        left_on=left_on,
                        left_reason=Membership.LeftReason.HANDOVER,
                    )
                    memberships_ended.append(predecessor)
                    joined = left_on
            if index >= 2 and rng.random() < 0.03:
                quitter = new_person(organisation)
                if quitter is not None:
                    taken.add(id(quitter))
                    memberships_ended.append(
                        Membership(
                            community=community,
                            person=quitter,
                            organisation=organisation,
                            role=Membership.Role.PARTICIPANT,
                            joined_on=start,
                            left_on=start + datetime.timedelta(days=rng.randint(60, 300)),
                            left_reason=Membership.LeftReason.LEFT,
                        )
                    )
            membership = Membership(
                community=community,
                person=person,
                organisation=organisation,
                role=role,
                joined_on=joined,
                predecessor=predecessor,
            )
            seats.append(membership)
            memberships_main.append(membership)

    while len(people) < people_total - reserved:
        # Colleagues who are known to the network but hold no seat (yet).
        new_person(rng.choice(all_organisations))

    _save_people_with_accounts(people)
    _bulk(Membership, memberships_ended)
    _bulk(Membership, memberships_main)
    _bulk(Membership, memberships_shared)
    # Bulk inserts pass by `Membership.save()`: keep the communities' counts at once.
    refresh_member_counts()
    ctx.people = people
    ctx.memberships = memberships_ended + memberships_main + memberships_shared
    ctx.counts["people"] = len(people)
    ctx.counts["memberships_active"] = len(memberships_main) + len(memberships_shared)
    ctx.counts["memberships_ended"] = len(memberships_ended)
    ctx.counts["handovers"] = sum(1 for m in memberships_main if m.predecessor is not None)
    ctx.counts["shared_seats"] = len(memberships_shared)


def _pick_free(people: list[Person], taken: set[int]) -> Person | None:
    for person in random.Random(len(people) + len(taken)).sample(people, min(len(people), 60)):
        if id(person) not in taken:
            return person
    return None


def _save_people_with_accounts(people: list[Person]) -> None:
    """One password hash for all: hashing 15,000 times would take minutes and add nothing."""
    from leerkring.accounts.models import User

    password = make_password(DEMO_PASSWORD)
    now = timezone.now()
    users = [User(email=p.email, password=password, date_joined=now) for p in people]
    _bulk(User, users)
    for person, user in zip(people, users, strict=True):
        person.user = user
    _bulk(Person, people)


PROGRAMME_STAFF = [
    # programme key, role, national organisation key, job title
    ("inburgering", "coordinator", "divosa", "Coördinator CoP's inburgering"),
    ("inburgering", "coordinator", "divosa", "Adviseur inburgering"),
    ("inburgering", "evaluator", "research", "Onderzoeker"),
    ("inburgering", "evaluator", "research", "Senior onderzoeker"),
    ("inburgering", "system_partner", "szw", "Beleidsmedewerker inburgering"),
    ("inburgering", "system_partner", "duo", "Adviseur uitvoering"),
    ("inburgering", "system_partner", "coa", "Adviseur ketensamenwerking"),
    ("sww", "coordinator", "sociaal_werk_nl", "Programmaleider"),
    ("sww", "evaluator", "lector", "Lector"),
    ("gewogen_maatwerk", "coordinator", "divosa", "Projectleider vakmanschap"),
    ("gewogen_maatwerk", "evaluator", "lector", "Onderzoeker"),
    ("gewogen_maatwerk", "system_partner", "szw", "Beleidsmedewerker re-integratie"),
]


@synth_step(order=50)
def synth_programme_roles(ctx: SynthContext) -> None:
    from leerkring.accounts.models import ProgrammeRole

    rng = ctx.rng
    staff: list[Person] = []
    for index, (_key, _role, org_key, title) in enumerate(PROGRAMME_STAFF, start=1):
        full_name = person_name(rng)
        staff.append(
            Person(
                full_name=full_name,
                email=f"{email_local_part(full_name)}.staf{index}@{EMAIL_DOMAIN}",
                job_title=title,
                organisation=ctx.national_organisations.get(org_key),
            )
        )
    _save_people_with_accounts(staff)
    roles = [
        ProgrammeRole(person=person, programme=ctx.programmes[key], role=role)
        for person, (key, role, _o, _t) in zip(staff, PROGRAMME_STAFF, strict=True)
    ]
    _bulk(ProgrammeRole, roles)
    ctx.people.extend(staff)
    ctx.counts["people"] = len(ctx.people)
    ctx.counts["programme_roles"] = len(roles)


def synth_has_data() -> bool:
    """Synthetic data goes only into an empty database; mixing it with real data would make
    both useless."""
    from leerkring.accounts.models import User

    return (
        Programme.objects.exists()
        or Organisation.objects.exists()
        or Person.objects.exists()
        or User.objects.exists()
    )


def synth_describe(ctx: SynthContext) -> dict[str, Any]:
    return {"seed": ctx.seed, "scale": ctx.scale, "counts": dict(ctx.counts)}
