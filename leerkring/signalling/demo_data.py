"""The venster of the demo network: what the coordination point did with the signals the
meetings step wrote as drafts.

About seven in ten signals were passed on a few days after their meeting; older ones are mostly
closed, recent ones still open, and a few recent ones wait past the feedback deadline. Signals
of CoP's Inburgering hang under eight main issues (the themes the report names), some went up to
the LCC or the system level with a question, and the coordinator and the system partner
answered. Every passed-on signal has its history (created, passed on, state).

Written in bulk, like the meetings step: the lifecycle would audit and e-mail every row.
"""

from __future__ import annotations

import datetime
import random
from zoneinfo import ZoneInfo

from django.utils import timezone

from leerkring.accounts.models import User
from leerkring.communities.demo_data import (
    DEMO_SEED,
    INBURGERING_SLUG,
    LOGINS,
    DemoContext,
    demo_step,
)
from leerkring.communities.models import Programme

from . import coordination
from .models import (
    CoordinationDecision,
    CoordinationMeeting,
    Escalation,
    Signal,
    SignalEvent,
    SignalResponse,
    SignalTheme,
)
from .system_marks import system_marks_refresh
from .tallies import theme_tallies_rebuild
from .venster_tallies import venster_tallies_rebuild

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
S = Signal.State
E = SignalEvent.Kind

# (title, description) of the main issues the report names.
THEMES = [
    ("PIP-termijn", "Het persoonlijk plan inburgering en participatie is niet binnen tien weken "
     "vast te stellen."),
    ("Wachttijden taalaanbieders", "Inburgeraars wachten lang op een plek bij een taalschool."),
    ("Kinderopvang tijdens lessen", "Ouders kunnen de lessen niet volgen zonder opvang."),
    ("Huisvesting statushouders", "Tijdelijke of verre huisvesting maakt leren moeilijk."),
    ("Zorgverzekering", "Gaten in de zorgverzekering en vergoedingen rond zorg na vertrek uit "
     "het azc."),
    ("DUO-lening", "Schulden en onduidelijkheid rond de lening voor de inburgering."),
    ("Z-route", "Invulling en aanbod van de zelfredzaamheidsroute."),
    ("Ontheffingen", "Doorlooptijd en regels van medische en andere ontheffingen."),
]  # fmt: skip

# The main issue each demo signal (by title, meetings.demo_data.SIGNALS) belongs under, read
# by a coordinator who knows the subject; a signal without a fitting main issue keeps none
# rather than landing under an unrelated one.
THEME_OF_SIGNAL = {
    "Lange wachttijd voor de leerbaarheidstoets": "PIP-termijn",
    "Geen passend aanbod voor analfabete inburgeraars in de Z-route": "Z-route",
    "Besluit over medische ontheffing duurt maanden": "Ontheffingen",
    "Kinderopvangtoeslag pas na de start van de lessen": "Kinderopvang tijdens lessen",
    "Ontzorgen stopt abrupt na zes maanden": "DUO-lening",
    "Woning ver van de taalschool": "Huisvesting statushouders",
    "Tolk niet vergoed bij gesprekken over gezondheid": "Zorgverzekering",
}

#: How the passed-on signals spread over the states, for old and for recent signals.
STATES_OLD = {
    S.NEW: 1, S.IN_PROGRESS: 4, S.KNOWN: 14, S.BACK_TO_COMMUNITY: 10, S.ESCALATED_LCC: 3,
    S.ESCALATED_SYSTEM: 4, S.RESOLVED: 44, S.NO_FOLLOW_UP: 14,
}  # fmt: skip
STATES_RECENT = {
    S.NEW: 30, S.IN_PROGRESS: 28, S.KNOWN: 8, S.BACK_TO_COMMUNITY: 6, S.ESCALATED_LCC: 8,
    S.ESCALATED_SYSTEM: 6, S.RESOLVED: 8, S.NO_FOLLOW_UP: 4,
}  # fmt: skip
ANSWERED = {S.KNOWN, S.BACK_TO_COMMUNITY, S.RESOLVED, S.NO_FOLLOW_UP}
COORDINATOR_ANSWERS = {
    S.KNOWN: "Dank voor het melden. Dit knelpunt kennen we uit meer regio's; we nemen het mee "
    "in het eerstvolgende landelijke overleg.",
    S.BACK_TO_COMMUNITY: "Dit is in de regio zelf op te lossen. Ga met de gemeente en de "
    "taalschool om tafel; de handreiking op de kennispagina kan daarbij helpen.",
    S.RESOLVED: "De regel is inmiddels verduidelijkt. Wat er verandert, staat in de nieuwe "
    "handreiking die vorige week is verstuurd.",
    S.NO_FOLLOW_UP: "We hebben dit besproken, maar het valt buiten wat de wet toestaat. Er "
    "komt daarom geen vervolg.",
    S.IN_PROGRESS: "We zoeken uit bij welke partij dit ligt en laten binnen een maand weten "
    "wat we horen.",
}
SYSTEM_ANSWERS = [
    "Het ministerie herkent het probleem en bekijkt met DUO of de termijn kan worden "
    "verlengd als de wachttijd niet aan de inburgeraar ligt.",
    "De uitvoeringsregel wordt in het voorjaar aangepast; tot dan mogen gemeenten zelf "
    "maatwerk bieden.",
]
ESCALATION_QUESTIONS = {
    Escalation.Level.LCC: "Herkennen de andere regio's dit, en is een landelijke afspraak nodig?",
    Escalation.Level.SYSTEM: "Kan het ministerie de regel verduidelijken of ruimte geven voor "
    "maatwerk?",
}


