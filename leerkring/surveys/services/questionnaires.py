"""Questionnaires and the thermometer template: questionnaires, sections, questions, options
and statements, and versions.

Versioning rule (DESIGN.md "a form is versioned data"): once any wave of a questionnaire has
a response it is *locked*. Then only wording that does not change what was asked may still
be edited — the questionnaire's title and introduction, a section's title and introduction,
and a question's help text. Everything else (questions or options added, removed, moved or
reworded, a kind, code, "required" or "at most N" changed) would make earlier answers mean
something else, so it is refused with an explanation and goes into a new version, which
keeps the codes so results of its waves line up with the earlier ones."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from leerkring.communities.models import Programme
from leerkring.core.audit import audit
from leerkring.surveys import selectors
from leerkring.surveys.models import Option, Question, Questionnaire, Section, Statement

_CHOICE_KINDS = (Question.Kind.SINGLE, Question.Kind.MULTIPLE)
_PICK_KINDS = (Question.Kind.MULTIPLE, Question.Kind.PICK_FROM)
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


def _locked_error() -> ValidationError:
    return ValidationError(
        _(
            "Deze vragenlijst is al ingevuld in een meetronde. Deze wijziging zou de antwoorden "
            "van die meetronde onvergelijkbaar maken. Maak een nieuwe versie om dit te wijzigen."
        ),
        code="locked",
    )


def _refuse_if_locked(questionnaire: Questionnaire) -> None:
    if selectors.questionnaire_is_locked(questionnaire):
        raise _locked_error()


def _lock(questionnaire: Questionnaire) -> Questionnaire:
    """Row lock on the questionnaire, so concurrent edits renumber positions one at a time."""
    return Questionnaire.objects.select_for_update().get(pk=questionnaire.pk)


def _renumber_questions(questionnaire: Questionnaire) -> None:
    """Question positions run 0..n-1 in the order respondents see them: questions without a
    section first, then section by section. "Earlier question" means a lower position."""
    section_order = {
        pk: index
        for index, pk in enumerate(
            Section.objects.filter(questionnaire=questionnaire)
            .order_by("position", "pk")
            .values_list("pk", flat=True)
        )
    }
    questions = list(Question.objects.filter(questionnaire=questionnaire))
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
    Question.objects.bulk_update(changed, ["position"])


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


@transaction.atomic
def questionnaire_create(
    *, programme: Programme, by: Any, title: str, intro: str = ""
) -> Questionnaire:
    questionnaire = Questionnaire(programme=programme, title=title, intro=intro, created_by=by)
    questionnaire.full_clean()
    questionnaire.save()
    audit(actor=by, verb="questionnaire.created", obj=questionnaire)
    return questionnaire


@transaction.atomic
def questionnaire_update(
    *, questionnaire: Questionnaire, by: Any, title: str, intro: str
) -> Questionnaire:
    """Title and introduction change nothing about what was asked: allowed when locked."""
    if questionnaire.programme_id is None:
        raise ValidationError(_("Een ingebouwd sjabloon kan niet worden gewijzigd."))
    questionnaire.title = title
    questionnaire.intro = intro
    questionnaire.full_clean()
    questionnaire.save(update_fields=["title", "intro"])
    audit(actor=by, verb="questionnaire.updated", obj=questionnaire)
    return questionnaire


def _copy_content(source: Questionnaire, target: Questionnaire) -> None:
    """Copy sections, questions (with their pipes), options and statements, codes kept."""
    sections = {}
    for section in source.sections.order_by("position", "pk"):
        sections[section.pk] = Section.objects.create(
            questionnaire=target,
            position=section.position,
            title=section.title,
            intro=section.intro,
        )
    questions = {}
    for question in source.questions.order_by("position", "pk"):
        questions[question.pk] = Question.objects.create(
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
    Option.objects.bulk_create(
        Option(
            question=questions[o.question_id],
            position=o.position,
            code=o.code,
            label=o.label,
            is_other=o.is_other,
        )
        for o in Option.objects.filter(question__questionnaire=source).order_by("position", "pk")
    )
    Statement.objects.bulk_create(
        Statement(question=questions[s.question_id], position=s.position, code=s.code, text=s.text)
        for s in Statement.objects.filter(question__questionnaire=source).order_by("position", "pk")
    )


@transaction.atomic
def questionnaire_copy(
    *, questionnaire: Questionnaire, programme: Programme, by: Any
) -> Questionnaire:
    """Copy a built-in template (or a questionnaire of the same programme) into a programme
    as its own questionnaire, version 1, everything included."""
    if questionnaire.programme_id not in (None, programme.pk):
        raise ValidationError(
            _("Je kunt alleen sjablonen en vragenlijsten van dit programma kopiëren.")
        )
    title = questionnaire.title
    if questionnaire.programme_id is not None:
        title = _("Kopie van %(title)s") % {"title": title}
    copy = Questionnaire.objects.create(
        programme=programme,
        title=title[:200],
        intro=questionnaire.intro,
        version=1,
        copied_from=questionnaire,
        created_by=by,
    )
    _copy_content(questionnaire, copy)
    audit(actor=by, verb="questionnaire.copied", obj=copy, source=questionnaire.pk)
    return copy


@transaction.atomic
def questionnaire_new_version(*, questionnaire: Questionnaire, by: Any) -> Questionnaire:
    """Version + 1 of the same questionnaire, codes kept so waves of both versions compare.
    Starts from the newest version, so two clicks do not fork the history."""
    if questionnaire.programme_id is None:
        raise ValidationError(_("Kopieer een sjabloon eerst naar een programma."))
    newest = (
        Questionnaire.objects.select_for_update()
        .filter(programme_id=questionnaire.programme_id, previous_version=questionnaire)
        .order_by("-version")
        .first()
    )
    if newest is not None:
        raise ValidationError(
            _("Er is al een nieuwere versie: versie %(version)s.") % {"version": newest.version}
        )
    copy = Questionnaire.objects.create(
        programme_id=questionnaire.programme_id,
        title=questionnaire.title,
        intro=questionnaire.intro,
        version=questionnaire.version + 1,
        previous_version=questionnaire,
        copied_from=questionnaire.copied_from,
        created_by=by,
    )
    _copy_content(questionnaire, copy)
    audit(actor=by, verb="questionnaire.new_version", obj=copy, previous=questionnaire.pk)
    return copy


# Sections ---------------------------------------------------------------------------------


@transaction.atomic
def section_add(*, questionnaire: Questionnaire, by: Any, title: str, intro: str = "") -> Section:
    questionnaire = _lock(questionnaire)
    _refuse_if_locked(questionnaire)
    last = questionnaire.sections.aggregate(last=Max("position"))["last"]
    section = Section(
        questionnaire=questionnaire,
        position=0 if last is None else last + 1,
        title=title,
        intro=intro,
    )
    section.full_clean()
    section.save()
    audit(actor=by, verb="section.added", obj=section)
    return section


@transaction.atomic
def section_update(*, section: Section, by: Any, title: str, intro: str) -> Section:
    """A section's title and introduction are wording only: allowed when locked."""
    section.title = title
    section.intro = intro
    section.full_clean()
    section.save(update_fields=["title", "intro"])
    audit(actor=by, verb="section.updated", obj=section)
    return section


