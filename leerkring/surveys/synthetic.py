"""Thermometer survey answers for the national-scale synthetic network (DESIGN.md §5): 250,000
answers in all, exactly, at every `--scale` in proportion.

Each programme gets its own copy of the built-in thermometer template. CoP's Inburgering runs
the report's three waves (May 2023, October 2023, January 2024: 147, 146 and 74 responses
from its first twelve communities) and one national wave of 20,000 responses from all its
communities — the wave the benchmark reads (results page, XLSX export). The other two
programmes run one wave each. A few communities of the national wave have one to three
responses, so suppression has something to do.

Answers follow the questionnaire: "which CoP" is the response's community, multiple choice
picks one to four options (now and then "anders, namelijk" with a text), "most important"
picks from the answers to V4, the matrix rates every statement, open questions get a short
text. The national wave is filled up to what is left of the 250,000 after the other waves:
each response keeps its answers in the order a respondent gives priority to (required closed
questions first, then required open ones, then the optional ones) up to its share.

Fast on purpose: responses through `bulk_create`, answers as tuples through PostgreSQL `COPY`
(`bulk_create` elsewhere) in chunks, so memory stays flat.
"""

from __future__ import annotations

import random

from django.db import connection

from leerkring.communities.models import Community
from leerkring.communities.synthetic import SynthContext, synth_step

from .models import AgreementScale, Answer, Question, Questionnaire, Response, Wave
from .thermometer import TEMPLATE_KEY

ANSWERS_NATIONAL = 250_000
BENCH_RESPONSES = 20_000
BENCH_WAVE_TITLE = "Landelijke meting 2025"
CHUNK = 50_000
ANSWER_COLUMNS = (
    "response_id", "question_id", "option_id", "statement_id", "community_id", "scale_value",
    "text",
)  # fmt: skip

OPEN_TEXTS = [
    "We bellen elkaar nu eerder als een inburgeraar vastloopt.",
    "Ik leg de route nu anders uit bij de intake, met de praatplaat van de CoP.",
    "De casusbespreking met de taalschool gaf me zicht op wat er in de les gebeurt.",
    "Ik weet nu wie ik bij het COA moet hebben voor een warme overdracht.",
    "De werkbezoeken waren het meest zinvol: zien hoe een ander het doet.",
    "Het was lastig om tijd vrij te maken; de bijeenkomsten vallen vaak samen met spreekuren.",
    "Soms blijven we hangen in knelpunten zonder dat er iets mee gebeurt.",
    "Meer tijd voor uitwisseling tussen de bijeenkomsten door zou helpen.",
    "De intervisie met collega's van andere gemeenten gaf nieuwe ideeën.",
    "We hebben samen een beslisboom gemaakt voor de Z-route.",
    "Ik stel me actiever op en breng zelf casussen in.",
    "Graag meer inbreng van ervaringsdeskundigen.",
    "Ik zou willen leren hoe andere gemeenten ontzorgen in het eerste halfjaar.",
    "Ik merk invloed: ons voorstel voor de agenda is overgenomen.",
    "De procesbegeleider houdt het gesprek scherp, dat werkt goed.",
    "Het perspectief van de inburgeraar komt nog te weinig aan tafel.",
    "Ik ken nu de mensen achter de namen in de mail.",
    "Wat ik lastig vind, is dat niet alle organisaties even vaak aanwezig zijn.",
]
OTHER_TEXTS = [
    "Elkaar beter leren kennen",
    "Afstemming met het werkgeversservicepunt",
    "Inzicht in de regels van DUO",
    "Een vast aanspreekpunt bij de gemeente",
]


def _spread(total: int, weights: list[float]) -> list[int]:
    """`total` over `weights` in whole numbers that add up exactly (largest remainder)."""
    weight_sum = sum(weights) or 1.0
    shares = [total * w / weight_sum for w in weights]
    counts = [int(share) for share in shares]
    order = sorted(range(len(weights)), key=lambda i: shares[i] - counts[i], reverse=True)
    for index in order[: total - sum(counts)]:
        counts[index] += 1
    return counts