def _at(day: datetime.date, hour: int) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, hour, tzinfo=AMSTERDAM)


def _theme_for(signal: Signal, themes: dict[str, SignalTheme]) -> SignalTheme | None:
    return themes.get(THEME_OF_SIGNAL.get(signal.title, ""))


@demo_step(order=130)
def demo_signalling(ctx: DemoContext) -> None:
    """Pass on, theme, escalate and answer the demo's signals."""
    rng = random.Random(f"{DEMO_SEED}-signalling")
    users = {u.email: u for u in User.objects.filter(email__in=LOGINS.values())}
    coordinator = users[LOGINS["coordinator"]]
    system_partner = users[LOGINS["system_partner"]]
    inburgering = Programme.objects.get(slug=INBURGERING_SLUG)
    now = min(timezone.now(), _at(ctx.today, 17))
    start = min(ctx.today, datetime.date(2023, 1, 16))

    themes = [
        SignalTheme(
            programme=inburgering,
            title=title,
            description=description,
            created_by=coordinator,
            created_at=_at(start, 9),
        )
        for title, description in THEMES
    ]
    SignalTheme.objects.bulk_create(themes)
    themes_by_title = {theme.title: theme for theme in themes}
    lcc = CoordinationMeeting.objects.create(
        programme=inburgering,
        title="Landelijk coördinatieoverleg",
        held_on=ctx.today - datetime.timedelta(days=30),
        notes="Besproken: de opgeschaalde signalen over de PIP-termijn, wachttijden bij de "
        "taalscholen en ontheffingen. Twee signalen gaan door naar het ministerie.",
        created_by=coordinator,
        created_at=_at(ctx.today - datetime.timedelta(days=30), 16),
    )

    signals = list(
        Signal.objects.filter(community__in=list(ctx.communities.values()))
        .select_related("community")
        .order_by("pk")
    )
    recent_from = ctx.today - datetime.timedelta(days=120)
    changed: list[Signal] = []
    events: list[SignalEvent] = []
    escalations: list[Escalation] = []
    answers: list[SignalResponse] = []
    for signal in signals:
        events.append(
            SignalEvent(
                signal=signal,
                kind=E.CREATED,
                to_state=S.DRAFT,
                actor_id=signal.created_by_id,
                created_at=signal.created_at,
            )
        )
        if rng.random() >= 0.7:
            continue
        recent = signal.raised_on >= recent_from
        weights = STATES_RECENT if recent else STATES_OLD
        state = rng.choices(list(weights), weights=list(weights.values()))[0]
        passed_on_at = min(now, _at(signal.raised_on + datetime.timedelta(rng.randint(1, 6)), 11))
        signal.state = state
        signal.passed_on_at = passed_on_at
        signal.passed_on_by_id = signal.created_by_id
        in_inburgering = signal.community.programme_id == inburgering.pk
        if in_inburgering and (state != S.NEW or rng.random() < 0.3) and rng.random() < 0.85:
            signal.theme = _theme_for(signal, themes_by_title)
        if state != S.NEW:
            signal.owner = coordinator
        changed.append(signal)
        events.append(
            SignalEvent(
                signal=signal,
                kind=E.PASSED_ON,
                from_state=S.DRAFT,
                to_state=S.NEW,
                actor_id=signal.created_by_id,
                created_at=passed_on_at,
            )
        )
        if state == S.NEW:
            continue
        acted_at = min(now, passed_on_at + datetime.timedelta(days=rng.randint(3, 40)))
        events.append(
            SignalEvent(
                signal=signal,
                kind=E.STATE,
                from_state=S.NEW,
                to_state=state,
                actor=coordinator,
                created_at=acted_at,
            )
        )
        escalated = state in (S.ESCALATED_LCC, S.ESCALATED_SYSTEM) or (
            state == S.RESOLVED and in_inburgering and rng.random() < 0.15
        )
        levels = []
        if escalated:
            levels = [Escalation.Level.LCC]
            if state != S.ESCALATED_LCC and rng.random() < 0.7:
                levels.append(Escalation.Level.SYSTEM)
        for level in levels:
            escalations.append(
                Escalation(
                    signal=signal,
                    level=level,
                    question=ESCALATION_QUESTIONS[level],
                    coordination_meeting=lcc if level == Escalation.Level.LCC else None,
                    escalated_by=coordinator,
                    escalated_at=acted_at,
                    closed_at=acted_at if state == S.RESOLVED else None,
                )
            )
            events.append(
                SignalEvent(
                    signal=signal,
                    kind=E.ESCALATION,
                    note=ESCALATION_QUESTIONS[level],
                    data={"level": level},
                    actor=coordinator,
                    created_at=acted_at,
                )
            )
        answered_at = None
        if state in ANSWERED or (state == S.IN_PROGRESS and not recent):
            answered_at = acted_at
            answers.append(
                SignalResponse(
                    signal=signal,
                    source=SignalResponse.Source.COORDINATOR,
                    text=COORDINATOR_ANSWERS[state if state in COORDINATOR_ANSWERS else S.KNOWN],
                    author=coordinator,
                    created_at=acted_at,
                )
            )
        if Escalation.Level.SYSTEM in levels and (state == S.RESOLVED or rng.random() < 0.5):
            answered_at = acted_at
            answers.append(
                SignalResponse(
                    signal=signal,
                    escalation=escalations[-1],
                    source=SignalResponse.Source.SYSTEM,
                    text=rng.choice(SYSTEM_ANSWERS),
                    author=system_partner,
                    created_at=acted_at,
                )
            )
        if answered_at is not None:
            signal.last_feedback_at = answered_at
            events.append(
                SignalEvent(signal=signal, kind=E.RESPONSE, actor=coordinator, created_at=acted_at)
            )

    Signal.objects.bulk_update(
        changed,
        ["state", "passed_on_at", "passed_on_by", "theme", "owner", "last_feedback_at"],
        batch_size=500,
    )
    # Written past `Signal.save()`: count the themes' figures now.
    theme_tallies_rebuild()
    venster_tallies_rebuild()
    Escalation.objects.bulk_create(escalations, batch_size=500)
    for answer in answers:
        answer.escalation_id = answer.escalation.pk if answer.escalation else None
    answers += [
        SignalResponse(
            theme=theme,
            source=SignalResponse.Source.LCC,
            text="Stand van zaken: het LCC heeft dit hoofdvraagstuk met het ministerie "
            "besproken. We melden ons zodra er een besluit is.",
            author=coordinator,
            created_at=_at(lcc.held_on, 17),
        )
        for theme in themes[:3]
    ]
    SignalResponse.objects.bulk_create(answers, batch_size=500)
    system_marks_refresh()  # escalations and answers were written past `save()`
    SignalEvent.objects.bulk_create(events, batch_size=1000)
    decisions = _lcc_record(lcc, coordinator)
    ctx.counts.update(
        {
            "signal themes": len(themes),
            "signals passed on": len(changed),
            "escalations": len(escalations),
            "signal answers": len(answers),
            "lcc decisions": decisions,
        }
    )


