"""The venster at national scale for `manage.py synth` and the benchmark (DESIGN.md §5).

The meetings step wrote 100,000 signals as drafts. This step gives them the life a venster
of a few years has: most passed on a few days after their meeting, spread over the states the
way a working venster looks (old signals mostly closed, recent ones still open), about thirty
themes per programme that most passed-on signals are linked to, escalations to the LCC and the
system level, and answers to the communities — with a share of open signals left waiting past
the feedback deadline, so "waiting for feedback" has rows.

Fast on purpose: the new values are computed in Python and written in one set-based UPDATE
(PostgreSQL: COPY into a temporary table, then UPDATE … FROM), escalations and answers with
`bulk_create`. No lifecycle, no history events, no e-mail: this is data for measuring, and the
lifecycle's own tests cover the rules.
"""

from __future__ import annotations

import datetime
import random
from zoneinfo import ZoneInfo

from django.db import connection

from leerkring.accounts.models import ProgrammeRole
from leerkring.communities.synthetic import BATCH_SIZE, SynthContext, synth_step

from .models import Escalation, Signal, SignalResponse, SignalTheme
from .system_marks import system_marks_refresh
from .tallies import theme_tallies_rebuild
from .venster_tallies import venster_tallies_rebuild

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
S = Signal.State

THEME_TITLES = [
    "Wachttijden bij taalscholen",
    "PIP-termijn niet haalbaar",
    "Kinderopvang tijdens lessen",
    "Schulden door DUO-lening",
    "Huisvesting van statushouders",
    "Invulling van de Z-route",
    "Zorgverzekering na vertrek uit het azc",
    "Doorlooptijd medische ontheffing",
    "Leerbaarheidstoets",
    "Reiskosten en vervoer",
    "Module Arbeidsmarkt en Participatie",
    "Participatieverklaringstraject",
    "Overgang na ontzorgen",
    "Gezinsmigranten buiten beeld",
    "Jongeren tussen ISK en mbo",
    "Instroom in de onderwijsroute",
    "Gegevensuitwisseling COA en gemeente",
    "Tolken en tolkvoorziening",
    "DigiD en digitale vaardigheden",
    "Examencapaciteit bij DUO",
    "Werk en taal combineren",
    "Trauma en mentale gezondheid",
    "Boetes en verlenging van de termijn",
    "Taalmaatjes en vrijwilligers",
    "Alleenstaande minderjarigen die 18 worden",
    "Participatiewet en inburgering",
    "Terugvordering van toeslagen",
    "Diplomawaardering",
    "Alfabetisering",
    "Budget per inburgeraar",
]

#: Share of signals per state, for signals older than a year and for recent ones.
STATES_OLD = {
    S.DRAFT: 3, S.NEW: 2, S.IN_PROGRESS: 6, S.KNOWN: 16, S.BACK_TO_COMMUNITY: 11,
    S.ESCALATED_LCC: 2, S.ESCALATED_SYSTEM: 3, S.RESOLVED: 42, S.NO_FOLLOW_UP: 15,
}  # fmt: skip
STATES_RECENT = {
    S.DRAFT: 12, S.NEW: 16, S.IN_PROGRESS: 24, S.KNOWN: 12, S.BACK_TO_COMMUNITY: 8,
    S.ESCALATED_LCC: 6, S.ESCALATED_SYSTEM: 5, S.RESOLVED: 12, S.NO_FOLLOW_UP: 5,
}  # fmt: skip
ANSWERED = {S.KNOWN, S.BACK_TO_COMMUNITY, S.RESOLVED, S.NO_FOLLOW_UP}
ANSWER_TEXTS = [
    "Dank voor het signaal. Het is bekend en wordt meegenomen in het landelijke overleg.",
    "Dit kan lokaal worden opgelost; bespreek het met de gemeente en de taalaanbieder.",
    "Het ministerie heeft de regels verduidelijkt; de handreiking staat op de website.",
    "Na bespreking in het LCC is besloten hier geen vervolg aan te geven: het valt buiten de wet.",
    "Er komt een landelijke werkgroep; we houden u op de hoogte.",
]
QUESTIONS = [
    "Herkennen andere regio's dit, en is landelijke afstemming nodig?",
    "Kan het ministerie de regel verduidelijken of aanpassen?",
]


def _at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, hour, tzinfo=AMSTERDAM)


