"""Every row of a venster sheet checked before anything is saved (issue "Het venster" §7,
issue 12 §7).

A row without a number is a new signal. A row whose "Nummer" names a signal of this
programme's venster is compared with that signal field by field: it is changed (the preview
lists each field, old → new) or unchanged (nothing happens to it; it is no duplicate). A number
that is not a signal in this programme's venster — unknown, a draft, or another programme's —
is a row error with the same words in each case, so the import reveals nothing about other
programmes. Changes the lifecycle cannot make from a sheet (another community, a step the
transition table does not allow, escalating without a question, closing without an answer) are
row errors too, so the confirmation does not fail halfway.

The check also notes, per named signal, its newest history event (`versions`): the preview is
confirmed only while these are the same, so nobody overwrites a change made after they looked.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Max
from django.utils import formats
from django.utils.translation import gettext as _

from leerkring.communities.models import Community, Programme
from leerkring.core.id_lists import as_key
from leerkring.meetings.topics import SolutionLevel, TopicCategory
from leerkring.signalling import coordination, lifecycle, selectors
from leerkring.signalling.models import Signal, SignalEvent, SignalTheme

from .columns import choice_codes, fold, parse_date, state_labels, unescape
from .files import Sheet

State = Signal.State
#: States a sheet can move a signal to by itself; escalating needs the question that goes up,
#: which is asked on the signal's page.
ESCALATIONS = (State.ESCALATED_LCC, State.ESCALATED_SYSTEM)
#: States whose step tells the community why: the sheet's "Antwoord" must hold a new answer.
NEEDS_ANSWER = (State.RESOLVED, State.BACK_TO_COMMUNITY, State.NO_FOLLOW_UP)


@dataclass
class RowProblem:
    row: int  # the spreadsheet's row number (the heading is row 1)
    message: str


@dataclass
class CheckedRow:
    """A new signal."""

    row: int
    community: Community
    state: str
    fields: dict
    theme_title: str = ""
    answer: str = ""


@dataclass
class FieldChange:
    """One field of an existing signal as the preview shows it."""

    name: str
    label: str
    old: str
    new: str


@dataclass
class ChangedRow:
    """An existing signal the sheet changes; each part goes through its lifecycle step."""

    row: int
    signal: Signal
    changes: list[FieldChange]
    fields: dict = field(default_factory=dict)  # for `lifecycle.signal_edit_details`
    theme_title: str | None = None  # None: unchanged; "": unlinked
    state: str = ""  # "" : unchanged
    answer: str = ""  # a new answer for the community ("" : none)


@dataclass
class ImportCheck:
    rows: list[CheckedRow] = field(default_factory=list)
    changes: list[ChangedRow] = field(default_factory=list)
    unchanged: int = 0
    problems: list[RowProblem] = field(default_factory=list)
    new_themes: list[str] = field(default_factory=list)
    versions: dict[str, int] = field(default_factory=dict)
    stale: list[int] = field(default_factory=list)  # numbers changed since the preview

    @property
    def ok(self) -> bool:
        """Something to save and nothing wrong."""
        return not self.problems and not self.stale and bool(self.rows or self.changes)

    @property
    def nothing_to_do(self) -> bool:
        return not self.problems and not self.rows and not self.changes and self.unchanged > 0


@dataclass
class _Lookups:
    communities: dict[str, Community]
    themes: dict[str, str]
    states: dict[str, str]
    categories: dict[str, str]
    levels: dict[str, str]


@dataclass
class _Parsed:
    """A row's cells read into values; `None` where the column is not mapped."""

    title: str | None
    description: str | None
    raised_on: datetime.date | None
    community: Community | None
    community_name: str | None
    state: str | None  # None: not mapped or empty
    category: str | None
    subtopic: str | None
    level: str | None  # None: not mapped or empty
    theme_title: str | None
    answer: str | None
    number: str


def _fingerprint(community_id: int, title: str, description: str, raised_on) -> tuple:
    return (community_id, fold(title), fold(description), str(raised_on or ""))


def _lookups(programme: Programme) -> _Lookups:
    return _Lookups(
        communities={fold(c.name): c for c in Community.objects.filter(programme=programme)},
        themes={
            fold(title): title
            for title in SignalTheme.objects.filter(
                programme=programme, merged_into__isnull=True
            ).values_list("title", flat=True)
        },
        states=state_labels(),
        categories=choice_codes(TopicCategory.choices),
        levels=choice_codes(SolutionLevel.choices),
    )