class _Layout:
    """A questionnaire's questions with what an answer to each can be."""

    def __init__(self, questionnaire: Questionnaire) -> None:
        self.questions = list(
            questionnaire.questions.prefetch_related("options", "statements").order_by(
                "position", "pk"
            )
        )
        self.options = {q.pk: list(q.options.all()) for q in self.questions}
        self.statements = {q.pk: list(q.statements.all()) for q in self.questions}
        # Priority a respondent gives: required closed questions, required open ones, the rest.
        self.priority = sorted(
            self.questions,
            key=lambda q: (not q.required, q.kind == Question.Kind.OPEN, q.position),
        )


def _response_answers(
    rng: random.Random, layout: _Layout, community_id: int | None, weights: dict[int, list[float]]
) -> list[tuple]:
    """All answers one respondent gives, in priority order (see `_Layout.priority`)."""
    rows: list[tuple] = []
    picked: dict[int, list] = {}
    for q in layout.priority:
        if not q.required and rng.random() < 0.25:
            continue
        if q.kind == Question.Kind.COMMUNITY:
            if community_id is not None:
                rows.append((q.pk, None, None, community_id, None, ""))
        elif q.kind in (Question.Kind.MULTIPLE, Question.Kind.SINGLE):
            options = layout.options[q.pk]
            if not options:
                continue
            count = 1 if q.kind == Question.Kind.SINGLE else rng.choice([1, 2, 2, 3, 3, 4])
            chosen: list = []
            while len(chosen) < min(count, len(options)):
                option = rng.choices(options, weights=weights[q.pk])[0]
                if option not in chosen:
                    chosen.append(option)
            picked[q.pk] = chosen
            for option in chosen:
                text = rng.choice(OTHER_TEXTS) if option.is_other else ""
                rows.append((q.pk, option.pk, None, None, None, text))
        elif q.kind == Question.Kind.PICK_FROM:
            source = [o for o in picked.get(q.source_question_id, []) if not o.is_other]
            if source:
                for option in rng.sample(source, min(len(source), q.max_picks or 3)):
                    rows.append((q.pk, option.pk, None, None, None, ""))
        elif q.kind == Question.Kind.MATRIX:
            for statement in layout.statements[q.pk]:
                value = rng.choices(list(AgreementScale.values), weights=weights[q.pk])[0]
                rows.append((q.pk, None, statement.pk, None, value, ""))
        elif q.kind == Question.Kind.OPEN:
            rows.append((q.pk, None, None, None, None, rng.choice(OPEN_TEXTS)))
    return rows


def _weights(rng: random.Random, layout: _Layout) -> dict[int, list[float]]:
    """Per question how popular each option (or scale value) is in one wave."""
    weights = {}
    for q in layout.questions:
        if q.kind == Question.Kind.MATRIX:
            weights[q.pk] = [rng.uniform(2, 5), rng.uniform(3, 6), rng.uniform(1, 3), 0.8, 0.3]
        else:
            weights[q.pk] = [
                0.3 if o.is_other else rng.uniform(0.3, 3.0) for o in layout.options[q.pk]
            ]
    return weights


def _insert_answers(rows: list[tuple]) -> None:
    if not rows:
        return
    if connection.vendor != "postgresql":
        Answer.objects.bulk_create(
            [Answer(**dict(zip(ANSWER_COLUMNS, row, strict=True))) for row in rows],
            batch_size=5000,
        )
        return
    quote = connection.ops.quote_name
    columns = ", ".join(quote(Answer._meta.get_field(n).column) for n in ANSWER_COLUMNS)
    with connection.cursor() as cursor:
        statement = f"COPY {quote(Answer._meta.db_table)} ({columns}) FROM STDIN"
        with cursor.cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row(row)