@transaction.atomic
def section_move(*, section: Section, by: Any, direction: str) -> None:
    questionnaire = _lock(section.questionnaire)
    _refuse_if_locked(questionnaire)
    sections = list(Section.objects.filter(questionnaire=questionnaire).order_by("position", "pk"))
    _save_positions(Section, _swap(sections, section, direction))
    _renumber_questions(questionnaire)
    _check_pipes(questionnaire)
    audit(actor=by, verb="section.moved", obj=section, direction=direction)


@transaction.atomic
def section_delete(*, section: Section, by: Any) -> None:
    """Its questions stay, at the top of the questionnaire without a section."""
    questionnaire = _lock(section.questionnaire)
    _refuse_if_locked(questionnaire)
    audit(actor=by, verb="section.deleted", obj=section, title=section.title)
    section.delete()
    _renumber_questions(questionnaire)
    _check_pipes(questionnaire)


# Questions --------------------------------------------------------------------------------


def _check_pipes(questionnaire: Questionnaire) -> None:
    """Every "pick from an earlier question" still comes after its source."""
    for question in Question.objects.filter(
        questionnaire=questionnaire, source_question__isnull=False
    ).select_related("source_question"):
        if question.source_question.position >= question.position:
            raise ValidationError(
                _(
                    "Vraag %(code)s kiest uit de antwoorden op vraag %(source)s en moet daarom "
                    "na die vraag komen."
                )
                % {"code": question.code, "source": question.source_question.code}
            )


