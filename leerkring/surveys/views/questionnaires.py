"""The survey index, the questionnaire builder, copying the thermometer template, new versions
and the preview.

Evaluators build; coordinators of the programme look along read-only (DESIGN.md §1). Every
change is a plain form post that returns to the builder, so it works without JavaScript.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from leerkring.communities.models import Programme
from leerkring.communities.permissions import EVALUATOR, access_for
from leerkring.core.id_lists import as_key

from .. import permissions, selectors, services
from ..forms_questionnaires import (
    OptionForm,
    QuestionForm,
    QuestionnaireForm,
    SectionForm,
    StatementForm,
)
from ..models import Option, Question, Questionnaire, Section, Statement


def _programme(request: HttpRequest, slug: str, *, manage: bool = False) -> Programme:
    programme = get_object_or_404(Programme, slug=slug)
    allowed = (
        permissions.can_manage_surveys(request.user, programme)
        if manage
        else permissions.can_view_surveys(request.user, programme)
    )
    if not allowed:
        raise PermissionDenied
    return programme


def _questionnaire(request: HttpRequest, pk: int, *, edit: bool = False) -> Questionnaire:
    questionnaire = get_object_or_404(selectors.questionnaire_with_content(), pk=pk)
    if edit:
        allowed = permissions.can_edit_questionnaire(request.user, questionnaire)
    else:
        allowed = permissions.can_view_questionnaire(request.user, questionnaire)
    if not allowed:
        raise PermissionDenied
    return questionnaire


def _back(questionnaire: Questionnaire, anchor: str = "") -> HttpResponse:
    return redirect(reverse("surveys:questionnaire", args=[questionnaire.pk]) + anchor)


def _refused(request: HttpRequest, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


def _direction(request: HttpRequest) -> str | None:
    """The "up"/"down" of a move button; anything else gets a message and None, so the
    section, question and item moves refuse a forged post the same way."""
    direction = request.POST.get("direction")
    if direction in ("up", "down"):
        return direction
    messages.error(request, _("Kies omhoog of omlaag."))
    return None


# Index --------------------------------------------------------------------------------------


@login_required
def survey_index(request: HttpRequest, slug: str) -> HttpResponse:
    programme = _programme(request, slug)
    waves = list(selectors.programme_waves(programme))
    return render(
        request,
        "surveys/index.html",
        {
            "programme": programme,
            "questionnaires": selectors.questionnaires_for_programme(programme),
            "templates": selectors.questionnaire_templates(),
            "waves": waves,
            "can_manage": permissions.can_manage_surveys(request.user, programme),
            "nav_section": "programmes",
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def questionnaire_create(request: HttpRequest, slug: str) -> HttpResponse:
    programme = _programme(request, slug, manage=True)
    form = QuestionnaireForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            questionnaire = services.questionnaire_create(
                programme=programme, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("De vragenlijst is aangemaakt. Voeg nu vragen toe."))
            return _back(questionnaire)
    return render(
        request,
        "surveys/questionnaire_create.html",
        {"programme": programme, "form": form, "nav_section": "programmes"},
    )


@login_required
@require_POST
def questionnaire_copy(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Copy ("Kopiëren naar dit programma") a built-in template, or one of the programme's own."""
    programme = _programme(request, slug, manage=True)
    source = get_object_or_404(Questionnaire, pk=pk)
    if source.programme_id not in (None, programme.pk) or not permissions.can_view_questionnaire(
        request.user, source
    ):
        raise Http404
    copy = services.questionnaire_copy(questionnaire=source, programme=programme, by=request.user)
    messages.success(
        request,
        _("“%(title)s” staat nu in %(programme)s. Pas de vragen aan waar nodig.")
        % {"title": copy.title, "programme": programme.name},
    )
    return _back(copy)


# Builder ------------------------------------------------------------------------------------


