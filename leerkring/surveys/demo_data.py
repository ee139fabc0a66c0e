"""The thermometer survey of the demo network: the report's three waves (May-June 2023,
October 2023, January 2024) in all twelve CoP's Inburgering, with about 147, 146 and 74
anonymous responses and the invitations of those who answered marked as answered.

The questionnaire is copied from the built-in template through the service; responses and
answers are written in bulk (the respondent's service would check a token per response).
"""

from __future__ import annotations

import datetime
import hashlib
import random

from leerkring.communities.demo_data import (
    DEMO_SEED,
    INBURGERING_SLUG,
    DemoContext,
    demo_step,
)
from leerkring.communities.models import Membership

from . import services
from .models import AgreementScale, Answer, Invitation, Question, Questionnaire, Response, Wave
from .thermometer import TEMPLATE_KEY

# (title, opens on, closes on, responses)
WAVES = [
    ("Meting mei 2023", datetime.date(2023, 5, 15), datetime.date(2023, 6, 16), 147),
    ("Meting oktober 2023", datetime.date(2023, 10, 2), datetime.date(2023, 10, 27), 146),
    ("Meting januari 2024", datetime.date(2024, 1, 8), datetime.date(2024, 1, 31), 74),
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
    rng: random.Random, questions: list[Question], community_id: int, response: Response
) -> list[Answer]:
    """One respondent: every required question, most optional ones; picks for a 'pick from'
    question come from this respondent's own answers to its source question."""
    rows: list[Answer] = []
    picked: dict[int, list] = {}
    for q in questions:
        if not q.required and rng.random() < 0.2:
            continue
        options = list(q.options.all())
        if q.kind == Question.Kind.COMMUNITY:
            rows.append(Answer(response=response, question=q, community_id=community_id))
        elif q.kind in (Question.Kind.SINGLE, Question.Kind.MULTIPLE) and options:
            plain = [o for o in options if not o.is_other]
            count = 1 if q.kind == Question.Kind.SINGLE else rng.choice([1, 2, 2, 3, 3, 4])
            chosen = rng.sample(plain or options, min(count, len(plain or options)))
            others = [o for o in options if o.is_other]
            if others and q.kind == Question.Kind.MULTIPLE and rng.random() < 0.08:
                chosen.append(others[0])
            picked[q.pk] = chosen
            rows += [
                Answer(
                    response=response,
                    question=q,
                    option=o,
                    text=rng.choice(OTHER_TEXTS) if o.is_other else "",
                )
                for o in chosen
            ]
        elif q.kind == Question.Kind.PICK_FROM:
            source = [o for o in picked.get(q.source_question_id, []) if not o.is_other]
            for o in rng.sample(source, min(len(source), q.max_picks or 3, 3)):
                rows.append(Answer(response=response, question=q, option=o))
        elif q.kind == Question.Kind.MATRIX:
            for statement in q.statements.all():
                value = rng.choices(AgreementScale.values, weights=[4, 5, 2, 1, 0.4])[0]
                rows.append(
                    Answer(response=response, question=q, statement=statement, scale_value=value)
                )
        elif q.kind == Question.Kind.OPEN:
            rows.append(Answer(response=response, question=q, text=rng.choice(OPEN_TEXTS)))
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


@demo_step(order=300)
def demo_surveys(ctx: DemoContext) -> None:
    """Three thermometer waves with anonymous answers."""
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
    questions = list(
        questionnaire.questions.prefetch_related("options", "statements").order_by("position", "pk")
    )
    members: dict[int, list[Membership]] = {}
    for membership in (
        Membership.objects.filter(community__in=communities, left_on__isnull=True)
        .select_related("person")
        .order_by("pk")
    ):
        members.setdefault(membership.community_id, []).append(membership)

    totals = {"waves": 0, "responses": 0, "answers": 0, "invitations": 0}
    for title, opens_on, closes_on, total in WAVES:
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
        counts = _spread(total, [len(asked.get(c.pk, [])) for c in communities])
        invitations: list[Invitation] = []
        responses: list[Response] = []
        for community, count in zip(communities, counts, strict=True):
            seats = asked.get(community.pk, [])
            answering = set(rng.sample(range(len(seats)), count))
            for index, membership in enumerate(seats):
                email = membership.person.email
                key = f"{DEMO_SEED}-{title}-{email}"
                invitations.append(
                    Invitation(
                        wave=wave,
                        person=membership.person,
                        email=email,
                        community=community,
                        token_hash=hashlib.sha256(key.encode()).hexdigest(),
                        answered=index in answering,
                        sent_at=datetime.datetime.combine(
                            opens_on, datetime.time(9), tzinfo=datetime.UTC
                        ),
                    )
                )
            responses += [Response(wave=wave, community=community) for _ in range(count)]
        rng.shuffle(responses)  # arrival order says nothing about the community
        Invitation.objects.bulk_create(invitations, batch_size=1000)
        Response.objects.bulk_create(responses, batch_size=1000)
        answers: list[Answer] = []
        for response in responses:
            answers += _answers(rng, questions, response.community_id, response)
        Answer.objects.bulk_create(answers, batch_size=2000)
        totals["waves"] += 1
        totals["responses"] += len(responses)
        totals["answers"] += len(answers)
        totals["invitations"] += len(invitations)
    ctx.counts.update({f"survey {name}": count for name, count in totals.items()})
