"""State changes for questionnaires, waves, invitations and responses. Each block belongs to
one part; every function validates, runs in one transaction and writes the audit."""

from __future__ import annotations

# --- Questionnaires and the thermometer template ----------------------------------------
# Versioning rule (DESIGN.md "a form is versioned data"): once any wave of a questionnaire has
# a response it is *locked*. Then only wording that does not change what was asked may still
# be edited — the questionnaire's title and introduction, a section's title and introduction,
# and a question's help text. Everything else (questions or options added, removed, moved or
# reworded, a kind, code, "required" or "at most N" changed) would make earlier answers mean
# something else, so it is refused with an explanation and goes into a new version, which
# keeps the codes so results of its waves line up with the earlier ones.
from typing import Any as _s1_Any  # noqa: E402

from django.core.exceptions import ValidationError as _s1_ValidationError  # noqa: E402
from django.db import transaction as _s1_transaction  # noqa: E402
from django.db.models import Max as _s1_Max  # noqa: E402
from django.utils.translation import gettext as _s1_gettext  # noqa: E402

from leerkring.communities.models import Programme as _s1_Programme  # noqa: E402
from leerkring.core.audit import audit as _s1_audit  # noqa: E402

from . import selectors as _s1_selectors  # noqa: E402
from .models import Option as _s1_Option  # noqa: E402
from .models import Question as _s1_Question  # noqa: E402
from .models import Questionnaire as _s1_Questionnaire  # noqa: E402
from .models import Section as _s1_Section  # noqa: E402
from .models import Statement as _s1_Statement  # noqa: E402

_CHOICE_KINDS = (_s1_Question.Kind.SINGLE, _s1_Question.Kind.MULTIPLE)
_PICK_KINDS = (_s1_Question.Kind.MULTIPLE, _s1_Question.Kind.PICK_FROM)
OTHER_LABEL = "Anders, namelijk…"
QUESTION_FIELDS = (
    "section",
    "code",
    "text",
    "help_text",
    "kind",
    "required",
    "allow_other",
    "max_picks",
    "source_question",
)


def _locked_error() -> _s1_ValidationError:
    return _s1_ValidationError(
        _s1_gettext(
            "Deze vragenlijst is al ingevuld in een meetronde. Deze wijziging zou de antwoorden "
            "van die meetronde onvergelijkbaar maken. Maak een nieuwe versie om dit te wijzigen."
        ),
        code="locked",
    )


def _refuse_if_locked(questionnaire: _s1_Questionnaire) -> None:
    if _s1_selectors.questionnaire_is_locked(questionnaire):
        raise _locked_error()


def _lock(questionnaire: _s1_Questionnaire) -> _s1_Questionnaire:
    """Row lock on the questionnaire, so concurrent edits renumber positions one at a time."""
    return _s1_Questionnaire.objects.select_for_update().get(pk=questionnaire.pk)


def _renumber_questions(questionnaire: _s1_Questionnaire) -> None:
    """Question positions run 0..n-1 in the order respondents see them: questions without a
    section first, then section by section. "Earlier question" means a lower position."""
    section_order = {
        pk: index
        for index, pk in enumerate(
            _s1_Section.objects.filter(questionnaire=questionnaire)
            .order_by("position", "pk")
            .values_list("pk", flat=True)
        )
    }
    questions = list(_s1_Question.objects.filter(questionnaire=questionnaire))
    questions.sort(
        key=lambda q: (
            -1 if q.section_id is None else section_order.get(q.section_id, 0),
            q.position,
            q.pk,
        )
    )
    changed = []
    for position, question in enumerate(questions):
        if question.position != position:
            question.position = position
            changed.append(question)
    _s1_Question.objects.bulk_update(changed, ["position"])


def _swap(items: list, item, direction: str) -> list:
    if direction not in ("up", "down"):
        raise ValueError(f"Unknown direction: {direction}")
    index = next(i for i, other in enumerate(items) if other.pk == item.pk)
    target = index - 1 if direction == "up" else index + 1
    if 0 <= target < len(items):
        items[index], items[target] = items[target], items[index]
    return items


def _save_positions(model, items: list) -> None:
    changed = []
    for position, item in enumerate(items):
        if item.position != position:
            item.position = position
            changed.append(item)
    model.objects.bulk_update(changed, ["position"])


# Questionnaires ---------------------------------------------------------------------------


@_s1_transaction.atomic
def questionnaire_create(
    *, programme: _s1_Programme, by: _s1_Any, title: str, intro: str = ""
) -> _s1_Questionnaire:
    questionnaire = _s1_Questionnaire(programme=programme, title=title, intro=intro, created_by=by)
    questionnaire.full_clean()
    questionnaire.save()
    _s1_audit(actor=by, verb="questionnaire.created", obj=questionnaire)
    return questionnaire