def _wave_plan(ctx: SynthContext) -> list[tuple[str, str, str, int, str]]:
    """(programme key, title, opens_on, responses, which communities)."""
    return [
        ("inburgering", "Meting mei 2023", "2023-05-15", ctx.scaled(147, 10), "first12"),
        ("inburgering", "Meting oktober 2023", "2023-10-02", ctx.scaled(146, 10), "first12"),
        ("inburgering", "Meting januari 2024", "2024-01-08", ctx.scaled(74, 10), "first12"),
        ("inburgering", BENCH_WAVE_TITLE, "2025-03-03", ctx.scaled(BENCH_RESPONSES, 20), "all"),
        ("sww", "Meting 2024", "2024-03-04", ctx.scaled(600, 10), "all"),
        ("gewogen_maatwerk", "Meting 2024", "2024-03-11", ctx.scaled(400, 10), "all"),
    ]


@synth_step(order=300)
def synth_surveys(ctx: SynthContext) -> None:
    import datetime

    from . import services, stored_results

    template = Questionnaire.objects.filter(
        programme__isnull=True, is_template=True, template_key=TEMPLATE_KEY
    ).first()
    if template is None:
        ctx.out("No thermometer template (migrations not run?): no survey data.")
        return
    rng = random.Random(f"{ctx.seed}-surveys")
    questionnaires = {
        key: services.questionnaire_copy(questionnaire=template, programme=programme, by=None)
        for key, programme in ctx.programmes.items()
    }
    layouts = {key: _Layout(q) for key, q in questionnaires.items()}
    members = {pk: len(ms) for pk, ms in ctx.active_memberships_by_community().items()}
    by_programme: dict[int, list[Community]] = {}
    for community in ctx.communities:
        by_programme.setdefault(community.programme_id, []).append(community)

    plan = _wave_plan(ctx)
    budget = ctx.scaled(ANSWERS_NATIONAL)
    written = 0
    total_responses = 0
    waves: list[Wave] = []
    # The national wave last: it takes what the others leave of the budget.
    plan.sort(key=lambda item: item[1] == BENCH_WAVE_TITLE)
    for key, title, opens_on, size, which in plan:
        programme = ctx.programmes[key]
        layout = layouts[key]
        communities = by_programme.get(programme.pk, [])
        if which == "first12":
            communities = communities[:12]
        opens = datetime.date.fromisoformat(opens_on)
        wave = Wave.objects.create(
            questionnaire=questionnaires[key],
            programme=programme,
            title=title,
            opens_on=opens,
            closes_on=opens + datetime.timedelta(weeks=6),
        )
        wave.communities.set(communities)
        counts = _spread(size, [members.get(c.pk, 1) or 1 for c in communities])
        if which == "all" and len(communities) > 6:
            # Three small groups, so suppression (and its complement) has work to do.
            for index, small in zip(range(1, 4), (1, 2, 3), strict=True):
                counts[0] += counts[index] - small
                counts[index] = small
        responses = [
            Response(wave=wave, community=community)
            for community, n in zip(communities, counts, strict=True)
            for _ in range(n)
        ]
        rng.shuffle(responses)  # arrival order is not grouped by community
        Response.objects.bulk_create(responses, batch_size=5000)
        total_responses += len(responses)
        weights = _weights(rng, layout)
        rows: list[tuple] = []
        left = budget - written
        for index, response in enumerate(responses):
            answers = _response_answers(rng, layout, response.community_id, weights)
            if title == BENCH_WAVE_TITLE:
                share = -(-left // (len(responses) - index))  # ceil: never fall short early
                answers = answers[:share]
                left -= len(answers)
            rows.extend((response.pk, *answer) for answer in answers)
            if len(rows) >= CHUNK:
                _insert_answers(rows)
                written += len(rows)
                rows = []
        _insert_answers(rows)
        written += len(rows)
        waves.append(wave)
    # What a release does after its batch: the results computed once and stored.
    for wave in waves:
        stored_results.wave_results_store(wave)
    ctx.counts["survey_waves"] = len(plan)
    ctx.counts["survey_responses"] = total_responses
    ctx.counts["survey_answers"] = written


def bench_wave() -> Wave | None:
    """The national wave of 20,000 responses (the benchmark's)."""
    return (
        Wave.objects.filter(title=BENCH_WAVE_TITLE)
        .select_related("programme__rule_profile", "questionnaire")
        .first()
    )