def _validate_question(question: Question) -> None:
    errors: dict[str, list[str]] = {}
    code = (question.code or "").strip()
    question.code = code
    if not code:
        errors.setdefault("code", []).append(_("Geef de vraag een code, zoals V4."))
    elif (
        Question.objects.filter(questionnaire_id=question.questionnaire_id, code=code)
        .exclude(pk=question.pk)
        .exists()
    ):
        errors.setdefault("code", []).append(
            _("De code %(code)s is al in gebruik in deze vragenlijst.") % {"code": code}
        )
    if question.section_id and question.section.questionnaire_id != question.questionnaire_id:
        errors.setdefault("section", []).append(_("Kies een onderdeel van deze vragenlijst."))
    if question.kind in _PICK_KINDS:
        if question.max_picks is not None and question.max_picks < 1:
            errors.setdefault("max_picks", []).append(
                _("Het maximale aantal keuzes moet minstens 1 zijn.")
            )
    else:
        question.max_picks = None
    if question.kind not in _CHOICE_KINDS:
        question.allow_other = False
    if question.kind == Question.Kind.PICK_FROM:
        source = question.source_question
        if source is None:
            errors.setdefault("source_question", []).append(
                _("Kies de eerdere vraag waaruit de deelnemer kiest.")
            )
        elif source.questionnaire_id != question.questionnaire_id or source.pk == question.pk:
            errors.setdefault("source_question", []).append(
                _("Kies een eerdere vraag van deze vragenlijst.")
            )
        elif source.kind != Question.Kind.MULTIPLE:
            errors.setdefault("source_question", []).append(
                _("Kies een vraag met meerdere antwoorden.")
            )
    else:
        question.source_question = None
    if question.pk and question.kind != Question.Kind.MULTIPLE:
        piped = Question.objects.filter(source_question=question).first()
        if piped is not None:
            errors.setdefault("kind", []).append(
                _(
                    "Vraag %(code)s kiest uit de antwoorden op deze vraag; deze vraag moet "
                    "daarom meerdere antwoorden houden."
                )
                % {"code": piped.code}
            )
    if errors:
        raise ValidationError(errors)
    question.full_clean(exclude=["position"])


def _source_is_earlier(question: Question) -> None:
    if question.source_question_id and question.source_question.position >= question.position:
        raise ValidationError(
            {
                "source_question": _(
                    "Kies een vraag die eerder in de vragenlijst staat dan deze vraag."
                )
            }
        )


