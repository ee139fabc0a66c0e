"""The thermometer survey of the demo network: the report's three waves (May-June 2023,
October 2023, January 2024) in the twelve CoP's Inburgering, with the report's 147, 146 and 74
anonymous responses (§ "Bijlage 2"; in January Zeeland, Rijnmond and Foodvalley did not answer).

The questionnaire is copied from the built-in template through the service. For January a
second version adds the satisfaction question the report quotes in §4.2.1 ("19% is zeer
tevreden, 58% tevreden, 21% neutraal en slechts 2% ontevreden"): 62 of the 74 respondents
answered it, 12 / 36 / 13 / 1 / 0, which the results page shows as exactly those percentages.
The rule profile names it, so the monitor and the report judge satisfaction by it.

Answers travel the way a respondent's do: sealed as waiting answers (`ballots.pending_store`)
and released by `ballots.wave_release`, which marks the invitations answered and writes the
responses in shuffled batches — so the results page shows them as soon as the demo is loaded.
"""

from __future__ import annotations

import datetime
import hashlib
import random

from leerkring.communities import services as community_services
from leerkring.communities.demo_data import (
    DEMO_SEED,
    INBURGERING_SLUG,
    DemoContext,
    demo_step,
)
from leerkring.communities.models import Membership

from . import ballots, services
from .models import AgreementScale, Invitation, Question, Questionnaire, Wave
from .services.responses import AnswerData
from .thermometer import TEMPLATE_KEY

# (title, opens on, closes on, responses, communities that did not answer)
WAVES = [
    ("Meting mei 2023", datetime.date(2023, 5, 15), datetime.date(2023, 6, 16), 147, ()),
    ("Meting oktober 2023", datetime.date(2023, 10, 2), datetime.date(2023, 10, 27), 146, ()),
    (
        "Meting januari 2024",
        datetime.date(2024, 1, 8),
        datetime.date(2024, 1, 31),
        74,
        ("CoP Zeeland", "CoP Rijnmond", "CoP Foodvalley"),
    ),
]
# The satisfaction question of the January wave (report §4.2.1), with how many chose each
# answer: 62 answers whose whole percentages are the report's 19 / 58 / 21 / 2 / 0.
SATISFACTION_CODE = "V13"
SATISFACTION_WAVE = "Meting januari 2024"
SATISFACTION_TEXT = "Hoe tevreden ben je over de opbrengsten van de CoP voor je eigen werk?"
SATISFACTION = [
    ("Zeer tevreden", 12),
    ("Tevreden", 36),
    ("Neutraal", 13),
    ("Ontevreden", 1),
    ("Zeer ontevreden", 0),
]
OPEN_TEXTS = [
    "Ik bel collega's uit andere gemeenten nu zonder drempel.",
    "Door de werkbezoeken snap ik beter hoe een lesdag bij de taalschool eruitziet.",
    "Onze intake is korter geworden sinds we de vragen van het COA overnemen.",
    "Het kost moeite om tijd vrij te maken naast het spreekuur.",
    "Ik neem de casussen uit de bijeenkomst mee naar ons teamoverleg.",
    "Er zou vaker iemand moeten aanschuiven die zelf heeft moeten inburgeren.",
    "Fijn dat knelpunten nu ergens terechtkomen, al duurt een antwoord soms lang.",
    "Ik wil meer leren over ontzorgen en het afbouwen daarvan.",
    "De procesbegeleider zorgt dat iedereen aan het woord komt.",
    "Nog niet alle partners komen even vaak; dat maakt afspraken lastig.",
]
OTHER_TEXTS = ["Een vast contactpersoon bij DUO", "Kennis over de regels voor ontheffing"]