@_s1_transaction.atomic
def questionnaire_update(
    *, questionnaire: _s1_Questionnaire, by: _s1_Any, title: str, intro: str
) -> _s1_Questionnaire:
    """Title and introduction change nothing about what was asked: allowed when locked."""
    if questionnaire.programme_id is None:
        raise _s1_ValidationError(_s1_gettext("Een ingebouwd sjabloon kan niet worden gewijzigd."))
    questionnaire.title = title
    questionnaire.intro = intro
    questionnaire.full_clean()
    questionnaire.save(update_fields=["title", "intro"])
    _s1_audit(actor=by, verb="questionnaire.updated", obj=questionnaire)
    return questionnaire


def _copy_content(source: _s1_Questionnaire, target: _s1_Questionnaire) -> None:
    """Copy sections, questions (with their pipes), options and statements, codes kept."""
    sections = {}
    for section in source.sections.order_by("position", "pk"):
        sections[section.pk] = _s1_Section.objects.create(
            questionnaire=target,
            position=section.position,
            title=section.title,
            intro=section.intro,
        )
    questions = {}
    for question in source.questions.order_by("position", "pk"):
        questions[question.pk] = _s1_Question.objects.create(
            questionnaire=target,
            section=sections.get(question.section_id),
            position=question.position,
            code=question.code,
            text=question.text,
            help_text=question.help_text,
            kind=question.kind,
            required=question.required,
            allow_other=question.allow_other,
            max_picks=question.max_picks,
        )
    for old_pk, question in questions.items():
        old = next(q for q in source.questions.all() if q.pk == old_pk)
        if old.source_question_id:
            question.source_question = questions.get(old.source_question_id)
            question.save(update_fields=["source_question"])
    _s1_Option.objects.bulk_create(
        _s1_Option(
            question=questions[o.question_id],
            position=o.position,
            code=o.code,
            label=o.label,
            is_other=o.is_other,
        )
        for o in _s1_Option.objects.filter(question__questionnaire=source).order_by(
            "position", "pk"
        )
    )
    _s1_Statement.objects.bulk_create(
        _s1_Statement(
            question=questions[s.question_id], position=s.position, code=s.code, text=s.text
        )
        for s in _s1_Statement.objects.filter(question__questionnaire=source).order_by(
            "position", "pk"
        )
    )


@_s1_transaction.atomic
def questionnaire_copy(
    *, questionnaire: _s1_Questionnaire, programme: _s1_Programme, by: _s1_Any
) -> _s1_Questionnaire:
    """Copy a built-in template (or a questionnaire of the same programme) into a programme
    as its own questionnaire, version 1, everything included."""
    if questionnaire.programme_id not in (None, programme.pk):
        raise _s1_ValidationError(
            _s1_gettext("Je kunt alleen sjablonen en vragenlijsten van dit programma kopiëren.")
        )
    title = questionnaire.title
    if questionnaire.programme_id is not None:
        title = _s1_gettext("Kopie van %(title)s") % {"title": title}
    copy = _s1_Questionnaire.objects.create(
        programme=programme,
        title=title[:200],
        intro=questionnaire.intro,
        version=1,
        copied_from=questionnaire,
        created_by=by,
    )
    _copy_content(questionnaire, copy)
    _s1_audit(actor=by, verb="questionnaire.copied", obj=copy, source=questionnaire.pk)
    return copy


@_s1_transaction.atomic
def questionnaire_new_version(
    *, questionnaire: _s1_Questionnaire, by: _s1_Any
) -> _s1_Questionnaire:
    """Version + 1 of the same questionnaire, codes kept so waves of both versions compare.
    Starts from the newest version, so two clicks do not fork the history."""
    if questionnaire.programme_id is None:
        raise _s1_ValidationError(_s1_gettext("Kopieer een sjabloon eerst naar een programma."))
    newest = (
        _s1_Questionnaire.objects.select_for_update()
        .filter(programme_id=questionnaire.programme_id, previous_version=questionnaire)
        .order_by("-version")
        .first()
    )
    if newest is not None:
        raise _s1_ValidationError(
            _s1_gettext("Er is al een nieuwere versie: versie %(version)s.")
            % {"version": newest.version}
        )
    copy = _s1_Questionnaire.objects.create(
        programme_id=questionnaire.programme_id,
        title=questionnaire.title,
        intro=questionnaire.intro,
        version=questionnaire.version + 1,
        previous_version=questionnaire,
        copied_from=questionnaire.copied_from,
        created_by=by,
    )
    _copy_content(questionnaire, copy)
    _s1_audit(actor=by, verb="questionnaire.new_version", obj=copy, previous=questionnaire.pk)
    return copy


# Sections ---------------------------------------------------------------------------------


@_s1_transaction.atomic
def section_add(
    *, questionnaire: _s1_Questionnaire, by: _s1_Any, title: str, intro: str = ""
) -> _s1_Section:
    questionnaire = _lock(questionnaire)
    _refuse_if_locked(questionnaire)
    last = questionnaire.sections.aggregate(last=_s1_Max("position"))["last"]
    section = _s1_Section(
        questionnaire=questionnaire,
        position=0 if last is None else last + 1,
        title=title,
        intro=intro,
    )
    section.full_clean()
    section.save()
    _s1_audit(actor=by, verb="section.added", obj=section)
    return section