def _parse(
    row: list[str], mapping: dict[str, int | None], lookups: _Lookups, problems: list[str]
) -> _Parsed:
    """The cells read and checked one by one; each problem is added in Dutch."""

    def value(name: str) -> str | None:
        index = mapping.get(name)
        if index is None:
            return None
        return unescape(row[index].strip()) if index < len(row) else ""

    title = value("title")
    description = value("description")
    if title is not None:
        if not title:
            problems.append(_("de titel is leeg"))
        elif len(title) > lifecycle.TITLE_MAX:
            problems.append(
                _("de titel is langer dan %(max)s tekens") % {"max": lifecycle.TITLE_MAX}
            )
    if description is not None:
        if not description:
            problems.append(_("de omschrijving is leeg"))
        elif len(description) > lifecycle.TEXT_MAX:
            problems.append(_("de omschrijving is te lang"))
    community_name = value("community")
    community = lookups.communities.get(fold(community_name)) if community_name else None
    if community_name is not None and community is None:
        problems.append(
            _("gemeenschap ‘%(name)s’ bestaat niet in dit programma") % {"name": community_name}
            if community_name
            else _("de gemeenschap ontbreekt")
        )
    raised_on = None
    try:
        raised_on = parse_date(value("raised_on") or "")
    except ValueError:
        problems.append(
            _("datum ‘%(value)s’ is geen geldige datum (gebruik bijvoorbeeld 31-12-2024)")
            % {"value": value("raised_on")}
        )
    state_text = value("state")
    state = lookups.states.get(fold(state_text)) if state_text else None
    if state_text and state is None:
        problems.append(_("status ‘%(value)s’ is onbekend") % {"value": state_text})
    elif state == State.DRAFT:
        problems.append(
            _("status ‘%(value)s’ kan niet: het venster bevat alleen doorgegeven signalen")
            % {"value": state_text}
        )
    category_text = value("topic_category")
    category = None
    if category_text is not None:
        category = lookups.categories.get(fold(category_text), "") if category_text else ""
        if category_text and not category:
            problems.append(
                _("onderwerpcategorie ‘%(value)s’ is onbekend") % {"value": category_text}
            )
    subtopic = value("subtopic")
    if subtopic:
        subtopic_category = lifecycle.category_of_subtopic(subtopic)
        if subtopic_category is None:
            problems.append(_("onderwerp ‘%(value)s’ is onbekend") % {"value": subtopic})
        elif category and subtopic_category != category:
            problems.append(
                _("onderwerp ‘%(value)s’ hoort niet bij de gekozen onderwerpcategorie")
                % {"value": subtopic}
            )
    level_text = value("solution_level")
    level = lookups.levels.get(fold(level_text)) if level_text else None
    if level_text and not level:
        problems.append(_("niveau van oplossing ‘%(value)s’ is onbekend") % {"value": level_text})
    theme_title = value("theme")
    if theme_title is not None:
        theme_title = " ".join(theme_title.split())
        if len(theme_title) > coordination.TITLE_MAX:
            problems.append(_("de naam van het hoofdvraagstuk is te lang"))
    return _Parsed(
        title=title,
        description=description,
        raised_on=raised_on,
        community=community,
        community_name=community_name,
        state=state,
        category=category,
        subtopic=subtopic,
        level=level,
        theme_title=theme_title,
        answer=value("answer"),
        number=(value("number") or "").strip(),
    )


def _number(text: str) -> int | None:
    """The signal number as the export writes it (a whole number; Excel may add ".0")."""
    text = text.strip()
    if text.endswith(".0"):
        text = text[:-2]
    return as_key(text)


def _display_date(value: datetime.date | None) -> str:
    return formats.date_format(value, "d-m-Y") if value else ""


def _label(choices, value: str) -> str:
    if not value:
        return ""
    try:
        return str(choices(value).label)
    except ValueError:
        return value