def _answers(
    rng: random.Random,
    questions: list[Question],
    community_id: int,
    satisfaction: int | None,
) -> list[AnswerData]:
    """One respondent: every required question, most optional ones; picks for a 'pick from'
    question come from this respondent's own answers to its source question. The
    satisfaction question gets the option drawn for this respondent (None: skipped)."""
    rows: list[AnswerData] = []
    picked: dict[int, list] = {}
    for q in questions:
        if q.code == SATISFACTION_CODE:
            if satisfaction is not None:
                rows.append(AnswerData(question_id=q.pk, option_id=satisfaction))
            continue
        if not q.required and rng.random() < 0.2:
            continue
        options = list(q.options.all())
        if q.kind == Question.Kind.COMMUNITY:
            rows.append(AnswerData(question_id=q.pk, community_id=community_id))
        elif q.kind in (Question.Kind.SINGLE, Question.Kind.MULTIPLE) and options:
            plain = [o for o in options if not o.is_other]
            count = 1 if q.kind == Question.Kind.SINGLE else rng.choice([1, 2, 2, 3, 3, 4])
            chosen = rng.sample(plain or options, min(count, len(plain or options)))
            others = [o for o in options if o.is_other]
            if others and q.kind == Question.Kind.MULTIPLE and rng.random() < 0.08:
                chosen.append(others[0])
            picked[q.pk] = chosen
            rows += [
                AnswerData(
                    question_id=q.pk,
                    option_id=o.pk,
                    text=rng.choice(OTHER_TEXTS) if o.is_other else "",
                )
                for o in chosen
            ]
        elif q.kind == Question.Kind.PICK_FROM:
            source = [o for o in picked.get(q.source_question_id, []) if not o.is_other]
            for o in rng.sample(source, min(len(source), q.max_picks or 3, 3)):
                rows.append(AnswerData(question_id=q.pk, option_id=o.pk))
        elif q.kind == Question.Kind.MATRIX:
            for statement in q.statements.all():
                value = rng.choices(AgreementScale.values, weights=[4, 5, 2, 1, 0.4])[0]
                rows.append(
                    AnswerData(question_id=q.pk, statement_id=statement.pk, scale_value=value)
                )
        elif q.kind == Question.Kind.OPEN:
            rows.append(AnswerData(question_id=q.pk, text=rng.choice(OPEN_TEXTS)))
    return rows


def _spread(total: int, sizes: list[int]) -> list[int]:
    """`total` over the communities in proportion to their size, never more than their size."""
    weight = sum(sizes) or 1
    counts = [min(size, round(total * size / weight)) for size in sizes]
    index = 0
    while sum(counts) < total and any(c < s for c, s in zip(counts, sizes, strict=True)):
        if counts[index] < sizes[index]:
            counts[index] += 1
        index = (index + 1) % len(sizes)
    while sum(counts) > total:
        index = max(range(len(counts)), key=counts.__getitem__)
        counts[index] -= 1
    return counts


def _questions(questionnaire: Questionnaire) -> list[Question]:
    return list(
        questionnaire.questions.prefetch_related("options", "statements").order_by("position", "pk")
    )


def _with_satisfaction(questionnaire: Questionnaire, ctx: DemoContext) -> Questionnaire:
    """Version 2: the thermometer plus the satisfaction question, in part B ("Opbrengsten en
    tevredenheid tot nu toe"), through the questionnaire services."""
    version = services.questionnaire_new_version(questionnaire=questionnaire, by=ctx.admin)
    section = version.sections.filter(title__startswith="B)").first()
    question = services.question_add(
        questionnaire=version,
        by=ctx.admin,
        code=SATISFACTION_CODE,
        kind=Question.Kind.SINGLE,
        text=SATISFACTION_TEXT,
        section=section,
    )
    for position, (label, _count) in enumerate(SATISFACTION, start=1):
        services.option_add(question=question, by=ctx.admin, label=label, code=str(position))
    return version


