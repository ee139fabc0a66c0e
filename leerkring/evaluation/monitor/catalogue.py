"""What the monitor checks and how a check answers: the statuses, the catalogue of checks with
their source paragraphs, the measurement periods, the `Check` result, and the translation
cache one monitor run shares."""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass

from django.utils import translation
from django.utils.formats import get_format
from django.utils.translation import gettext_lazy, gettext_noop

from leerkring.communities.models import Organisation

GREEN, ORANGE, RED, UNKNOWN, NO_NORM = "green", "orange", "red", "unknown", "none"

# The matrix of 600 communities writes some 8,000 checks, each with a few translated texts.
# Django's gettext costs microseconds per call (a thread-local look-up each time), so during
# one monitor run every text is translated once and then read from this cache.
translated_texts: ContextVar[dict | None] = ContextVar("monitor_texts", default=None)


def _(message: str) -> str:
    cache = translated_texts.get()
    if cache is None:
        return translation.gettext(message)
    try:
        return cache[message]
    except KeyError:
        cache[message] = text = translation.gettext(message)
        return text


def ngettext(singular: str, plural: str, n: int) -> str:
    cache = translated_texts.get()
    if cache is None:
        return translation.ngettext(singular, plural, n)
    key = (singular, plural, n)
    try:
        return cache[key]
    except KeyError:
        cache[key] = text = translation.ngettext(singular, plural, n)
        return text


def number_format(value, decimals: int = 1) -> str:
    """A whole number as is, anything else with `decimals` decimals, in the active language's
    notation ("1,5"), without Django's per-call settings look-ups."""
    if isinstance(value, int):
        return str(value)
    cache = translated_texts.get()
    separator = cache.get("__decimal__") if cache is not None else None
    if separator is None:
        separator = get_format("DECIMAL_SEPARATOR")
        if cache is not None:
            cache["__decimal__"] = separator
    return f"{float(value):.{decimals}f}".replace(".", separator)


STATUS_TEXTS = {
    GREEN: gettext_noop("Voldoet"),
    ORANGE: gettext_noop("Let op"),
    RED: gettext_noop("Voldoet niet"),
    UNKNOWN: gettext_noop("Onbekend"),
    NO_NORM: gettext_noop("Geen eis"),
}
STATUS_LABELS = {key: gettext_lazy(text) for key, text in STATUS_TEXTS.items()}
STATUS_ORDER = (GREEN, ORANGE, RED, UNKNOWN, NO_NORM)

PERIOD_DAYS = 365
ATTENDANCE_MEETINGS = 6
# A community younger than this is too new to judge its rhythm by.
RHYTHM_MIN_DAYS = 60
# Executing organisations for the "municipalities and executing organisations mixed" rule
# (report §3.1: COA, language schools, social support and the other organisations that carry
# out the law beside the municipality).
EXECUTING_TYPES = frozenset(
    {
        Organisation.Type.COA,
        Organisation.Type.LANGUAGE_PROVIDER,
        Organisation.Type.SOCIAL_SUPPORT,
        Organisation.Type.VOLUNTEER,
        Organisation.Type.EDUCATION,
        Organisation.Type.EMPLOYER,
    }
)
SATISFACTION_CACHE_SECONDS = 60 * 60


@dataclass(frozen=True)
class Check:
    """One traffic light: what was measured, against which norm, why this status, and where
    the norm comes from."""

    key: str
    title: str
    label: str
    status: str
    value: str
    norm: str
    reason: str
    source: str
    # The measured value in a few characters, for a cell of the programme matrix.
    short: str = ""


# (key, title, short title for the matrix, source paragraph), in reading order.
CHECKS: list[tuple[str, str, str, str]] = [
    ("members", gettext_noop("Aantal deelnemers"), gettext_noop("Leden"), "Rapport §5.1.1"),
    (
        "organisations",
        gettext_noop("Aantal organisaties"),
        gettext_noop("Organisaties"),
        "Rapport §3.1, §5.1.1",
    ),
    (
        "organisation_mix",
        gettext_noop("Mix van organisaties"),
        gettext_noop("Mix"),
        "Rapport §5.1.1",
    ),
    (
        "guidance",
        gettext_noop("Communitytrekker en procesbegeleider"),
        gettext_noop("Begeleiding"),
        "Rapport §5.1.2, §5.2.3",
    ),
    (
        "rhythm",
        gettext_noop("Ritme van bijeenkomsten"),
        gettext_noop("Ritme"),
        "Rapport §3.1, §5.1.1",
    ),
    ("physical", gettext_noop("Fysiek bijeenkomen"), gettext_noop("Fysiek"), "Rapport §5.1.2"),
    ("attendance", gettext_noop("Opkomst"), gettext_noop("Opkomst"), "Rapport §5.1.1, §5.1.2"),
    ("turnover", gettext_noop("Verloop en overdracht"), gettext_noop("Verloop"), "Rapport §5.1.1"),
    (
        "perspective",
        gettext_noop("Perspectief van de inburgeraar"),
        gettext_noop("Inburgeraar"),
        "Rapport §5.1.2",
    ),
    ("lessons", gettext_noop("Leerpunten benoemd"), gettext_noop("Leerpunten"), "Rapport §5.1.3"),
    (
        "agreements",
        gettext_noop("Afspraken opgevolgd"),
        gettext_noop("Afspraken"),
        "Rapport §5.1.2, §5.1.3",
    ),
    (
        "signals",
        gettext_noop("Signalen op tijd beantwoord"),
        gettext_noop("Signalen"),
        "Rapport §5.1.3",
    ),
    (
        "satisfaction",
        gettext_noop("Tevredenheid in de enquête"),
        gettext_noop("Tevredenheid"),
        "Rapport §4.2",
    ),
]
_META = {key: (title, source) for key, title, _short, source in CHECKS}
CHECK_KEYS = list(_META)
# For forms and headings: the same texts, translated when shown.
CHECKS = [
    (key, gettext_lazy(title), gettext_lazy(short), source) for key, title, short, source in CHECKS
]


def check_result(
    key: str, status: str, value: str, norm: str, reason: str, short: str | int = ""
) -> Check:
    title, source = _META[key]
    return Check(
        key=key,
        title=_(title),
        label=_(STATUS_TEXTS[status]),
        status=status,
        value=value,
        norm=norm,
        reason=reason,
        source=source,
        short=str(short),
    )