def _pick(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _update_signals(rows: list[tuple]) -> None:
    """(pk, state, passed_on_at, theme_id, last_feedback_at) for each signal, in one go."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "CREATE TEMP TABLE synth_signal_state (id integer, state varchar(20), "
                "passed_on_at timestamptz, theme_id integer, last_feedback_at timestamptz) "
                "ON COMMIT DROP"
            )
            with cursor.cursor.copy("COPY synth_signal_state FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            cursor.execute(
                "UPDATE signalling_signal AS s SET state = t.state, passed_on_at = t.passed_on_at,"
                " passed_on_by_id = NULL, theme_id = t.theme_id,"
                " last_feedback_at = t.last_feedback_at"
                " FROM synth_signal_state AS t WHERE s.id = t.id"
            )
        return
    signals = []
    for pk, state, passed_on_at, theme_id, last_feedback_at in rows:
        signals.append(
            Signal(
                pk=pk,
                state=state,
                passed_on_at=passed_on_at,
                theme_id=theme_id,
                last_feedback_at=last_feedback_at,
            )
        )
    Signal.objects.bulk_update(
        signals,
        ["state", "passed_on_at", "theme_id", "last_feedback_at"],
        batch_size=BATCH_SIZE,
    )


@synth_step(order=130)
def synth_venster(ctx: SynthContext) -> None:
    rng = random.Random(f"{ctx.seed}-venster")
    programme_of = {c.pk: c.programme_id for c in ctx.communities}
    coordinators = dict(
        ProgrammeRole.objects.filter(role=ProgrammeRole.Role.COORDINATOR)
        .order_by("pk")
        .values_list("programme_id", "person__user_id")
    )
    themes_by_programme: dict[int, list[SignalTheme]] = {}
    themes = []
    for programme in ctx.programmes.values():
        count = max(3, min(len(THEME_TITLES), round(30 * min(1.0, ctx.scale * 10))))
        for title in THEME_TITLES[:count]:
            themes.append(
                SignalTheme(
                    programme=programme,
                    title=title,
                    created_by_id=coordinators.get(programme.pk),
                    created_at=_at(datetime.date(2023, 1, 16)),
                )
            )
    SignalTheme.objects.bulk_create(themes, batch_size=BATCH_SIZE)
    for theme in themes:
        themes_by_programme.setdefault(theme.programme_id, []).append(theme)

    latest = max(
        Signal.objects.order_by("-raised_on").values_list("raised_on", flat=True)[:1],
        default=ctx.today,
    )
    year_before = latest - datetime.timedelta(days=365)
    rows: list[tuple] = []
    escalations: list[Escalation] = []
    answers: list[tuple] = []  # signal, text, at, source, author
    signals = Signal.objects.order_by("pk").values_list("pk", "community_id", "raised_on")
    for pk, community_id, raised_on in signals.iterator(chunk_size=10_000):
        weights = STATES_OLD if raised_on < year_before else STATES_RECENT
        state = _pick(rng, weights)
        if state == S.DRAFT:
            rows.append((pk, state, None, None, None))
            continue
        programme_id = programme_of.get(community_id)
        passed_on_at = _at(raised_on + datetime.timedelta(days=rng.randint(1, 10)), 11)
        theme_list = themes_by_programme.get(programme_id, [])
        theme_id = None
        if theme_list and (state != S.NEW or rng.random() < 0.3) and rng.random() < 0.85:
            # A few themes draw most signals, as main issues do.
            theme_id = theme_list[min(len(theme_list) - 1, int(rng.paretovariate(1.2)) - 1)].pk
        feedback_at = None
        days = rng.randint(10, 120)
        answer_day = min(latest, raised_on + datetime.timedelta(days=days))
        if state in ANSWERED or (state != S.NEW and rng.random() < 0.35):
            feedback_at = _at(answer_day, 15)
        by = coordinators.get(programme_id)
        if state in (S.ESCALATED_LCC, S.ESCALATED_SYSTEM) or (
            state == S.RESOLVED and rng.random() < 0.2
        ):
            escalated_at = _at(raised_on + datetime.timedelta(days=rng.randint(14, 40)), 14)
            levels = [Escalation.Level.LCC]
            if state != S.ESCALATED_LCC and rng.random() < 0.6:
                levels.append(Escalation.Level.SYSTEM)
            for level in levels:
                escalations.append(
                    Escalation(
                        signal_id=pk,
                        level=level,
                        question=rng.choice(QUESTIONS),
                        escalated_by_id=by,
                        escalated_at=escalated_at,
                        closed_at=feedback_at if state == S.RESOLVED else None,
                    )
                )
        if feedback_at is not None:
            source = SignalResponse.Source.COORDINATOR
            if escalations and escalations[-1].signal_id == pk:
                source = (
                    SignalResponse.Source.SYSTEM
                    if escalations[-1].level == Escalation.Level.SYSTEM
                    else SignalResponse.Source.LCC
                )
            answers.append((pk, rng.choice(ANSWER_TEXTS), feedback_at, source, by))
        rows.append((pk, state, passed_on_at, theme_id, feedback_at))
    _update_signals(rows)
    Escalation.objects.bulk_create(escalations, batch_size=BATCH_SIZE)
    responses = [
        SignalResponse(signal_id=pk, text=text, created_at=at, source=source, author_id=by)
        for pk, text, at, source, by in answers
    ]
    for theme in themes[:: max(1, len(themes) // 20)]:
        responses.append(
            SignalResponse(
                theme=theme,
                text="Stand van zaken: het LCC heeft dit hoofdvraagstuk besproken met het "
                "ministerie.",
                created_at=_at(latest - datetime.timedelta(days=rng.randint(5, 90)), 16),
                source=SignalResponse.Source.LCC,
                author_id=coordinators.get(theme.programme_id),
            )
        )
    SignalResponse.objects.bulk_create(responses, batch_size=BATCH_SIZE)
    # The states and themes were written past `Signal.save()`: count each theme's figures now.
    theme_tallies_rebuild(programme_ids=[p.pk for p in ctx.programmes.values()])
    venster_tallies_rebuild(programme_ids=[p.pk for p in ctx.programmes.values()])
    system_marks_refresh()
    ctx.counts["signal_themes"] = len(themes)
    ctx.counts["signals_passed_on"] = sum(1 for row in rows if row[1] != S.DRAFT)
    ctx.counts["escalations"] = len(escalations)
    ctx.counts["signal_responses"] = len(responses)