def _satisfaction_draws(
    rng: random.Random, questions: list[Question], respondents: int
) -> list[int | None]:
    """Per respondent, the satisfaction option chosen (None: not answered), shuffled."""
    question = next((q for q in questions if q.code == SATISFACTION_CODE), None)
    if question is None:
        return [None] * respondents
    options = list(question.options.all())
    draws: list[int | None] = [
        option.pk for option, (_label, count) in zip(options, SATISFACTION, strict=True)
        for _ in range(count)
    ]  # fmt: skip
    draws += [None] * (respondents - len(draws))
    rng.shuffle(draws)
    return draws


@demo_step(order=300)
def demo_surveys(ctx: DemoContext) -> None:
    """Three thermometer waves with anonymous answers, released like a respondent's."""
    template = Questionnaire.objects.filter(
        programme__isnull=True, is_template=True, template_key=TEMPLATE_KEY
    ).first()
    if template is None:
        return
    rng = random.Random(f"{DEMO_SEED}-surveys")
    communities = [c for c in ctx.communities.values() if c.programme.slug == INBURGERING_SLUG]
    programme = communities[0].programme
    questionnaire = services.questionnaire_copy(
        questionnaire=template, programme=programme, by=ctx.admin
    )
    members: dict[int, list[Membership]] = {}
    for membership in (
        Membership.objects.filter(community__in=communities, left_on__isnull=True)
        .select_related("person")
        .order_by("pk")
    ):
        members.setdefault(membership.community_id, []).append(membership)

    totals = {"waves": 0, "responses": 0, "invitations": 0}
    for title, opens_on, closes_on, total, silent in WAVES:
        if title == SATISFACTION_WAVE:
            questionnaire = _with_satisfaction(questionnaire, ctx)
        questions = _questions(questionnaire)
        wave = Wave.objects.create(
            questionnaire=questionnaire,
            programme=programme,
            title=title,
            opens_on=opens_on,
            closes_on=closes_on,
            created_by=ctx.admin,
        )
        wave.communities.set(communities)
        # One invitation per address in a wave, even for someone in two communities.
        seen: set[str] = set()
        asked: dict[int, list[Membership]] = {}
        for community in communities:
            for membership in members.get(community.pk, []):
                if membership.person.email and membership.person.email not in seen:
                    seen.add(membership.person.email)
                    asked.setdefault(community.pk, []).append(membership)
        counts = _spread(
            total, [0 if c.name in silent else len(asked.get(c.pk, [])) for c in communities]
        )
        invitations: list[Invitation] = []
        answering: list[Invitation] = []
        for community, count in zip(communities, counts, strict=True):
            seats = asked.get(community.pk, [])
            chosen = set(rng.sample(range(len(seats)), count))
            for index, membership in enumerate(seats):
                email = membership.person.email
                key = f"{DEMO_SEED}-{title}-{email}"
                invitation = Invitation(
                    wave=wave,
                    person=membership.person,
                    email=email,
                    community=community,
                    token_hash=hashlib.sha256(key.encode()).hexdigest(),
                    sent_at=datetime.datetime.combine(
                        opens_on, datetime.time(9), tzinfo=datetime.UTC
                    ),
                )
                invitations.append(invitation)
                if index in chosen:
                    answering.append(invitation)
        Invitation.objects.bulk_create(invitations, batch_size=1000)
        draws = _satisfaction_draws(rng, questions, len(answering))
        for invitation, satisfaction in zip(answering, draws, strict=True):
            ballots.pending_store(
                wave=wave,
                invitation=invitation,
                community_id=invitation.community_id,
                answers=_answers(rng, questions, invitation.community_id, satisfaction),
            )
        # The wave has closed: everything waiting is released, in shuffled order.
        totals["responses"] += ballots.wave_release(wave=wave, today=ctx.today)
        totals["waves"] += 1
        totals["invitations"] += len(invitations)
    community_services.rule_profile_update(
        rule_profile=programme.rule_profile,
        by=ctx.admin,
        monitor_satisfaction_question=SATISFACTION_CODE,
    )
    ctx.counts.update({f"survey {name}": count for name, count in totals.items()})
