"""Inside the programme: a community proposes a shared lesson or product for the public
knowledge base, a coordinator approves or declines it (four eyes), members add their own name
if they want to be credited, and the community or the coordinator can withdraw it again."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from leerkring.communities.models import Community, Programme
from leerkring.communities.permissions import access_for
from leerkring.dissemination.models import Product
from leerkring.meetings.models import Lesson

from .. import guard, permissions, selectors, services
from ..forms import ApproveForm, DeclineForm, ProposeForm
from ..models import Publication, title_from_text

PUBLISHED_PER_PAGE = 25


def _source(
    community: Community, lesson_pk: int | None, product_pk: int | None
) -> tuple[Product | None, Lesson | None]:
    """The lesson or product named in the address, if it is this community's."""
    if product_pk is not None:
        product = get_object_or_404(
            Product.objects.filter(communities=community).distinct(), pk=product_pk
        )
        return product, None
    lesson = get_object_or_404(
        Lesson.objects.select_related("meeting"), pk=lesson_pk, community=community
    )
    return None, lesson


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def publication_propose(
    request: HttpRequest, pk: int, lesson_pk: int | None = None, product_pk: int | None = None
) -> HttpResponse:
    community = get_object_or_404(Community.objects.select_related("programme"), pk=pk)
    if not permissions.can_propose(request.user, community):
        raise PermissionDenied
    product, lesson = _source(community, lesson_pk, product_pk)
    if product is not None:
        initial = {"title": product.title, "body": product.summary}
    else:
        initial = {"title": title_from_text(lesson.text), "body": lesson.text}
    form = ProposeForm(request.POST or None, initial=initial, product=product)
    texts = initial
    findings: list[guard.Finding] = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        texts = {"title": data["title"], "body": data["body"]}
        try:
            publication = services.publication_propose(
                community=community,
                product=product,
                lesson=lesson,
                title=data["title"],
                body=data["body"],
                files=data.get("files") or [],
                guard_confirmed=data["confirmed"],
                by=request.user,
            )
        except guard.PersonalDataFound as error:
            findings = error.findings
            form.add_error("confirmed", error.messages)
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(
                request,
                _(
                    "Het voorstel staat klaar voor de coördinator. Je hoort het als het openbaar is."
                ),
            )
            return redirect("publishing:publication", publication.pk)
    return render(
        request,
        "publishing/propose.html",
        {
            "community": community,
            "product": product,
            "lesson": lesson,
            "form": form,
            "findings": findings,
            "highlighted": guard.highlighted(texts, findings) if findings else {},
            "nav_section": "community",
        },
        status=400 if request.method == "POST" else 200,
    )


def _publication(request: HttpRequest, pk: int) -> Publication:
    try:
        publication = selectors.publication_for_page(pk=pk)
    except Publication.DoesNotExist as error:
        raise Http404 from error
    if not permissions.can_view_proposal(request.user, publication):
        raise PermissionDenied
    return publication


def _render_detail(
    request: HttpRequest,
    publication: Publication,
    *,
    approve_form: ApproveForm | None = None,
    decline_form: DeclineForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    proposed = publication.status == Publication.Status.PROPOSED
    active = publication.status in Publication.ACTIVE
    can_review = permissions.can_review(user, publication.programme)
    texts = {"title": publication.title, "body": publication.body}
    findings = guard.text_findings(texts) if can_review and proposed else []
    return render(
        request,
        "publishing/publication_detail.html",
        {
            "publication": publication,
            "community": publication.community,
            "programme": publication.programme,
            "can_approve": proposed and permissions.can_approve(user, publication),
            "can_decline": proposed and can_review,
            "own_proposal": proposed
            and can_review
            and not permissions.can_approve(user, publication),
            "can_withdraw": active and permissions.can_withdraw(user, publication),
            "can_credit": active and permissions.can_credit(user, publication),
            "is_credited": selectors.is_credited(publication=publication, user=user),
            "findings": findings,
            "highlighted": guard.highlighted(texts, findings) if findings else {},
            "approve_form": approve_form or ApproveForm(),
            "decline_form": decline_form or DeclineForm(),
            "nav_section": "community",
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "HEAD"])
def publication_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_detail(request, _publication(request, pk))


@login_required
@require_POST
def publication_approve(request: HttpRequest, pk: int) -> HttpResponse:
    publication = _publication(request, pk)
    if not permissions.can_approve(request.user, publication):
        raise PermissionDenied
    form = ApproveForm(request.POST)
    if form.is_valid():
        try:
            services.publication_approve(
                publication=publication,
                by=request.user,
                guard_confirmed=form.cleaned_data["confirmed"],
            )
        except guard.PersonalDataFound as error:
            form.add_error("confirmed", error.messages)
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("Het staat nu in de openbare kennisbank."))
            return redirect("publishing:publication", publication.pk)
    return _render_detail(request, publication, approve_form=form, status=400)


@login_required
@require_POST
def publication_decline(request: HttpRequest, pk: int) -> HttpResponse:
    publication = _publication(request, pk)
    if not permissions.can_review(request.user, publication.programme):
        raise PermissionDenied
    form = DeclineForm(request.POST)
    if form.is_valid():
        try:
            services.publication_decline(
                publication=publication, by=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(
                request, _("Het voorstel is niet goedgekeurd; de gemeenschap hoort waarom.")
            )
            return redirect("publishing:review", publication.programme.slug)
    return _render_detail(request, publication, decline_form=form, status=400)


@login_required
@require_POST
def publication_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    publication = _publication(request, pk)
    if not permissions.can_withdraw(request.user, publication):
        raise PermissionDenied
    try:
        services.publication_withdraw(publication=publication, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Het staat niet meer in de openbare kennisbank."))
    return redirect("publishing:publication", publication.pk)


@login_required
@require_POST
def publication_credit(request: HttpRequest, pk: int) -> HttpResponse:
    publication = _publication(request, pk)
    if not permissions.can_credit(request.user, publication):
        raise PermissionDenied
    named = request.POST.get("named") == "1"
    try:
        services.publication_credit_set(
            publication=publication,
            person=access_for(request.user).person,
            named=named,
            by=request.user,
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("Je naam staat erbij.") if named else _("Je naam staat er niet meer bij."),
        )
    return redirect("publishing:publication", publication.pk)


@login_required
@require_http_methods(["GET", "HEAD"])
def review(request: HttpRequest, slug: str) -> HttpResponse:
    """The coordinator's list: proposals waiting (oldest first) and what is public now."""
    programme = get_object_or_404(Programme, slug=slug)
    if not permissions.can_review(request.user, programme):
        raise PermissionDenied
    published = Paginator(selectors.published_of_programme(programme=programme), PUBLISHED_PER_PAGE)
    return render(
        request,
        "publishing/review.html",
        {
            "programme": programme,
            "queue": selectors.review_queue(programme=programme),
            "page": published.get_page(request.GET.get("page")),
            "nav_section": "programme",
            "current_programme": programme,
        },
    )