@_s1_transaction.atomic
def section_update(*, section: _s1_Section, by: _s1_Any, title: str, intro: str) -> _s1_Section:
    """A section's title and introduction are wording only: allowed when locked."""
    section.title = title
    section.intro = intro
    section.full_clean()
    section.save(update_fields=["title", "intro"])
    _s1_audit(actor=by, verb="section.updated", obj=section)
    return section


@_s1_transaction.atomic
def section_move(*, section: _s1_Section, by: _s1_Any, direction: str) -> None:
    questionnaire = _lock(section.questionnaire)
    _refuse_if_locked(questionnaire)
    sections = list(
        _s1_Section.objects.filter(questionnaire=questionnaire).order_by("position", "pk")
    )
    _save_positions(_s1_Section, _swap(sections, section, direction))
    _renumber_questions(questionnaire)
    _check_pipes(questionnaire)
    _s1_audit(actor=by, verb="section.moved", obj=section, direction=direction)


@_s1_transaction.atomic
def section_delete(*, section: _s1_Section, by: _s1_Any) -> None:
    """Its questions stay, at the top of the questionnaire without a section."""
    questionnaire = _lock(section.questionnaire)
    _refuse_if_locked(questionnaire)
    _s1_audit(actor=by, verb="section.deleted", obj=section, title=section.title)
    section.delete()
    _renumber_questions(questionnaire)
    _check_pipes(questionnaire)


# Questions --------------------------------------------------------------------------------


def _check_pipes(questionnaire: _s1_Questionnaire) -> None:
    """Every "pick from an earlier question" still comes after its source."""
    for question in _s1_Question.objects.filter(
        questionnaire=questionnaire, source_question__isnull=False
    ).select_related("source_question"):
        if question.source_question.position >= question.position:
            raise _s1_ValidationError(
                _s1_gettext(
                    "Vraag %(code)s kiest uit de antwoorden op vraag %(source)s en moet daarom "
                    "na die vraag komen."
                )
                % {"code": question.code, "source": question.source_question.code}
            )


def _validate_question(question: _s1_Question) -> None:
    errors: dict[str, list[str]] = {}
    code = (question.code or "").strip()
    question.code = code
    if not code:
        errors.setdefault("code", []).append(_s1_gettext("Geef de vraag een code, zoals V4."))
    elif (
        _s1_Question.objects.filter(questionnaire_id=question.questionnaire_id, code=code)
        .exclude(pk=question.pk)
        .exists()
    ):
        errors.setdefault("code", []).append(
            _s1_gettext("De code %(code)s is al in gebruik in deze vragenlijst.") % {"code": code}
        )
    if question.section_id and question.section.questionnaire_id != question.questionnaire_id:
        errors.setdefault("section", []).append(
            _s1_gettext("Kies een onderdeel van deze vragenlijst.")
        )
    if question.kind in _PICK_KINDS:
        if question.max_picks is not None and question.max_picks < 1:
            errors.setdefault("max_picks", []).append(
                _s1_gettext("Het maximale aantal keuzes moet minstens 1 zijn.")
            )
    else:
        question.max_picks = None
    if question.kind not in _CHOICE_KINDS:
        question.allow_other = False
    if question.kind == _s1_Question.Kind.PICK_FROM:
        source = question.source_question
        if source is None:
            errors.setdefault("source_question", []).append(
                _s1_gettext("Kies de eerdere vraag waaruit de deelnemer kiest.")
            )
        elif source.questionnaire_id != question.questionnaire_id or source.pk == question.pk:
            errors.setdefault("source_question", []).append(
                _s1_gettext("Kies een eerdere vraag van deze vragenlijst.")
            )
        elif source.kind != _s1_Question.Kind.MULTIPLE:
            errors.setdefault("source_question", []).append(
                _s1_gettext("Kies een vraag met meerdere antwoorden.")
            )
    else:
        question.source_question = None
    if question.pk and question.kind != _s1_Question.Kind.MULTIPLE:
        piped = _s1_Question.objects.filter(source_question=question).first()
        if piped is not None:
            errors.setdefault("kind", []).append(
                _s1_gettext(
                    "Vraag %(code)s kiest uit de antwoorden op deze vraag; deze vraag moet "
                    "daarom meerdere antwoorden houden."
                )
                % {"code": piped.code}
            )
    if errors:
        raise _s1_ValidationError(errors)
    question.full_clean(exclude=["position"])


def _source_is_earlier(question: _s1_Question) -> None:
    if question.source_question_id and question.source_question.position >= question.position:
        raise _s1_ValidationError(
            {
                "source_question": _s1_gettext(
                    "Kies een vraag die eerder in de vragenlijst staat dan deze vraag."
                )
            }
        )


