"""Newsletters (issue "Dissemination" §2): a programme's or a community's newsletter, its archive
of published issues, and composing an issue from what the communities shared.

Every view checks `permissions` first. A members-only archive sends anonymous visitors to sign
in; a public one is open to everyone. Drafts are for their editors only.
"""

from __future__ import annotations

from csp.decorators import csp_replace
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods, require_POST

from leerkring.communities.models import Programme
from leerkring.core import access_log
from leerkring.core.confirm import confirm_page, confirmation_needed
from leerkring.outbox.feedback import tell_resend

from .. import newsletter as machinery
from .. import permissions, selectors, services
from ..forms_newsletters import (
    IssueForm,
    IssueItemForm,
    NewsletterForm,
    NewsletterSettingsForm,
    PickFilterForm,
    PublishForm,
)
from ..models import IssueItem, Newsletter, NewsletterIssue

KIND_HEADINGS = {
    IssueItem.Kind.LESSON: gettext_lazy("Gedeelde leerpunten"),
    IssueItem.Kind.PRODUCT: gettext_lazy("Producten"),
    IssueItem.Kind.STORY: gettext_lazy("Verhalen over verandering"),
    IssueItem.Kind.SIGNAL: gettext_lazy("Beantwoorde signalen"),
}


def _context_base(programme: Programme) -> dict:
    return {"programme": programme, "nav_section": "programme", "current_programme": programme}


