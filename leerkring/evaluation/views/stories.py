"""Most-significant-change stories (report Bijlage 3, §4.1): links that collect them, the
public form behind a link, interviews the evaluator writes down, and the evaluator's tagging,
selection and sharing.

Evaluators manage; coordinators read the stories. The public form asks no personal data and
the token in its address is the only key: only its hash is stored, refused links are not
logged with their path, and a robot gets a honeypot and a per-address limit.
"""

from __future__ import annotations

import hashlib
import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from leerkring.communities.models import Programme
from leerkring.core import guard
from leerkring.core.confirm import confirm_page, confirmation_needed

from .. import permissions, selectors, services
from ..forms_fieldwork import (
    HONEYPOT_FIELD,
    InterviewStoryForm,
    StoryClassifyForm,
    StoryFilterForm,
    StoryForm,
    StoryInvitationForm,
)
from ..models import ChangeStory, StoryInvitation

logger = logging.getLogger(__name__)

# Stories through one link from one address, per hour: a team behind one office address can
# still all tell their story; a flood cannot.
STORY_SUBMITS_PER_HOUR = getattr(settings, "STORY_LINK_SUBMITS_PER_HOUR", 20)


def _programme(request: HttpRequest, slug: str, *, manage: bool = False) -> Programme:
    programme = get_object_or_404(Programme, slug=slug)
    check = permissions.can_manage_stories if manage else permissions.can_view_stories
    if not check(request.user, programme):
        raise PermissionDenied
    return programme


def _page(programme: Programme, **context) -> dict:
    return {"programme": programme, "current_programme": programme, "nav_section": "programme"} | (
        context
    )


# The evaluator's pages ----------------------------------------------------------------------