def _sync_other_option(question: _s1_Question) -> None:
    """The "anders, namelijk…" choice is an option like the others (so it is counted and
    exported), kept last and made or removed together with the `allow_other` switch."""
    other = question.options.filter(is_other=True).first()
    if question.allow_other and other is None:
        last = question.options.aggregate(last=_s1_Max("position"))["last"]
        _s1_Option.objects.create(
            question=question,
            position=0 if last is None else last + 1,
            code=_next_option_code(question),
            label=OTHER_LABEL,
            is_other=True,
        )
    elif not question.allow_other and other is not None:
        other.delete()
    if question.kind not in _CHOICE_KINDS:
        question.options.all().delete()
    if question.kind != _s1_Question.Kind.MATRIX:
        question.statements.all().delete()


@_s1_transaction.atomic
def question_add(
    *, questionnaire: _s1_Questionnaire, by: _s1_Any, **fields: _s1_Any
) -> _s1_Question:
    """Add a question at the end of its section (or of the questionnaire)."""
    questionnaire = _lock(questionnaire)
    _refuse_if_locked(questionnaire)
    question = _s1_Question(questionnaire=questionnaire, position=32000)
    for name in QUESTION_FIELDS:
        if name in fields:
            setattr(question, name, fields[name])
    _validate_question(question)
    question.save()
    _renumber_questions(questionnaire)
    question.refresh_from_db()
    _source_is_earlier(question)
    _sync_other_option(question)
    _s1_audit(actor=by, verb="question.added", obj=question, code=question.code)
    return question


SAFE_WHEN_LOCKED = frozenset({"help_text"})


@_s1_transaction.atomic
def question_update(*, question: _s1_Question, by: _s1_Any, **fields: _s1_Any) -> _s1_Question:
    questionnaire = _lock(question.questionnaire)
    question = _s1_Question.objects.select_related("source_question", "section").get(pk=question.pk)
    changed = {
        name
        for name in QUESTION_FIELDS
        if name in fields and getattr(question, name) != fields[name]
    }
    if changed - SAFE_WHEN_LOCKED:
        _refuse_if_locked(questionnaire)
    old_section = question.section_id
    for name in changed:
        setattr(question, name, fields[name])
    if question.section_id != old_section:
        question.position = 32000  # to the end of its new section
    _validate_question(question)
    question.save()
    _renumber_questions(questionnaire)
    question.refresh_from_db()
    _source_is_earlier(question)
    _check_pipes(questionnaire)
    _sync_other_option(question)
    _s1_audit(actor=by, verb="question.updated", obj=question, fields=sorted(changed))
    return question


@_s1_transaction.atomic
def question_move(*, question: _s1_Question, by: _s1_Any, direction: str) -> None:
    """One place up or down within its section; a move that would put a piped question
    before its source is refused."""
    questionnaire = _lock(question.questionnaire)
    _refuse_if_locked(questionnaire)
    siblings = list(
        _s1_Question.objects.filter(
            questionnaire=questionnaire, section_id=question.section_id
        ).order_by("position", "pk")
    )
    _save_positions(_s1_Question, _swap(siblings, question, direction))
    _renumber_questions(questionnaire)
    _check_pipes(questionnaire)
    _s1_audit(actor=by, verb="question.moved", obj=question, direction=direction)


@_s1_transaction.atomic
def question_delete(*, question: _s1_Question, by: _s1_Any) -> None:
    questionnaire = _lock(question.questionnaire)
    _refuse_if_locked(questionnaire)
    piped = _s1_Question.objects.filter(source_question=question).first()
    if piped is not None:
        raise _s1_ValidationError(
            _s1_gettext(
                "Vraag %(code)s kiest uit de antwoorden op deze vraag. Pas die vraag eerst aan."
            )
            % {"code": piped.code}
        )
    _s1_audit(actor=by, verb="question.deleted", obj=question, code=question.code)
    question.delete()
    _renumber_questions(questionnaire)


# Options and statements ------------------------------------------------------------------


def _next_option_code(question: _s1_Question) -> str:
    numbers = [int(c) for c in question.options.values_list("code", flat=True) if c.isdigit()]
    return str(max(numbers, default=0) + 1)


def _validate_code(model, question: _s1_Question, item, code: str) -> None:
    if model.objects.filter(question=question, code=code).exclude(pk=item.pk).exists():
        raise _s1_ValidationError(
            {
                "code": _s1_gettext("De code %(code)s is al in gebruik bij deze vraag.")
                % {"code": code}
            }
        )