def _refuse(request: HttpRequest) -> HttpResponse:
    """Anonymous visitors may sign in and come back; others get 403."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    raise PermissionDenied


def _newsletter(pk: int) -> Newsletter:
    try:
        return selectors.newsletter_for_page(pk=pk)
    except Newsletter.DoesNotExist:
        raise Http404 from None


def _issue(pk: int) -> NewsletterIssue:
    try:
        return selectors.issue_for_page(pk=pk)
    except NewsletterIssue.DoesNotExist:
        raise Http404 from None


def _editable_issue(request: HttpRequest, pk: int) -> NewsletterIssue:
    issue = _issue(pk)
    if not permissions.can_edit_newsletter(request.user, issue.newsletter):
        raise PermissionDenied
    return issue


# --- Newsletters ---------------------------------------------------------------------------


@require_http_methods(["GET", "HEAD"])
def newsletter_list(request: HttpRequest, slug: str) -> HttpResponse:
    """Open to everyone: outsiders see the public newsletters, the programme's readers all."""
    programme = get_object_or_404(Programme, slug=slug)
    reader = permissions.is_programme_reader(request.user, programme)
    rows = [
        {"newsletter": n, "can_edit": permissions.can_edit_newsletter(request.user, n)}
        for n in selectors.newsletters_of_programme(programme=programme)
        if n.is_public or reader
    ]
    return render(
        request,
        "dissemination/newsletter_list.html",
        {
            **_context_base(programme),
            "rows": rows,
            "can_create": permissions.can_create_newsletter(request.user, programme),
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def newsletter_create(request: HttpRequest, slug: str) -> HttpResponse:
    programme = get_object_or_404(Programme, slug=slug)
    if not permissions.can_create_newsletter(request.user, programme):
        raise PermissionDenied
    form = NewsletterForm(
        request.POST or None,
        communities=permissions.newsletter_communities_for(request.user, programme),
        whole_programme=permissions.can_create_programme_newsletter(request.user, programme),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            newsletter = services.newsletter_create(
                programme=programme,
                community=data["community"],
                title=data["title"],
                is_public=data["is_public"],
                by=request.user,
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("De nieuwsbrief is aangemaakt."))
            return redirect("dissemination:newsletter", newsletter.pk)
    return render(
        request, "dissemination/newsletter_form.html", {**_context_base(programme), "form": form}
    )


@require_http_methods(["GET", "HEAD"])
def newsletter_detail(request: HttpRequest, pk: int) -> HttpResponse:
    newsletter = _newsletter(pk)
    if not permissions.can_read_newsletter(request.user, newsletter):
        return _refuse(request)
    can_edit = permissions.can_edit_newsletter(request.user, newsletter)
    subscription = None
    if request.user.is_authenticated and request.user.email:
        subscription = selectors.member_subscription(
            newsletter=newsletter, email=request.user.email
        )
    return render(
        request,
        "dissemination/newsletter_detail.html",
        {
            **_context_base(newsletter.programme),
            "newsletter": newsletter,
            "issues": selectors.newsletter_archive(newsletter=newsletter),
            "can_edit": can_edit,
            "drafts": selectors.newsletter_drafts(newsletter=newsletter) if can_edit else [],
            "counts": selectors.subscriber_counts(newsletter=newsletter) if can_edit else None,
            "can_view_subscribers": permissions.can_view_subscribers(request.user, newsletter),
            "subscribed": bool(
                subscription and subscription.confirmed_at and not subscription.unsubscribed_at
            ),
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def newsletter_edit(request: HttpRequest, pk: int) -> HttpResponse:
    newsletter = _newsletter(pk)
    if not permissions.can_edit_newsletter(request.user, newsletter):
        raise PermissionDenied
    form = NewsletterSettingsForm(
        request.POST or None,
        initial={"title": newsletter.title, "is_public": newsletter.is_public},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.newsletter_update(newsletter=newsletter, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("De instellingen zijn opgeslagen."))
            return redirect("dissemination:newsletter", newsletter.pk)
    return render(
        request,
        "dissemination/newsletter_form.html",
        {**_context_base(newsletter.programme), "form": form, "newsletter": newsletter},
    )


@login_required
@require_http_methods(["GET", "HEAD"])
def newsletter_subscribers(request: HttpRequest, pk: int) -> HttpResponse:
    newsletter = _newsletter(pk)
    if not permissions.can_view_subscribers(request.user, newsletter):
        raise PermissionDenied
    access_log.record(
        user=request.user,
        kind=access_log.Kind.SUBSCRIBER_LIST,
        obj=newsletter,
        programme_id=newsletter.programme_id,
        community_id=newsletter.community_id,
        subject=str(newsletter),
    )
    return render(
        request,
        "dissemination/newsletter_subscribers.html",
        {
            **_context_base(newsletter.programme),
            "newsletter": newsletter,
            "subscribers": selectors.subscribers_of(newsletter=newsletter),
            "counts": selectors.subscriber_counts(newsletter=newsletter),
        },
    )


# --- Composing an issue --------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def issue_create(request: HttpRequest, pk: int) -> HttpResponse:
    newsletter = _newsletter(pk)
    if not permissions.can_edit_newsletter(request.user, newsletter):
        raise PermissionDenied
    form = IssueForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            issue = services.issue_create(
                newsletter=newsletter, by=request.user, title=form.cleaned_data["title"]
            )
            if form.cleaned_data["intro"]:
                services.issue_update(
                    issue=issue,
                    title=issue.title,
                    intro=form.cleaned_data["intro"],
                    by=request.user,
                )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            return redirect("dissemination:issue_edit", issue.pk)
    if not form.is_bound:
        last = newsletter.issues.order_by("-number").values_list("number", flat=True).first()
        number = (last or 0) + 1
        form.initial = {"title": _("Editie %(number)s") % {"number": number}}
    return render(
        request,
        "dissemination/issue_form.html",
        {**_context_base(newsletter.programme), "form": form, "newsletter": newsletter},
    )


PICKS_PER_PAGE = 20
PICKS_KEYS = ("q", "kind", "show", "page")


def _picks_query(request: HttpRequest) -> QueryDict:
    """The picks' search, filters and page, from the address (the picks form posts to an
    address that carries them too, so saving returns to the same page)."""
    kept = QueryDict(mutable=True)
    for key in PICKS_KEYS:
        if request.GET.get(key):
            kept[key] = request.GET[key]
    return kept


def _pick_matches(candidate, picked: set[str], *, q: str, kind: str, show: str) -> bool:
    if show == "picked" and candidate.key not in picked:
        return False
    if show == "open" and candidate.key in picked:
        return False
    needle = q.strip().lower()
    return not needle or any(
        needle in text.lower() for text in (candidate.title, candidate.body, candidate.context)
    )


def _edit_page(
    request: HttpRequest,
    issue: NewsletterIssue,
    *,
    issue_form: IssueForm | None = None,
    bound_item: tuple[int, IssueItemForm] | None = None,
    text_form: IssueItemForm | None = None,
    publish_form: PublishForm | None = None,
    status: int = 200,
) -> HttpResponse:
    items = list(issue.items.all())
    picked = {f"{item.kind}:{item.source_id}" for item in items if item.kind != IssueItem.Kind.TEXT}
    gathered = machinery.gather_candidates(newsletter=issue.newsletter)
    list_query = _picks_query(request)
    filter_form = PickFilterForm(
        list_query, kinds=[(kind, KIND_HEADINGS[kind]) for kind in gathered]
    )
    filters = filter_form.filters()
    chosen = [
        {"c": c, "picked": c.key in picked}
        for kind, candidates in gathered.items()
        if not filters["kind"] or kind == filters["kind"]
        for c in candidates
        if _pick_matches(c, picked, **filters)
    ]
    page = Paginator(chosen, PICKS_PER_PAGE).get_page(list_query.get("page"))
    groups = []
    for row in page.object_list:
        if not groups or groups[-1]["kind"] != row["c"].kind:
            groups.append({"kind": row["c"].kind, "heading": KIND_HEADINGS[row["c"].kind]})
            groups[-1]["candidates"] = []
        groups[-1]["candidates"].append(row)
    offered = {c.key for candidates in gathered.values() for c in candidates}
    item_rows = []
    for item in items:
        if bound_item and bound_item[0] == item.pk:
            form = bound_item[1]
        else:
            form = IssueItemForm(
                prefix=f"item-{item.pk}", initial={"title": item.title, "body": item.body}
            )
        item_rows.append({"item": item, "form": form})
    return render(
        request,
        "dissemination/issue_edit.html",
        {
            **_context_base(issue.newsletter.programme),
            "issue": issue,
            "newsletter": issue.newsletter,
            "issue_form": issue_form
            or IssueForm(initial={"title": issue.title, "intro": issue.intro}),
            "groups": groups,
            "filter_form": filter_form,
            "filtered": any(filters.values()),
            "page": page,
            "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=2),
            "candidate_count": len(offered),
            "picked_count": len(picked),
            "list_query": list_query.urlencode(),
            "kept": [
                item
                for item in items
                if item.kind != IssueItem.Kind.TEXT
                and f"{item.kind}:{item.source_id}" not in offered
            ],
            "period_start": machinery.period_start(newsletter=issue.newsletter),
            "item_rows": item_rows,
            "text_form": text_form or IssueItemForm(prefix="text"),
            "publish_form": publish_form or PublishForm(prefix="publish"),
            "recipients": machinery.recipients_count(issue=issue),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def issue_edit(request: HttpRequest, pk: int) -> HttpResponse:
    issue = _editable_issue(request, pk)
    if issue.status != NewsletterIssue.Status.DRAFT:
        return redirect("dissemination:issue", issue.pk)
    if request.method == "POST":
        form = IssueForm(request.POST)
        if form.is_valid():
            try:
                services.issue_update(issue=issue, by=request.user, **form.cleaned_data)
            except ValidationError as error:
                form.add_service_errors(error)
            else:
                messages.success(request, _("De titel en inleiding zijn opgeslagen."))
                return redirect("dissemination:issue_edit", issue.pk)
        return _edit_page(request, issue, issue_form=form)
    return _edit_page(request, issue)


def _back_to_edit(issue: NewsletterIssue, anchor: str = "") -> HttpResponse:
    response = redirect("dissemination:issue_edit", issue.pk)
    if anchor:
        response["Location"] += f"#{anchor}"
    return response


@login_required
@require_POST
def issue_picks(request: HttpRequest, pk: int) -> HttpResponse:
    issue = _editable_issue(request, pk)
    try:
        # Only the candidates this page showed are decided here: a pick on another page of
        # the list, or hidden by a filter, stays as it is.
        services.issue_picks_set(
            issue=issue,
            keys=request.POST.getlist("pick"),
            shown=request.POST.getlist("shown") if "paged" in request.POST else None,
            by=request.user,
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("De keuze is opgeslagen."))
    query = _picks_query(request).urlencode()
    response = _back_to_edit(issue, "candidates-heading")
    if query:
        response["Location"] = response["Location"].replace("#", f"?{query}#", 1)
    return response


def _item(issue: NewsletterIssue, item_pk: int) -> IssueItem:
    item = next((item for item in issue.items.all() if item.pk == item_pk), None)
    if item is None:
        raise Http404
    item.issue = issue
    return item


@login_required
@require_POST
def issue_item_edit(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    issue = _editable_issue(request, pk)
    item = _item(issue, item_pk)
    form = IssueItemForm(request.POST, prefix=f"item-{item.pk}")
    if form.is_valid():
        try:
            services.issue_item_update(item=item, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("‘%(title)s’ is opgeslagen.") % {"title": item.title})
            return _back_to_edit(issue, f"item-{item.pk}")
    return _edit_page(request, issue, bound_item=(item.pk, form))


@login_required
@require_POST
def issue_item_move(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    issue = _editable_issue(request, pk)
    item = _item(issue, item_pk)
    try:
        services.issue_item_move(
            item=item, direction=request.POST.get("direction", ""), by=request.user
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return _back_to_edit(issue, f"item-{item.pk}")


@login_required
@require_POST
def issue_item_delete(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    issue = _editable_issue(request, pk)
    item = _item(issue, item_pk)
    try:
        services.issue_item_remove(item=item, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("‘%(title)s’ is uit de editie gehaald.") % {"title": item.title}
        )
    return _back_to_edit(issue, "items-heading")


@login_required
@require_POST
def issue_item_add(request: HttpRequest, pk: int) -> HttpResponse:
    issue = _editable_issue(request, pk)
    form = IssueItemForm(request.POST, prefix="text")
    if form.is_valid():
        try:
            item = services.issue_item_add_text(issue=issue, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("De tekst is toegevoegd."))
            return _back_to_edit(issue, f"item-{item.pk}")
    return _edit_page(request, issue, text_form=form)


@login_required
@require_http_methods(["GET", "HEAD"])
# The e-mail's CSS is inlined into style attributes, as mail programs need; this one page allows
# inline styles, and no script at all.
@csp_replace({"style-src": ["'unsafe-inline'"], "script-src": ["'none'"]})
def issue_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """The e-mail itself, as subscribers will get it (with its CSS inlined), under a bar that
    says it is a preview."""
    issue = _editable_issue(request, pk)
    rendered = machinery.render_issue(issue=issue, items=list(issue.items.all()), preview=True)
    return HttpResponse(rendered.html, content_type="text/html; charset=utf-8")


def _publish_refused(
    request: HttpRequest, issue: NewsletterIssue, form: PublishForm, error: ValidationError
) -> HttpResponse:
    """The guard's findings stand by the publish form, with the box to confirm them; any
    other refusal is a message above the edit page."""
    if getattr(error, "findings", None):
        form.add_service_errors(error)
        return _edit_page(request, issue, publish_form=form, status=400)
    messages.error(request, " ".join(error.messages))
    return _back_to_edit(issue)


@login_required
@require_POST
def issue_publish(request: HttpRequest, pk: int) -> HttpResponse:
    issue = _editable_issue(request, pk)
    form = PublishForm(request.POST, prefix="publish")
    form.is_valid()
    guard_confirmed = form.cleaned_data.get("guard_confirmed", False)
    if confirmation_needed(request):
        try:
            services.issue_publish_check(issue=issue, guard_confirmed=guard_confirmed)
        except ValidationError as error:
            return _publish_refused(request, issue, form, error)
        count = machinery.recipients_count(issue=issue)
        return confirm_page(
            request,
            title=_("Editie publiceren en versturen"),
            message=ngettext(
                "%(count)s abonnee krijgt ‘%(title)s’ per e-mail.",
                "%(count)s abonnees krijgen ‘%(title)s’ per e-mail.",
                count,
            )
            % {"count": count, "title": issue.title},
            details=[
                _("De editie komt in het archief van de nieuwsbrief."),
                _("Daarna kun je niets meer aan deze editie veranderen."),
            ],
            action=_("Ja, publiceren en versturen"),
            back_url=reverse("dissemination:issue_edit", args=[issue.pk]) + "#publish-heading",
            context=_context_base(issue.newsletter.programme),
        )
    try:
        services.issue_publish(
            issue=issue,
            by=request.user,
            guard_confirmed=guard_confirmed,
        )
    except ValidationError as error:
        return _publish_refused(request, issue, form, error)
    count = machinery.recipients_count(issue=issue)
    messages.success(
        request,
        ngettext(
            "De editie staat in het archief en wordt verstuurd naar %(count)s abonnee.",
            "De editie staat in het archief en wordt verstuurd naar %(count)s abonnees.",
            count,
        )
        % {"count": count},
    )
    return redirect("dissemination:issue", issue.pk)


@login_required
@require_POST
def issue_send_resume(request: HttpRequest, pk: int) -> HttpResponse:
    issue = _editable_issue(request, pk)
    try:
        services.issue_send_resume(issue=issue, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("Het versturen gaat verder. Wie de editie al kreeg, krijgt hem niet nog eens."),
        )
    return redirect("dissemination:issue", issue.pk)


@login_required
@require_POST
def issue_mail_resend(request: HttpRequest, pk: int) -> HttpResponse:
    """ "Opnieuw versturen naar wie het niet kreeg" on the issue page."""
    issue = _editable_issue(request, pk)
    count = services.issue_mail_resend(issue=issue, by=request.user)
    tell_resend(request, count)
    return redirect(reverse("dissemination:issue", args=[issue.pk]) + "#verzending")


# --- The archive's page of one issue --------------------------------------------------------


@require_http_methods(["GET", "HEAD"])
def issue_detail(request: HttpRequest, pk: int) -> HttpResponse:
    issue = _issue(pk)
    if not permissions.can_view_issue(request.user, issue):
        if issue.status == NewsletterIssue.Status.DRAFT and not request.user.is_authenticated:
            raise Http404
        return _refuse(request)
    can_edit = permissions.can_edit_newsletter(request.user, issue.newsletter)
    return render(
        request,
        "dissemination/issue_detail.html",
        {
            **_context_base(issue.newsletter.programme),
            "issue": issue,
            "newsletter": issue.newsletter,
            "items": list(issue.items.all()),
            "can_edit": can_edit,
            "deliveries": machinery.delivery_counts(issue=issue) if can_edit else None,
            "mail_progress": machinery.issue_mail_progress(issue=issue) if can_edit else None,
        },
    )
