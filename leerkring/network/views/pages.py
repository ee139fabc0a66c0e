"""The networks of leads and facilitators: the programme's list, setting one up, the network's
own page (its full life for members, its shape for the programme's coordinators), its members
and its shared material."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from leerkring.communities.models import Programme
from leerkring.communities.permissions import COORDINATOR, access_for
from leerkring.core.confirm import confirm_page, confirmation_needed
from leerkring.meetings.forms_outcomes import ThreadStartForm

from .. import permissions, selectors, services
from ..forms import DocumentForm, InviteForm, NetworkForm, NotificationForm
from ..models import Network, NetworkDocument, NetworkMember

THREADS_PER_PAGE = 20
MEMBERS_PER_PAGE = 50


def network_or_refuse(request: HttpRequest, pk: int, *, member: bool = True) -> Network:
    network = get_object_or_404(Network, pk=pk)
    allowed = permissions.is_member if member else permissions.can_view_shape
    if not allowed(request.user, network):
        raise PermissionDenied
    return network


@login_required
@require_http_methods(["GET", "HEAD"])
def network_list(request: HttpRequest, slug: str) -> HttpResponse:
    programme = get_object_or_404(Programme, slug=slug)
    if not permissions.can_view_networks(request.user, programme):
        raise PermissionDenied
    return render(
        request,
        "network/network_list.html",
        {
            "programme": programme,
            "networks": selectors.networks_of_programme(programme=programme),
            "can_create": permissions.can_create_network(request.user, programme),
            "nav_section": "programme",
            "current_programme": programme,
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def network_create(request: HttpRequest, slug: str) -> HttpResponse:
    programme = get_object_or_404(Programme, slug=slug)
    if not permissions.can_create_network(request.user, programme):
        raise PermissionDenied
    coordinated = Programme.objects.filter(
        pk__in=access_for(request.user).programmes_with(COORDINATOR)
    ).order_by("name")
    form = NetworkForm(
        request.POST or None,
        programmes=coordinated,
        initial={
            "programmes": [programme.pk],
            "name": _("Netwerk van trekkers en begeleiders"),
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            network = services.network_create(
                programmes=form.cleaned_data["programmes"],
                name=form.cleaned_data["name"],
                description=form.cleaned_data["description"],
                by=request.user,
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(
                request,
                _("Het netwerk staat klaar. Trekkers en begeleiders vinden het op hun overzicht."),
            )
            return redirect("network:network", network.pk)
    return render(
        request,
        "network/network_form.html",
        {
            "programme": programme,
            "form": form,
            "nav_section": "programme",
            "current_programme": programme,
        },
        status=400 if request.method == "POST" else 200,
    )


def render_network(
    request: HttpRequest,
    network: Network,
    *,
    start_form: ThreadStartForm | None = None,
    document_form: DocumentForm | None = None,
    status: int = 200,
) -> HttpResponse:
    if not permissions.is_member(request.user, network):
        # A coordinator who is not a member sees the shape only, as of a community.
        return render(
            request,
            "network/network_shape.html",
            {
                "network": network,
                "member_count": selectors.member_count(network),
                "thread_count": selectors.thread_count(network=network),
                "nav_section": "network",
            },
        )
    paginator = Paginator(selectors.network_threads(network=network), THREADS_PER_PAGE)
    # The same number the pager would count, without joining the threads.
    paginator.count = selectors.thread_count(network=network)
    page = paginator.get_page(request.GET.get("page"))
    mode = selectors.notification_mode(network=network, person=access_for(request.user).person)
    return render(
        request,
        "network/network_detail.html",
        {
            "network": network,
            "page": page,
            "member_count": selectors.member_count(network),
            "sessions": selectors.sessions(network=network),
            "documents": selectors.documents(network=network)[:20],
            "start_form": start_form or ThreadStartForm(),
            "document_form": document_form or DocumentForm(),
            "notification_form": NotificationForm(initial={"mode": mode}),
            "nav_section": "network",
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "HEAD"])
def network_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return render_network(request, network_or_refuse(request, pk, member=False))


@login_required
@require_http_methods(["GET", "HEAD"])
def members(request: HttpRequest, pk: int) -> HttpResponse:
    network = network_or_refuse(request, pk)
    page = Paginator(selectors.member_people(network), MEMBERS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "network/members.html",
        {
            "network": network,
            "page": page,
            "invited": selectors.invited_members(network),
            "form": InviteForm(people=selectors.invitable(network)),
            "own_person_id": access_for(request.user).person.pk,
            "nav_section": "network",
        },
    )


@login_required
@require_POST
def member_add(request: HttpRequest, pk: int) -> HttpResponse:
    network = network_or_refuse(request, pk)
    form = InviteForm(request.POST, people=selectors.invitable(network))
    if form.is_valid():
        try:
            services.network_member_add(
                network=network, person=form.cleaned_data["person"], by=request.user
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("%(name)s is lid van het netwerk en leest nu mee.")
                % {"name": form.cleaned_data["person"].full_name},
            )
    else:
        messages.error(request, _("Kies wie je wilt toevoegen."))
    return redirect("network:members", network.pk)


@login_required
@require_POST
def member_remove(request: HttpRequest, pk: int, member_pk: int) -> HttpResponse:
    network = network_or_refuse(request, pk)
    member = get_object_or_404(NetworkMember, pk=member_pk, network=network)
    leaving = member.person_id == access_for(request.user).person.pk
    services.network_member_remove(member=member, by=request.user)
    messages.success(request, _("Uitgeschreven."))
    if leaving and not permissions.is_member(request.user, network):
        return redirect("core:home")
    return redirect("network:members", network.pk)


@login_required
@require_POST
def document_add(request: HttpRequest, pk: int) -> HttpResponse:
    network = network_or_refuse(request, pk)
    form = DocumentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.network_document_add(
                network=network,
                upload=form.cleaned_data["file"],
                title=form.cleaned_data["title"],
                description=form.cleaned_data["description"],
                by=request.user,
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("Het bestand is gedeeld met het netwerk."))
            return redirect(reverse("network:network", args=[network.pk]) + "#documents-heading")
    return render_network(request, network, document_form=form)


@login_required
@require_http_methods(["GET", "HEAD"])
def document(request: HttpRequest, pk: int, document_pk: int) -> FileResponse:
    network = network_or_refuse(request, pk)
    found = get_object_or_404(NetworkDocument, pk=document_pk, network=network)
    try:
        handle = found.file.open("rb")
    except (FileNotFoundError, OSError) as error:
        raise Http404 from error
    response = FileResponse(
        handle, as_attachment=True, filename=found.original_name, content_type=found.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def document_delete(request: HttpRequest, pk: int, document_pk: int) -> HttpResponse:
    network = network_or_refuse(request, pk)
    found = get_object_or_404(NetworkDocument, pk=document_pk, network=network)
    if confirmation_needed(request):
        return confirm_page(
            request,
            title=_("Bestand verwijderen"),
            message=_("Het bestand ‘%(title)s’ verdwijnt uit dit netwerk.")
            % {"title": found.title},
            action=_("Ja, bestand verwijderen"),
            back_url=reverse("network:network", args=[network.pk]),
            delete=True,
        )
    services.network_document_remove(document=found, by=request.user)
    messages.success(request, _("Het bestand is verwijderd."))
    return redirect("network:network", network.pk)


@login_required
@require_POST
def notifications(request: HttpRequest, pk: int) -> HttpResponse:
    network = network_or_refuse(request, pk)
    form = NotificationForm(request.POST)
    if form.is_valid():
        services.network_notification_set(
            network=network,
            person=access_for(request.user).person,
            mode=form.cleaned_data["mode"],
            by=request.user,
        )
        messages.success(request, _("Je keuze voor e-mail is opgeslagen."))
    return redirect("network:network", network.pk)