@_s1_transaction.atomic
def option_add(*, question: _s1_Question, by: _s1_Any, label: str, code: str = "") -> _s1_Option:
    """A new option goes last, before "anders, namelijk…"."""
    _lock(question.questionnaire)
    _refuse_if_locked(question.questionnaire)
    if question.kind not in _CHOICE_KINDS:
        raise _s1_ValidationError(_s1_gettext("Bij deze soort vraag horen geen eigen antwoorden."))
    options = list(question.options.order_by("position", "pk"))
    option = _s1_Option(
        question=question, label=label, code=code.strip() or _next_option_code(question)
    )
    _validate_code(_s1_Option, question, option, option.code)
    option.full_clean(exclude=["position"])
    option.save()
    others = [o for o in options if o.is_other]
    _save_positions(_s1_Option, [o for o in options if not o.is_other] + [option] + others)
    _s1_audit(actor=by, verb="option.added", obj=option)
    return option


@_s1_transaction.atomic
def option_update(*, option: _s1_Option, by: _s1_Any, label: str, code: str = "") -> _s1_Option:
    question = option.question
    _lock(question.questionnaire)
    code = code.strip() or option.code
    if (label, code) != (option.label, option.code):
        _refuse_if_locked(question.questionnaire)
    option.label = label
    option.code = code
    _validate_code(_s1_Option, question, option, code)
    option.full_clean()
    option.save(update_fields=["label", "code"])
    _s1_audit(actor=by, verb="option.updated", obj=option)
    return option


@_s1_transaction.atomic
def option_move(*, option: _s1_Option, by: _s1_Any, direction: str) -> None:
    _lock(option.question.questionnaire)
    _refuse_if_locked(option.question.questionnaire)
    options = list(
        _s1_Option.objects.filter(question_id=option.question_id).order_by("position", "pk")
    )
    _save_positions(_s1_Option, _swap(options, option, direction))
    _s1_audit(actor=by, verb="option.moved", obj=option, direction=direction)


@_s1_transaction.atomic
def option_delete(*, option: _s1_Option, by: _s1_Any) -> None:
    question = option.question
    _lock(question.questionnaire)
    _refuse_if_locked(question.questionnaire)
    _s1_audit(actor=by, verb="option.deleted", obj=option, label=option.label)
    option.delete()
    if option.is_other and question.allow_other:
        question.allow_other = False
        question.save(update_fields=["allow_other"])


@_s1_transaction.atomic
def statement_add(
    *, question: _s1_Question, by: _s1_Any, text: str, code: str = ""
) -> _s1_Statement:
    _lock(question.questionnaire)
    _refuse_if_locked(question.questionnaire)
    if question.kind != _s1_Question.Kind.MATRIX:
        raise _s1_ValidationError(_s1_gettext("Alleen een vraag met stellingen heeft stellingen."))
    last = question.statements.aggregate(last=_s1_Max("position"))["last"]
    if not code.strip():
        numbers = [
            int(c[1:])
            for c in question.statements.values_list("code", flat=True)
            if c[:1] == "S" and c[1:].isdigit()
        ]
        code = f"S{max(numbers, default=0) + 1}"
    statement = _s1_Statement(
        question=question, position=0 if last is None else last + 1, text=text, code=code.strip()
    )
    _validate_code(_s1_Statement, question, statement, statement.code)
    statement.full_clean()
    statement.save()
    _s1_audit(actor=by, verb="statement.added", obj=statement)
    return statement


@_s1_transaction.atomic
def statement_update(
    *, statement: _s1_Statement, by: _s1_Any, text: str, code: str = ""
) -> _s1_Statement:
    question = statement.question
    _lock(question.questionnaire)
    code = code.strip() or statement.code
    if (text, code) != (statement.text, statement.code):
        _refuse_if_locked(question.questionnaire)
    statement.text = text
    statement.code = code
    _validate_code(_s1_Statement, question, statement, code)
    statement.full_clean()
    statement.save(update_fields=["text", "code"])
    _s1_audit(actor=by, verb="statement.updated", obj=statement)
    return statement


@_s1_transaction.atomic
def statement_move(*, statement: _s1_Statement, by: _s1_Any, direction: str) -> None:
    _lock(statement.question.questionnaire)
    _refuse_if_locked(statement.question.questionnaire)
    items = list(
        _s1_Statement.objects.filter(question_id=statement.question_id).order_by("position", "pk")
    )
    _save_positions(_s1_Statement, _swap(items, statement, direction))
    _s1_audit(actor=by, verb="statement.moved", obj=statement, direction=direction)


@_s1_transaction.atomic
def statement_delete(*, statement: _s1_Statement, by: _s1_Any) -> None:
    _lock(statement.question.questionnaire)
    _refuse_if_locked(statement.question.questionnaire)
    _s1_audit(actor=by, verb="statement.deleted", obj=statement, text=statement.text)
    statement.delete()


# --- Waves, invitations and answering ---------------------------------------------------
# A wave's invitees get a personal one-time link. Only the sha256 of its token is stored, so
# the database never holds a working link; a reminder therefore issues a fresh token (the
# earlier link stops working, the e-mail says so). Submitting creates the response and its
# answers and marks the invitation answered in one transaction, with the invitation row
# locked: a double submit stores nothing twice. Nothing about answering is audited — an audit
# row would carry a time and an invitation id next to a response id (docs/privacy.md).