def _compare(
    signal: Signal, parsed: _Parsed, answer_before: str, problems: list[str]
) -> ChangedRow | None:
    """What the row changes on `signal`, or None when it changes nothing. Adds a problem for a
    change the lifecycle would refuse."""
    result = ChangedRow(row=0, signal=signal, changes=[])

    def change(name: str, label: str, old: str, new: str) -> None:
        result.changes.append(FieldChange(name=name, label=label, old=old, new=new))

    if parsed.community is not None and parsed.community.pk != signal.community_id:
        problems.append(
            _(
                "signaal %(number)s hoort bij %(community)s; een import verplaatst geen signaal "
                "naar een andere gemeenschap"
            )
            % {"number": signal.pk, "community": signal.community.name}
        )
    if parsed.title and parsed.title != signal.title:
        result.fields["title"] = parsed.title
        change("title", _("Titel"), signal.title, parsed.title)
    if parsed.description and parsed.description != signal.description:
        result.fields["description"] = parsed.description
        change("description", _("Omschrijving"), signal.description, parsed.description)
    if parsed.raised_on is not None and parsed.raised_on != signal.raised_on:
        result.fields["raised_on"] = parsed.raised_on
        change(
            "raised_on",
            _("Datum"),
            _display_date(signal.raised_on),
            _display_date(parsed.raised_on),
        )
    new_subtopic = signal.subtopic if parsed.subtopic is None else parsed.subtopic
    new_category = signal.topic_category if parsed.category is None else parsed.category
    if new_subtopic:
        new_category = lifecycle.category_of_subtopic(new_subtopic) or new_category
    if new_category != signal.topic_category:
        result.fields["topic_category"] = new_category
        change(
            "topic_category",
            _("Onderwerpcategorie"),
            _label(TopicCategory, signal.topic_category),
            _label(TopicCategory, new_category),
        )
    if new_subtopic != signal.subtopic:
        result.fields["subtopic"] = new_subtopic
        change("subtopic", _("Onderwerp"), signal.subtopic, new_subtopic)
    if parsed.level and parsed.level != signal.solution_level:
        result.fields["solution_level"] = parsed.level
        change(
            "solution_level",
            _("Niveau van oplossing"),
            _label(SolutionLevel, signal.solution_level),
            _label(SolutionLevel, parsed.level),
        )
    old_theme = signal.theme.title if signal.theme_id else ""
    theme_after = old_theme
    if parsed.theme_title is not None and fold(parsed.theme_title) != fold(old_theme):
        result.theme_title = parsed.theme_title
        theme_after = parsed.theme_title
        change("theme", _("Hoofdvraagstuk"), old_theme, parsed.theme_title)
    new_answer = ""
    if parsed.answer is not None and parsed.answer.strip() != answer_before.strip():
        if not parsed.answer.strip():
            problems.append(
                _(
                    "een gegeven antwoord kan niet worden weggehaald; laat de kolom Antwoord "
                    "staan of schrijf een nieuw antwoord"
                )
            )
        else:
            new_answer = parsed.answer.strip()
            change("answer", _("Antwoord"), answer_before, new_answer)
    if parsed.state and parsed.state != signal.state:
        before, after = _label(State, signal.state), _label(State, parsed.state)
        if not lifecycle.can_transition(signal.state, parsed.state):
            problems.append(
                _("de status kan niet van ‘%(from)s’ naar ‘%(to)s’") % {"from": before, "to": after}
            )
        elif parsed.state in ESCALATIONS:
            problems.append(
                _(
                    "opschalen naar ‘%(to)s’ gaat op de pagina van het signaal, met de vraag "
                    "die je voorlegt"
                )
                % {"to": after}
            )
        elif parsed.state in NEEDS_ANSWER and not new_answer:
            problems.append(
                _(
                    "voor de status ‘%(to)s’ hoort de gemeenschap waarom: schrijf een nieuw "
                    "antwoord in de kolom Antwoord"
                )
                % {"to": after}
            )
        elif parsed.state == State.KNOWN and not theme_after:
            problems.append(
                _("voor de status ‘%(to)s’ kies je het hoofdvraagstuk waar het bij hoort")
                % {"to": after}
            )
        result.state = parsed.state
        change("state", _("Status"), before, after)
    result.answer = new_answer
    return result if result.changes else None


def signal_versions(signal_ids) -> dict[str, int]:
    """Per signal its newest history event: every change writes one (`lifecycle`), so a
    different number means the signal changed."""
    rows = (
        SignalEvent.objects.filter(signal_id__in=list(signal_ids))
        .values("signal_id")
        .annotate(newest=Max("pk"))
        .values_list("signal_id", "newest")
    )
    versions = {str(pk): 0 for pk in signal_ids}
    versions.update({str(pk): newest for pk, newest in rows})
    return versions