@login_required
def story_list(request: HttpRequest, slug: str) -> HttpResponse:
    programme = _programme(request, slug)
    communities = selectors.programme_communities(programme=programme)
    filters = StoryFilterForm(request.GET or None, communities=communities)
    active = filters.filters()
    stories = list(selectors.stories_of_programme(programme=programme, **active))
    return render(
        request,
        "evaluation/story_list.html",
        _page(
            programme,
            stories=stories,
            filters=filters,
            filtered=any(value not in ("", None) for value in active.values()),
            can_manage=permissions.can_manage_stories(request.user, programme),
        ),
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def story_create(request: HttpRequest, slug: str) -> HttpResponse:
    """An interview, written down by the evaluator."""
    programme = _programme(request, slug, manage=True)
    form = InterviewStoryForm(
        request.POST or None, communities=selectors.programme_communities(programme=programme)
    )
    if request.method == "POST" and form.is_valid():
        try:
            story = services.story_interview_create(
                programme=programme,
                by=request.user,
                community=form.cleaned_data.get("community"),
                **form.story_data(),
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("Het verhaal is opgeslagen. Geef het nu labels."))
            return redirect("evaluation:story_detail", story.pk)
    return render(request, "evaluation/story_form.html", _page(programme, form=form))


def _story(request: HttpRequest, pk: int) -> ChangeStory:
    story = get_object_or_404(
        ChangeStory.objects.select_related("programme", "community", "invitation"), pk=pk
    )
    if not permissions.can_view_stories(request.user, story.programme):
        raise PermissionDenied
    return story


def _findings(story) -> list[dict]:
    """What the personal-data guard finds in the story, highlighted per text, for the
    warning before it is shared (core.guard)."""
    found = []
    for name, text in services.story_texts(story).items():
        findings = guard.scan(text, field=name)
        if findings:
            found.append({"html": guard.highlight(text, findings), "findings": findings})
    return found


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def story_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The story, and for evaluators its labels: kind of change, level, selected, shareable."""
    story = _story(request, pk)
    can_manage = permissions.can_manage_stories(request.user, story.programme)
    if request.method == "POST" and not can_manage:
        raise PermissionDenied
    form = None
    if can_manage:
        form = StoryClassifyForm(
            request.POST if request.method == "POST" else None,
            initial=StoryClassifyForm.initial_for(story),
        )
        if request.method == "POST" and form.is_valid():
            try:
                services.story_classify(story=story, by=request.user, **form.cleaned_data)
            except ValidationError as error:
                form.add_service_errors(error)
            else:
                messages.success(request, _("De labels van het verhaal zijn opgeslagen."))
                return redirect("evaluation:story_detail", story.pk)
    return render(
        request,
        "evaluation/story_detail.html",
        _page(
            story.programme,
            story=story,
            form=form,
            can_manage=can_manage,
            findings=_findings(story) if can_manage else [],
        ),
    )


@login_required
@require_POST
def story_delete(request: HttpRequest, pk: int) -> HttpResponse:
    story = _story(request, pk)
    if not permissions.can_manage_stories(request.user, story.programme):
        raise PermissionDenied
    slug = story.programme.slug
    if confirmation_needed(request):
        return confirm_page(
            request,
            title=_("Verhaal verwijderen"),
            message=_("Het verhaal ‘%(title)s’ verdwijnt. Dit kun je niet ongedaan maken.")
            % {"title": story},
            action=_("Ja, verhaal verwijderen"),
            back_url=reverse("evaluation:story_detail", args=[story.pk]),
            delete=True,
            context={"programme": story.programme, "nav_section": "programme"},
        )
    services.story_delete(story=story, by=request.user)
    messages.success(request, _("Het verhaal is verwijderd."))
    return redirect("evaluation:story_list", slug)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def story_links(request: HttpRequest, slug: str) -> HttpResponse:
    """The programme's story links; a POST makes a new one, shown on this response only."""
    programme = _programme(request, slug, manage=True)
    communities = selectors.programme_communities(programme=programme)
    form = StoryInvitationForm(request.POST or None, communities=communities)
    new_link = ""
    if request.method == "POST" and form.is_valid():
        try:
            _invitation, token = services.story_invitation_create(
                programme=programme,
                title=form.cleaned_data["title"],
                community=form.cleaned_data.get("community"),
                by=request.user,
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            new_link = request.build_absolute_uri(reverse("evaluation:story_submit", args=[token]))
            form = StoryInvitationForm(communities=communities)
    return render(
        request,
        "evaluation/story_links.html",
        _page(
            programme,
            form=form,
            new_link=new_link,
            invitations=list(selectors.story_invitations_of_programme(programme=programme)),
        ),
    )


@login_required
@require_POST
def story_link_toggle(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    programme = _programme(request, slug, manage=True)
    invitation = get_object_or_404(StoryInvitation, pk=pk, programme=programme)
    is_open = request.POST.get("action") == "open"
    services.story_invitation_set_open(invitation=invitation, is_open=is_open, by=request.user)
    if is_open:
        messages.success(request, _("De link werkt weer."))
    else:
        messages.success(request, _("De link is gesloten. Er kunnen geen verhalen meer bij."))
    return redirect("evaluation:story_links", programme.slug)


# The public form ----------------------------------------------------------------------------

_LINK_STATUS = {"unknown": 404, "closed": 410, "busy": 429}


def _link_page(request: HttpRequest, reason: str) -> HttpResponse:
    logger.info("Story link refused: %s", reason)
    response = render(
        request, "evaluation/story_link.html", {"reason": reason}, status=_LINK_STATUS[reason]
    )
    # Django's request logger would print the path, token included, for 4xx responses.
    response._has_been_logged = True
    return response


def _client_address(request: HttpRequest) -> str:
    if "HTTP_X_FORWARDED_FOR" in getattr(settings, "AXES_IPWARE_META_PRECEDENCE_ORDER", ()):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[0].strip()
    return request.META.get("REMOTE_ADDR", "")


def story_submit_allow(request: HttpRequest, invitation: StoryInvitation) -> bool:
    """Count a submit from this address through this link. The cache holds a hash of the
    address, and only for an hour."""
    address = hashlib.sha256(_client_address(request).encode()).hexdigest()[:32]
    key = f"evaluation:story-link:{invitation.pk}:{address}"
    cache.add(key, 0, timeout=3600)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=3600)
        count = 1
    return count <= STORY_SUBMITS_PER_HOUR


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def story_submit(request: HttpRequest, token: str) -> HttpResponse:
    invitation = selectors.story_invitation_for_token(token)
    if invitation is None:
        return _link_page(request, "unknown")
    if not invitation.is_open:
        return _link_page(request, "closed")
    communities = (
        None
        if invitation.community_id
        else selectors.programme_communities(programme=invitation.programme)
    )
    form = StoryForm(request.POST or None, communities=communities)
    if request.method == "POST":
        if not story_submit_allow(request, invitation):
            return _link_page(request, "busy")
        if request.POST.get(HONEYPOT_FIELD):
            # Filled in by a robot: look like success, store nothing.
            logger.info("Story link: honeypot filled, nothing stored")
            return redirect("evaluation:story_thanks")
        if form.is_valid():
            try:
                services.story_submit(
                    invitation=invitation,
                    community=form.cleaned_data.get("community"),
                    **form.story_data(),
                )
            except services.StoryLinkClosed:
                return _link_page(request, "closed")
            except ValidationError as error:
                form.add_service_errors(error)
            else:
                return redirect("evaluation:story_thanks")
    return render(
        request,
        "evaluation/story_submit.html",
        {"invitation": invitation, "form": form, "honeypot_field": HONEYPOT_FIELD},
    )


@never_cache
@require_http_methods(["GET", "HEAD"])
def story_thanks(request: HttpRequest) -> HttpResponse:
    return render(request, "evaluation/story_thanks.html")