import datetime as _datetime  # noqa: E402
import hashlib as _hashlib  # noqa: E402
import secrets as _secrets  # noqa: E402
from dataclasses import dataclass as _dataclass  # noqa: E402

from django.conf import settings as _settings  # noqa: E402
from django.core.exceptions import ValidationError as _ValidationError  # noqa: E402
from django.db import transaction as _transaction  # noqa: E402
from django.urls import reverse as _reverse  # noqa: E402
from django.utils import timezone as _timezone  # noqa: E402
from django.utils.translation import gettext as _gettext  # noqa: E402

from leerkring.communities.models import Membership as _Membership  # noqa: E402
from leerkring.communities.models import Programme as _Programme  # noqa: E402
from leerkring.core.audit import audit as _audit  # noqa: E402
from leerkring.core.emails import email_build as _email_build  # noqa: E402
from leerkring.core.emails import emails_send_on_commit as _emails_send_on_commit  # noqa: E402

from .models import Answer as _Answer  # noqa: E402
from .models import Invitation as _Invitation  # noqa: E402
from .models import Questionnaire as _Questionnaire  # noqa: E402
from .models import Response as _Response  # noqa: E402
from .models import Wave as _Wave  # noqa: E402


def survey_token_hash(token: str) -> str:
    """What the database keeps of a link's token: its sha256, never the token itself."""
    return _hashlib.sha256(token.encode()).hexdigest()


def _token_pair() -> tuple[str, str]:
    token = _secrets.token_urlsafe(32)
    return token, survey_token_hash(token)


def _wave_check(
    *,
    programme: _Programme,
    questionnaire: _Questionnaire,
    opens_on: _datetime.date,
    closes_on: _datetime.date,
    communities,
) -> None:
    from . import selectors

    errors: dict[str, list[str]] = {}
    if questionnaire.programme_id != programme.pk:
        errors["questionnaire"] = [
            _gettext("Kies een vragenlijst van dit programma (kopieer een sjabloon eerst).")
        ]
    else:
        problems = selectors.questionnaire_problems(questionnaire)
        if problems:
            errors["questionnaire"] = [
                _gettext("Deze vragenlijst kan nog niet worden verstuurd:"),
                *problems,
            ]
    if opens_on and closes_on and closes_on < opens_on:
        errors["closes_on"] = [_gettext("De sluitingsdatum ligt vóór de openingsdatum.")]
    if any(c.programme_id != programme.pk for c in communities):
        errors["communities"] = [_gettext("Kies alleen gemeenschappen van dit programma.")]
    if errors:
        raise _ValidationError(errors)


@_transaction.atomic
def wave_create(
    *,
    programme: _Programme,
    questionnaire: _Questionnaire,
    title: str,
    opens_on: _datetime.date,
    closes_on: _datetime.date,
    communities=(),
    emails: list[str] = (),
    reminder_every_days: int | None = None,
    by,
) -> _Wave:
    communities = list(communities)
    _wave_check(
        programme=programme,
        questionnaire=questionnaire,
        opens_on=opens_on,
        closes_on=closes_on,
        communities=communities,
    )
    wave = _Wave(
        programme=programme,
        questionnaire=questionnaire,
        title=title,
        opens_on=opens_on,
        closes_on=closes_on,
        reminder_every_days=reminder_every_days,
        created_by=by if getattr(by, "is_authenticated", False) else None,
    )
    wave.full_clean()
    wave.save()
    wave.communities.set(communities)
    added = wave_addresses_add(wave=wave, emails=emails, by=by) if emails else 0
    _audit(actor=by, verb="wave.create", obj=wave, title=title, addresses=added)
    return wave


@_transaction.atomic
def wave_update(
    *,
    wave: _Wave,
    questionnaire: _Questionnaire,
    title: str,
    opens_on: _datetime.date,
    closes_on: _datetime.date,
    communities=(),
    reminder_every_days: int | None = None,
    by,
) -> _Wave:
    """Change a wave. Its questionnaire is fixed once anyone answered: the answers belong to
    the questions they were given to."""
    communities = list(communities)
    if questionnaire.pk != wave.questionnaire_id and wave.responses.exists():
        raise _ValidationError(
            {
                "questionnaire": _gettext(
                    "Er zijn al antwoorden gegeven; de vragenlijst van deze meetronde kan niet "
                    "meer veranderen."
                )
            }
        )
    _wave_check(
        programme=wave.programme,
        questionnaire=questionnaire,
        opens_on=opens_on,
        closes_on=closes_on,
        communities=communities,
    )
    wave.questionnaire = questionnaire
    wave.title = title
    wave.opens_on = opens_on
    wave.closes_on = closes_on
    wave.reminder_every_days = reminder_every_days
    wave.full_clean()
    wave.save()
    wave.communities.set(communities)
    _audit(actor=by, verb="wave.update", obj=wave, title=title)
    return wave