def _sync_other_option(question: Question) -> None:
    """The "anders, namelijk…" choice is an option like the others (so it is counted and
    exported), kept last and made or removed together with the `allow_other` switch."""
    other = question.options.filter(is_other=True).first()
    if question.allow_other and other is None:
        last = question.options.aggregate(last=Max("position"))["last"]
        Option.objects.create(
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
    if question.kind != Question.Kind.MATRIX:
        question.statements.all().delete()


@transaction.atomic
def question_add(*, questionnaire: Questionnaire, by: Any, **fields: Any) -> Question:
    """Add a question at the end of its section (or of the questionnaire)."""
    questionnaire = _lock(questionnaire)
    _refuse_if_locked(questionnaire)
    question = Question(questionnaire=questionnaire, position=32000)
    for name in QUESTION_FIELDS:
        if name in fields:
            setattr(question, name, fields[name])
    _validate_question(question)
    question.save()
    _renumber_questions(questionnaire)
    question.refresh_from_db()
    _source_is_earlier(question)
    _sync_other_option(question)
    audit(actor=by, verb="question.added", obj=question, code=question.code)
    return question


SAFE_WHEN_LOCKED = frozenset({"help_text"})


@transaction.atomic
def question_update(*, question: Question, by: Any, **fields: Any) -> Question:
    questionnaire = _lock(question.questionnaire)
    question = Question.objects.select_related("source_question", "section").get(pk=question.pk)
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
    audit(actor=by, verb="question.updated", obj=question, fields=sorted(changed))
    return question


@transaction.atomic
def question_move(*, question: Question, by: Any, direction: str) -> None:
    """One place up or down within its section; a move that would put a piped question
    before its source is refused."""
    questionnaire = _lock(question.questionnaire)
    _refuse_if_locked(questionnaire)
    siblings = list(
        Question.objects.filter(
            questionnaire=questionnaire, section_id=question.section_id
        ).order_by("position", "pk")
    )
    _save_positions(Question, _swap(siblings, question, direction))
    _renumber_questions(questionnaire)
    _check_pipes(questionnaire)
    audit(actor=by, verb="question.moved", obj=question, direction=direction)


@transaction.atomic
def question_delete(*, question: Question, by: Any) -> None:
    questionnaire = _lock(question.questionnaire)
    _refuse_if_locked(questionnaire)
    piped = Question.objects.filter(source_question=question).first()
    if piped is not None:
        raise ValidationError(
            _("Vraag %(code)s kiest uit de antwoorden op deze vraag. Pas die vraag eerst aan.")
            % {"code": piped.code}
        )
    audit(actor=by, verb="question.deleted", obj=question, code=question.code)
    question.delete()
    _renumber_questions(questionnaire)


# Options and statements ------------------------------------------------------------------


def _next_option_code(question: Question) -> str:
    numbers = [int(c) for c in question.options.values_list("code", flat=True) if c.isdigit()]
    return str(max(numbers, default=0) + 1)


def _validate_code(model, question: Question, item, code: str) -> None:
    if model.objects.filter(question=question, code=code).exclude(pk=item.pk).exists():
        raise ValidationError(
            {"code": _("De code %(code)s is al in gebruik bij deze vraag.") % {"code": code}}
        )


@transaction.atomic
def option_add(*, question: Question, by: Any, label: str, code: str = "") -> Option:
    """A new option goes last, before "anders, namelijk…"."""
    _lock(question.questionnaire)
    _refuse_if_locked(question.questionnaire)
    if question.kind not in _CHOICE_KINDS:
        raise ValidationError(_("Bij deze soort vraag horen geen eigen antwoorden."))
    options = list(question.options.order_by("position", "pk"))
    option = Option(
        question=question, label=label, code=code.strip() or _next_option_code(question)
    )
    _validate_code(Option, question, option, option.code)
    option.full_clean(exclude=["position"])
    option.save()
    others = [o for o in options if o.is_other]
    _save_positions(Option, [o for o in options if not o.is_other] + [option] + others)
    audit(actor=by, verb="option.added", obj=option)
    return option


@transaction.atomic
def option_update(*, option: Option, by: Any, label: str, code: str = "") -> Option:
    question = option.question
    _lock(question.questionnaire)
    code = code.strip() or option.code
    if (label, code) != (option.label, option.code):
        _refuse_if_locked(question.questionnaire)
    option.label = label
    option.code = code
    _validate_code(Option, question, option, code)
    option.full_clean()
    option.save(update_fields=["label", "code"])
    audit(actor=by, verb="option.updated", obj=option)
    return option


@transaction.atomic
def option_move(*, option: Option, by: Any, direction: str) -> None:
    _lock(option.question.questionnaire)
    _refuse_if_locked(option.question.questionnaire)
    options = list(Option.objects.filter(question_id=option.question_id).order_by("position", "pk"))
    _save_positions(Option, _swap(options, option, direction))
    audit(actor=by, verb="option.moved", obj=option, direction=direction)


@transaction.atomic
def option_delete(*, option: Option, by: Any) -> None:
    question = option.question
    _lock(question.questionnaire)
    _refuse_if_locked(question.questionnaire)
    audit(actor=by, verb="option.deleted", obj=option, label=option.label)
    option.delete()
    if option.is_other and question.allow_other:
        question.allow_other = False
        question.save(update_fields=["allow_other"])


@transaction.atomic
def statement_add(*, question: Question, by: Any, text: str, code: str = "") -> Statement:
    _lock(question.questionnaire)
    _refuse_if_locked(question.questionnaire)
    if question.kind != Question.Kind.MATRIX:
        raise ValidationError(_("Alleen een vraag met stellingen heeft stellingen."))
    last = question.statements.aggregate(last=Max("position"))["last"]
    if not code.strip():
        numbers = [
            int(c[1:])
            for c in question.statements.values_list("code", flat=True)
            if c[:1] == "S" and c[1:].isdigit()
        ]
        code = f"S{max(numbers, default=0) + 1}"
    statement = Statement(
        question=question, position=0 if last is None else last + 1, text=text, code=code.strip()
    )
    _validate_code(Statement, question, statement, statement.code)
    statement.full_clean()
    statement.save()
    audit(actor=by, verb="statement.added", obj=statement)
    return statement


@transaction.atomic
def statement_update(*, statement: Statement, by: Any, text: str, code: str = "") -> Statement:
    question = statement.question
    _lock(question.questionnaire)
    code = code.strip() or statement.code
    if (text, code) != (statement.text, statement.code):
        _refuse_if_locked(question.questionnaire)
    statement.text = text
    statement.code = code
    _validate_code(Statement, question, statement, code)
    statement.full_clean()
    statement.save(update_fields=["text", "code"])
    audit(actor=by, verb="statement.updated", obj=statement)
    return statement


@transaction.atomic
def statement_move(*, statement: Statement, by: Any, direction: str) -> None:
    _lock(statement.question.questionnaire)
    _refuse_if_locked(statement.question.questionnaire)
    items = list(
        Statement.objects.filter(question_id=statement.question_id).order_by("position", "pk")
    )
    _save_positions(Statement, _swap(items, statement, direction))
    audit(actor=by, verb="statement.moved", obj=statement, direction=direction)


@transaction.atomic
def statement_delete(*, statement: Statement, by: Any) -> None:
    _lock(statement.question.questionnaire)
    _refuse_if_locked(statement.question.questionnaire)
    audit(actor=by, verb="statement.deleted", obj=statement, text=statement.text)
    statement.delete()