def _lcc_record(lcc: CoordinationMeeting, coordinator: User) -> int:
    """The demo LCC as a record that agrees with its notes: the two signals it sent on to the
    ministry are its decisions, taken on its day, and the meeting is recorded as held with the
    agenda as its history says it stood then."""
    to_ministry = list(
        Signal.objects.filter(
            community__programme=lcc.programme,
            state=Signal.State.ESCALATED_SYSTEM,
            escalations__coordination_meeting=lcc,
        )
        .distinct()
        .order_by("pk")[:2]
    )
    decided_at = _at(lcc.held_on, 15)
    for signal in to_ministry:
        decision = CoordinationDecision.objects.create(
            coordination_meeting=lcc,
            signal=signal,
            decision="Voorleggen aan het ministerie.",
            resulting_state=Signal.State.ESCALATED_SYSTEM,
            decided_by=coordinator,
            decided_at=decided_at,
        )
        SignalEvent.objects.create(
            signal=signal,
            kind=SignalEvent.Kind.DECISION,
            from_state=Signal.State.ESCALATED_LCC,
            to_state=Signal.State.ESCALATED_SYSTEM,
            note=decision.decision,
            data={"coordination_meeting": lcc.pk, "decision": decision.pk},
            actor=coordinator,
            created_at=decided_at,
        )
    coordination.coordination_meeting_record_held(coordination_meeting=lcc, by=coordinator)
    CoordinationMeeting.objects.filter(pk=lcc.pk).update(recorded_at=_at(lcc.held_on, 17))
    return len(to_ministry)