def wave_addresses_add(*, wave: _Wave, emails: list[str], by) -> int:
    """Invite stakeholders by address (no community). Addresses already invited are merged;
    returns how many are new. The placeholder token hash is of a token nobody knows: the
    invitation gets a working link only when it is sent."""
    existing = set(wave.invitations.values_list("email", flat=True))
    new = []
    for email in dict.fromkeys(e.strip().lower() for e in emails if e.strip()):
        if email in existing:
            continue
        new.append(_Invitation(wave=wave, email=email, token_hash=_token_pair()[1]))
    with _transaction.atomic():
        _Invitation.objects.bulk_create(new)
        if new:
            _audit(actor=by, verb="wave.addresses_add", obj=wave, count=len(new))
    return len(new)


def _wave_members_invite(wave: _Wave) -> int:
    """Add an invitation for every active member (with an e-mail address) of the wave's
    communities not yet invited. Someone in two of the chosen communities gets one
    invitation without a community: the form then asks which one they answer for."""
    memberships = (
        _Membership.objects.active()
        .filter(community__in=wave.communities.all(), person__email__isnull=False)
        .exclude(person__email="")
        .select_related("person")
        .order_by("pk")
    )
    people: dict[int, tuple] = {}
    for membership in memberships:
        person = membership.person
        if person.pk in people and people[person.pk][1] != membership.community_id:
            people[person.pk] = (person, None)
        else:
            people.setdefault(person.pk, (person, membership.community_id))
    existing = set(wave.invitations.values_list("email", flat=True))
    new = []
    for person, community_id in people.values():
        email = person.email.strip().lower()
        if email in existing:
            continue
        existing.add(email)
        new.append(
            _Invitation(
                wave=wave,
                person=person,
                email=email,
                community_id=community_id,
                token_hash=_token_pair()[1],
            )
        )
    _Invitation.objects.bulk_create(new)
    return len(new)


def _survey_email(*, invitation: _Invitation, token: str, reminder: bool):
    wave = invitation.wave
    context = {
        "wave": wave,
        "questionnaire": wave.questionnaire,
        "programme": wave.programme,
        "person": invitation.person,
        "community": invitation.community,
        "url": _settings.SITE_URL + _reverse("surveys:respond", args=[token]),
        "reminder": reminder,
    }
    if reminder:
        subject = _gettext("Herinnering: vragenlijst %(title)s") % {"title": wave.title}
    else:
        subject = _gettext("Vragenlijst %(title)s: wil je meedoen?") % {"title": wave.title}
    return _email_build(
        template="surveys/email/invitation", context=context, subject=subject, to=[invitation.email]
    )


def _wave_must_be_open(wave: _Wave) -> None:
    if _timezone.localdate() > wave.closes_on:
        raise _ValidationError(_gettext("Deze meetronde is gesloten; er gaat niets meer uit."))


@_transaction.atomic
def wave_invitations_send(*, wave: _Wave, by) -> int:
    """Invite every member of the chosen communities and every address on the list who has
    not had an invitation yet. Sending again reaches only the new ones."""
    _wave_must_be_open(wave)
    _wave_members_invite(wave)
    now = _timezone.now()
    messages = []
    pending = (
        _Invitation.objects.select_for_update(of=("self",))
        .filter(wave=wave, sent_at__isnull=True)
        .select_related("person", "community", "wave__questionnaire", "wave__programme")
    )
    for invitation in pending:
        token, invitation.token_hash = _token_pair()
        invitation.sent_at = now
        messages.append(_survey_email(invitation=invitation, token=token, reminder=False))
        invitation.save(update_fields=["token_hash", "sent_at"])
    if messages:
        _audit(actor=by, verb="wave.invitations_send", obj=wave, count=len(messages))
    _emails_send_on_commit(messages)
    return len(messages)


def _remind(wave: _Wave, invitations, *, by, now) -> int:
    messages = []
    for invitation in invitations:
        token, invitation.token_hash = _token_pair()
        invitation.reminded_at = now
        invitation.reminder_count += 1
        messages.append(_survey_email(invitation=invitation, token=token, reminder=True))
        invitation.save(update_fields=["token_hash", "reminded_at", "reminder_count"])
    if messages:
        _audit(actor=by, verb="wave.reminders_send", obj=wave, count=len(messages))
    _emails_send_on_commit(messages)
    return len(messages)


def _unanswered(wave: _Wave):
    return (
        _Invitation.objects.select_for_update(of=("self",))
        .filter(wave=wave, answered=False, sent_at__isnull=False)
        .select_related("person", "community", "wave__questionnaire", "wave__programme")
    )


@_transaction.atomic
def wave_reminders_send(*, wave: _Wave, by) -> int:
    """Remind, on the evaluator's request, everyone invited who has not answered yet. Never
    once the wave has closed, and not before it opens."""
    _wave_must_be_open(wave)
    if _timezone.localdate() < wave.opens_on:
        raise _ValidationError(_gettext("Deze meetronde is nog niet open."))
    return _remind(wave, _unanswered(wave), by=by, now=_timezone.now())