def _render_builder(
    request: HttpRequest,
    questionnaire: Questionnaire,
    *,
    questionnaire_form: QuestionnaireForm | None = None,
    section_form: SectionForm | None = None,
    status: int = 200,
) -> HttpResponse:
    can_edit = permissions.can_edit_questionnaire(request.user, questionnaire)
    locked = selectors.questionnaire_is_locked(questionnaire)
    copy_to: list[Programme] = []
    if questionnaire.programme_id is None:
        ids = access_for(request.user).programmes_with(EVALUATOR)
        copy_to = list(Programme.objects.filter(pk__in=ids).order_by("name")) if ids else []
    return render(
        request,
        "surveys/questionnaire_builder.html",
        {
            "questionnaire": questionnaire,
            "programme": questionnaire.programme,
            "sections": selectors.questionnaire_form(questionnaire=questionnaire),
            "can_edit": can_edit,
            "locked": locked,
            "problems": selectors.questionnaire_problems(questionnaire) if can_edit else [],
            "copy_to": copy_to,
            "questionnaire_form": questionnaire_form
            or QuestionnaireForm(
                initial={"title": questionnaire.title, "intro": questionnaire.intro}
            ),
            "section_form": section_form or SectionForm(),
            "nav_section": "programmes",
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def questionnaire_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The builder (read-only for coordinators and for built-in templates); a POST saves the
    title and introduction."""
    if request.method != "POST":
        return _render_builder(request, _questionnaire(request, pk))
    questionnaire = _questionnaire(request, pk, edit=True)
    form = QuestionnaireForm(request.POST)
    if form.is_valid():
        try:
            services.questionnaire_update(
                questionnaire=questionnaire, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("De titel en inleiding zijn opgeslagen."))
            return _back(questionnaire)
    return _render_builder(request, questionnaire, questionnaire_form=form)


@login_required
def questionnaire_preview(request: HttpRequest, pk: int) -> HttpResponse:
    questionnaire = _questionnaire(request, pk)
    return render(
        request,
        "surveys/questionnaire_preview.html",
        {
            "questionnaire": questionnaire,
            "programme": questionnaire.programme,
            "sections": selectors.questionnaire_form(questionnaire=questionnaire),
            "nav_section": "programmes",
        },
    )


@login_required
@require_POST
def questionnaire_new_version(request: HttpRequest, pk: int) -> HttpResponse:
    questionnaire = _questionnaire(request, pk, edit=True)
    try:
        new = services.questionnaire_new_version(questionnaire=questionnaire, by=request.user)
    except ValidationError as error:
        _refused(request, error)
        return _back(questionnaire)
    messages.success(
        request,
        _("Versie %(version)s is gemaakt. Wijzigingen maak je in deze nieuwe versie.")
        % {"version": new.version},
    )
    return _back(new)


# Sections -----------------------------------------------------------------------------------


def _section_of(questionnaire: Questionnaire, section_pk: int) -> Section:
    section = get_object_or_404(Section, pk=section_pk, questionnaire=questionnaire)
    section.questionnaire = questionnaire
    return section


@login_required
@require_POST
def section_add(request: HttpRequest, pk: int) -> HttpResponse:
    questionnaire = _questionnaire(request, pk, edit=True)
    form = SectionForm(request.POST)
    if form.is_valid():
        try:
            section = services.section_add(
                questionnaire=questionnaire, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("Het onderdeel is toegevoegd."))
            return _back(questionnaire, f"#section-{section.pk}")
    return _render_builder(request, questionnaire, section_form=form)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def section_edit(request: HttpRequest, pk: int, section_pk: int) -> HttpResponse:
    questionnaire = _questionnaire(request, pk, edit=True)
    section = _section_of(questionnaire, section_pk)
    form = SectionForm(
        request.POST or None, initial={"title": section.title, "intro": section.intro}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.section_update(section=section, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("Het onderdeel is opgeslagen."))
            return _back(questionnaire, f"#section-{section.pk}")
    return render(
        request,
        "surveys/questionnaire_section_form.html",
        {
            "questionnaire": questionnaire,
            "programme": questionnaire.programme,
            "section": section,
            "form": form,
            "nav_section": "programmes",
        },
    )


@login_required
@require_POST
def section_move(request: HttpRequest, pk: int, section_pk: int) -> HttpResponse:
    questionnaire = _questionnaire(request, pk, edit=True)
    section = _section_of(questionnaire, section_pk)
    direction = _direction(request)
    if direction is None:
        return _back(questionnaire)
    try:
        services.section_move(section=section, by=request.user, direction=direction)
    except ValidationError as error:
        _refused(request, error)
    return _back(questionnaire, f"#section-move-{direction}-{section.pk}")


@login_required
@require_POST
def section_delete(request: HttpRequest, pk: int, section_pk: int) -> HttpResponse:
    questionnaire = _questionnaire(request, pk, edit=True)
    section = _section_of(questionnaire, section_pk)
    try:
        services.section_delete(section=section, by=request.user)
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(request, _("Het onderdeel is verwijderd; de vragen zijn gebleven."))
    return _back(questionnaire)


# Questions ----------------------------------------------------------------------------------


def _question_of(questionnaire: Questionnaire, question_pk: int) -> Question:
    question = get_object_or_404(
        Question.objects.select_related("source_question", "section"),
        pk=question_pk,
        questionnaire=questionnaire,
    )
    question.questionnaire = questionnaire
    return question


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def question_add(request: HttpRequest, pk: int) -> HttpResponse:
    questionnaire = _questionnaire(request, pk, edit=True)
    initial = {"code": selectors.question_code_suggest(questionnaire)}
    section_pk = as_key(request.GET.get("section"))
    if section_pk is not None:
        initial["section"] = section_pk
    form = QuestionForm(request.POST or None, initial=initial, questionnaire=questionnaire)
    if request.method == "POST" and form.is_valid():
        try:
            question = services.question_add(
                questionnaire=questionnaire, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("Vraag %(code)s is toegevoegd.") % {"code": question.code})
            if question.kind in (
                Question.Kind.SINGLE,
                Question.Kind.MULTIPLE,
                Question.Kind.MATRIX,
            ):
                # Options or statements come next, on the question's own page.
                return redirect("surveys:question_edit", questionnaire.pk, question.pk)
            return _back(questionnaire, f"#question-{question.pk}")
    return render(
        request,
        "surveys/question_form.html",
        {
            "questionnaire": questionnaire,
            "programme": questionnaire.programme,
            "form": form,
            "nav_section": "programmes",
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def question_edit(request: HttpRequest, pk: int, question_pk: int) -> HttpResponse:
    questionnaire = _questionnaire(request, pk, edit=True)
    question = _question_of(questionnaire, question_pk)
    form = QuestionForm(
        request.POST or None,
        initial=QuestionForm.initial_for(question),
        questionnaire=questionnaire,
        question=question,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.question_update(question=question, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("Vraag %(code)s is opgeslagen.") % {"code": question.code})
            return redirect("surveys:question_edit", questionnaire.pk, question.pk)
    return _render_question(request, questionnaire, question, form=form)


def _render_question(
    request: HttpRequest,
    questionnaire: Questionnaire,
    question: Question,
    *,
    form: QuestionForm | None = None,
    item_form: OptionForm | StatementForm | None = None,
) -> HttpResponse:
    part = _part_for(question)
    return render(
        request,
        "surveys/question_form.html",
        {
            "questionnaire": questionnaire,
            "programme": questionnaire.programme,
            "question": question,
            "form": form
            or QuestionForm(
                initial=QuestionForm.initial_for(question),
                questionnaire=questionnaire,
                question=question,
            ),
            "locked": selectors.questionnaire_is_locked(questionnaire),
            "part": part,
            "items": _items(question, part) if part else [],
            "item_form": item_form or (_PARTS[part]["form"]() if part else None),
            "nav_section": "programmes",
        },
    )


@login_required
@require_POST
def question_move(request: HttpRequest, pk: int, question_pk: int) -> HttpResponse:
    questionnaire = _questionnaire(request, pk, edit=True)
    question = _question_of(questionnaire, question_pk)
    direction = _direction(request)
    if direction is None:
        return _back(questionnaire)
    try:
        services.question_move(question=question, by=request.user, direction=direction)
    except ValidationError as error:
        _refused(request, error)
    return _back(questionnaire, f"#move-{direction}-{question.pk}")


@login_required
@require_POST
def question_delete(request: HttpRequest, pk: int, question_pk: int) -> HttpResponse:
    questionnaire = _questionnaire(request, pk, edit=True)
    question = _question_of(questionnaire, question_pk)
    try:
        services.question_delete(question=question, by=request.user)
    except ValidationError as error:
        _refused(request, error)
        return _back(questionnaire, f"#question-{question.pk}")
    messages.success(request, _("Vraag %(code)s is verwijderd.") % {"code": question.code})
    return _back(questionnaire)


# Options and statements ---------------------------------------------------------------------
# One set of views for both: `part` in the URL is "options" or "statements".

_PARTS = {
    "options": {
        "model": Option,
        "form": OptionForm,
        "field": "label",
        "add": services.option_add,
        "update": services.option_update,
        "move": services.option_move,
        "delete": services.option_delete,
        "arg": "option",
    },
    "statements": {
        "model": Statement,
        "form": StatementForm,
        "field": "text",
        "add": services.statement_add,
        "update": services.statement_update,
        "move": services.statement_move,
        "delete": services.statement_delete,
        "arg": "statement",
    },
}


def _part_for(question: Question) -> str | None:
    if question.kind in (Question.Kind.SINGLE, Question.Kind.MULTIPLE):
        return "options"
    if question.kind == Question.Kind.MATRIX:
        return "statements"
    return None


def _items(question: Question, part: str) -> list:
    return list(_PARTS[part]["model"].objects.filter(question=question).order_by("position", "pk"))


def _part_of(question: Question, part: str) -> dict:
    if part not in _PARTS or _part_for(question) != part:
        raise Http404
    return _PARTS[part]


def _item_of(question: Question, part: str, item_pk: int):
    item = get_object_or_404(_PARTS[part]["model"], pk=item_pk, question=question)
    item.question = question
    return item


def _back_to_question(question: Question, anchor: str = "") -> HttpResponse:
    return redirect(
        reverse("surveys:question_edit", args=[question.questionnaire_id, question.pk]) + anchor
    )


@login_required
@require_POST
def item_add(request: HttpRequest, pk: int, question_pk: int, part: str) -> HttpResponse:
    questionnaire = _questionnaire(request, pk, edit=True)
    question = _question_of(questionnaire, question_pk)
    spec = _part_of(question, part)
    form = spec["form"](request.POST)
    if form.is_valid():
        try:
            spec["add"](question=question, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("Toegevoegd."))
            return _back_to_question(question, f"#{part}-heading")
    return _render_question(request, questionnaire, question, item_form=form)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def item_edit(
    request: HttpRequest, pk: int, question_pk: int, part: str, item_pk: int
) -> HttpResponse:
    questionnaire = _questionnaire(request, pk, edit=True)
    question = _question_of(questionnaire, question_pk)
    spec = _part_of(question, part)
    item = _item_of(question, part, item_pk)
    form = spec["form"](
        request.POST or None,
        initial={spec["field"]: getattr(item, spec["field"]), "code": item.code},
    )
    if request.method == "POST" and form.is_valid():
        try:
            spec["update"](**{spec["arg"]: item}, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("Opgeslagen."))
            return _back_to_question(question, f"#{part}-heading")
    return render(
        request,
        "surveys/question_item_form.html",
        {
            "questionnaire": questionnaire,
            "programme": questionnaire.programme,
            "question": question,
            "item": item,
            "part": part,
            "form": form,
            "nav_section": "programmes",
        },
    )


@login_required
@require_POST
def item_move(
    request: HttpRequest, pk: int, question_pk: int, part: str, item_pk: int
) -> HttpResponse:
    questionnaire = _questionnaire(request, pk, edit=True)
    question = _question_of(questionnaire, question_pk)
    spec = _part_of(question, part)
    item = _item_of(question, part, item_pk)
    direction = _direction(request)
    if direction is None:
        return _back_to_question(question)
    try:
        spec["move"](**{spec["arg"]: item}, by=request.user, direction=direction)
    except ValidationError as error:
        _refused(request, error)
    return _back_to_question(question, f"#{part}-move-{direction}-{item.pk}")


@login_required
@require_POST
def item_delete(
    request: HttpRequest, pk: int, question_pk: int, part: str, item_pk: int
) -> HttpResponse:
    questionnaire = _questionnaire(request, pk, edit=True)
    question = _question_of(questionnaire, question_pk)
    spec = _part_of(question, part)
    item = _item_of(question, part, item_pk)
    try:
        spec["delete"](**{spec["arg"]: item}, by=request.user)
    except ValidationError as error:
        _refused(request, error)
    else:
        messages.success(request, _("Verwijderd."))
    return _back_to_question(question, f"#{part}-heading")