def import_check(
    *, sheet: Sheet, mapping: dict[str, int | None], programme: Programme
) -> ImportCheck:
    """Every row checked; nothing is saved. New rows that repeat an earlier row of the file or
    an existing signal (same community, title, description and date) are duplicates."""
    result = ImportCheck()
    lookups = _lookups(programme)
    numbered_column = mapping.get("number") is not None
    parsed_rows: list[tuple[int, _Parsed, list[str]]] = []
    numbers: dict[int, int] = {}
    for index, row in enumerate(sheet.rows):
        if not any(cell.strip() for cell in row):
            continue
        problems: list[str] = []
        parsed = _parse(row, mapping, lookups, problems)
        parsed_rows.append((index + 2, parsed, problems))
        if numbered_column and parsed.number:
            number = _number(parsed.number)
            if number is None:
                problems.append(_("nummer ‘%(value)s’ is geen getal") % {"value": parsed.number})
            elif number in numbers:
                problems.append(
                    _("nummer %(number)s staat ook op regel %(row)s")
                    % {"number": number, "row": numbers[number]}
                )
            else:
                numbers[number] = index + 2
    # The named signals, in this programme's venster only (drafts never leave the community).
    signals = {
        s.pk: s
        for s in selectors.venster_base(programme=programme)
        .filter(pk__in=list(numbers))
        .select_related("community", "theme")
    }
    answers = selectors.export_answers(signals=Signal.objects.filter(pk__in=list(signals)))
    result.versions = signal_versions(signals)
    existing: set[tuple] | None = None
    seen: dict[tuple, int] = {}
    new_themes: dict[str, str] = {}

    def finish(number: int, problems: list[str]) -> bool:
        if problems:
            message = "; ".join(problems)
            result.problems.append(RowProblem(number, message[:1].upper() + message[1:] + "."))
            return False
        return True

    for row_number, parsed, problems in parsed_rows:
        number = _number(parsed.number) if numbered_column and parsed.number else None
        if number is not None and numbers.get(number) == row_number:
            signal = signals.get(number)
            if signal is None:
                problems.append(
                    _("signaal %(number)s bestaat niet in dit programma") % {"number": number}
                )
                finish(row_number, problems)
                continue
            changed = _compare(signal, parsed, answers.get(signal.pk, ""), problems)
            if not finish(row_number, problems):
                continue
            if changed is None:
                result.unchanged += 1
                continue
            changed.row = row_number
            if changed.theme_title:
                _note_theme(changed.theme_title, lookups, new_themes)
                changed.theme_title = lookups.themes.get(
                    fold(changed.theme_title), changed.theme_title
                )
            result.changes.append(changed)
            continue
        if problems:
            finish(row_number, problems)
            continue
        _check_new(parsed, problems)
        if parsed.community is not None and parsed.title and parsed.description:
            if existing is None:
                existing = _existing_fingerprints(programme)
            fingerprint = _fingerprint(
                parsed.community.pk, parsed.title, parsed.description, parsed.raised_on
            )
            if fingerprint in seen:
                problems.append(
                    _("dubbel: deze regel is gelijk aan regel %(row)s") % {"row": seen[fingerprint]}
                )
            elif fingerprint in existing:
                problems.append(_("dubbel: dit signaal staat al in het venster"))
            else:
                seen[fingerprint] = row_number
        if not finish(row_number, problems):
            continue
        theme_title = parsed.theme_title or ""
        if theme_title:
            _note_theme(theme_title, lookups, new_themes)
        result.rows.append(
            CheckedRow(
                row=row_number,
                community=parsed.community,
                state=parsed.state or State.NEW,
                fields={
                    "title": parsed.title,
                    "description": parsed.description,
                    "raised_on": parsed.raised_on,
                    "topic_category": parsed.category or "",
                    "subtopic": parsed.subtopic or "",
                    "solution_level": parsed.level or SolutionLevel.LOCAL,
                },
                theme_title=lookups.themes.get(fold(theme_title), theme_title),
                answer=parsed.answer or "",
            )
        )
    if not parsed_rows:
        result.problems.append(RowProblem(2, _("Het bestand bevat geen signalen.")))
    result.new_themes = sorted(new_themes.values(), key=str.lower)
    return result


def _check_new(parsed: _Parsed, problems: list[str]) -> None:
    """A new signal needs what a signal is raised with (the mapping form requires these
    columns; a sheet may still leave a cell empty)."""
    if parsed.title is None:
        problems.append(_("de titel ontbreekt"))
    if parsed.description is None:
        problems.append(_("de omschrijving ontbreekt"))
    if parsed.community is None and parsed.community_name is None:
        problems.append(_("de gemeenschap ontbreekt"))


def _note_theme(title: str, lookups: _Lookups, new_themes: dict[str, str]) -> None:
    if fold(title) not in lookups.themes:
        new_themes.setdefault(fold(title), title)


def _existing_fingerprints(programme: Programme) -> set[tuple]:
    return {
        _fingerprint(c, t, d, r)
        for c, t, d, r in Signal.objects.filter(community__programme=programme).values_list(
            "community_id", "title", "description", "raised_on"
        )
    }