def survey_reminders_send_due(*, today: _datetime.date | None = None) -> int:
    """The scheduled reminders (`send_survey_reminders`, daily): for every open wave with
    `reminder_every_days`, remind non-answerers whose last e-mail is at least that old."""
    today = today or _timezone.localdate()
    now = _timezone.now()
    sent = 0
    waves = _Wave.objects.filter(
        reminder_every_days__gt=0, opens_on__lte=today, closes_on__gte=today
    ).select_related("questionnaire", "programme")
    for wave in waves:
        cutoff = now - _datetime.timedelta(days=wave.reminder_every_days)
        with _transaction.atomic():
            due = [
                invitation
                for invitation in _unanswered(wave)
                if (invitation.reminded_at or invitation.sent_at) <= cutoff
            ]
            sent += _remind(wave, due, by=None, now=now)
    return sent


@_transaction.atomic
def wave_open_link_enable(*, wave: _Wave, by) -> str:
    """A new open link for the whole wave (any earlier open link stops working). The token is
    returned once to show; only its hash is kept."""
    token, wave.open_link_token_hash = _token_pair()
    wave.save(update_fields=["open_link_token_hash"])
    _audit(actor=by, verb="wave.open_link_enable", obj=wave)
    return token


@_transaction.atomic
def wave_open_link_disable(*, wave: _Wave, by) -> None:
    wave.open_link_token_hash = ""
    wave.save(update_fields=["open_link_token_hash"])
    _audit(actor=by, verb="wave.open_link_disable", obj=wave)


class SurveyLinkError(Exception):
    """Why a respondent's link does not open the form; `reason` picks the friendly page."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@_dataclass(frozen=True)
class AnswerData:
    """One answer row as the respondent's form produces it (no person, no time)."""

    question_id: int
    option_id: int | None = None
    statement_id: int | None = None
    community_id: int | None = None
    scale_value: int | None = None
    text: str = ""


def _store(*, wave: _Wave, community_id: int | None, answers: list[AnswerData]) -> _Response:
    response = _Response.objects.create(wave=wave, community_id=community_id)
    _Answer.objects.bulk_create(
        [
            _Answer(
                response=response,
                question_id=a.question_id,
                option_id=a.option_id,
                statement_id=a.statement_id,
                community_id=a.community_id,
                scale_value=a.scale_value,
                text=a.text,
            )
            for a in answers
        ]
    )
    return response


def wave_answering_state(wave: _Wave) -> str:
    """Why answering is not possible now: "not_open", "closed", or "" when it is."""
    today = _timezone.localdate()
    if today < wave.opens_on:
        return "not_open"
    if today > wave.closes_on:
        return "closed"
    return ""


@_transaction.atomic
def response_submit(
    *, token: str, community_id: int | None, answers: list[AnswerData]
) -> _Response:
    """Store an invited respondent's answers and mark their invitation answered, in one
    transaction. The invitation row is locked first, so of two simultaneous submits one
    stores and the other finds it answered. The response keeps the community, not the
    invitation."""
    invitation = (
        _Invitation.objects.select_for_update(of=("self",))
        .select_related("wave")
        .filter(token_hash=survey_token_hash(token), sent_at__isnull=False)
        .first()
    )
    if invitation is None:
        raise SurveyLinkError("unknown")
    if invitation.answered:
        raise SurveyLinkError("answered")
    state = wave_answering_state(invitation.wave)
    if state:
        raise SurveyLinkError(state)
    response = _store(
        wave=invitation.wave,
        community_id=invitation.community_id or community_id,
        answers=answers,
    )
    invitation.answered = True
    invitation.save(update_fields=["answered"])
    return response


@_transaction.atomic
def response_submit_open(
    *, wave: _Wave, community_id: int | None, answers: list[AnswerData]
) -> _Response:
    """Store answers given through the wave's open link (no invitation to mark)."""
    wave = _Wave.objects.select_for_update().get(pk=wave.pk)
    if not wave.open_link_token_hash:
        raise SurveyLinkError("unknown")
    state = wave_answering_state(wave)
    if state:
        raise SurveyLinkError(state)
    return _store(wave=wave, community_id=community_id, answers=answers)


# --- Results and exports ----------------------------------------------------------------
# Reading results changes nothing; an export does take the answers out of the system, so who
# exported which wave, in which format, is kept in the audit history.

from leerkring.core.audit import audit as _s3_audit  # noqa: E402

from .models import Wave as _s3_Wave  # noqa: E402


def wave_export_record(
    *, wave: _s3_Wave, by, export_format: str, community_id: int | None = None
) -> None:
    """Write the audit event of one export (csv, xlsx or codebook)."""
    _s3_audit(
        actor=by,
        verb="wave.exported",
        obj=wave,
        format=export_format,
        community=community_id,
    )
