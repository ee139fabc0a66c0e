"""The public knowledge base: pages without sign-in (report §4.4.1: people outside the CoP's
saw little of concrete outcomes).

Nothing here asks who the visitor is: every page shows the same to everyone, and only what a
community chose to make public and a coordinator approved (`selectors.public_q`). Addresses
use opaque keys, never row ids. Other apps add their public parts (open sessions, the public
newsletters) through `leerkring.core.panels.public_panels`.
"""

from __future__ import annotations

from django.contrib.syndication.views import Feed
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.html import strip_tags
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from leerkring.communities.models import Programme
from leerkring.core.markdown import render_markdown
from leerkring.core.panels import public_panels

from .. import selectors
from ..forms import PublicSearchForm
from ..models import Publication

ITEMS_PER_PAGE = 20


@require_http_methods(["GET", "HEAD"])
def public_index(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "publishing/public_index.html",
        {"programmes": selectors.programmes_with_public_items()},
    )


@require_http_methods(["GET", "HEAD"])
def public_programme(request: HttpRequest, slug: str) -> HttpResponse:
    programme = get_object_or_404(Programme, slug=slug)
    options = selectors.public_filter_options(programme=programme)
    form = PublicSearchForm(request.GET or None, options=options)
    filters = form.filters() if request.GET else {}
    capped = False
    if filters.get("q"):
        # The newest matches, at most `RANK_CANDIDATES`: "more than 200" beyond.
        results = selectors.public_search(programme=programme, **filters)
        paginator = Paginator(results, ITEMS_PER_PAGE)
        capped = results.capped
    else:
        items = selectors.public_publications(programme=programme, **filters)
        paginator = Paginator(items, ITEMS_PER_PAGE)
        # From the kept counts (`publishing.counts`), not a pass over the public rows.
        paginator.count = selectors.public_count(options=options, programme=programme, **filters)
    page = paginator.get_page(request.GET.get("page"))
    page.object_list = selectors.with_author_names(list(page.object_list))
    query = {k: v for k, v in request.GET.items() if k != "page" and v}
    return render(
        request,
        "publishing/public_programme.html",
        {
            "programme": programme,
            "form": form,
            "page": page,
            "filtered": bool(filters),
            "capped": capped,
            "query_string": urlencode(query),
            "panels": public_panels.visible_for(programme, request.user),
        },
    )


@require_http_methods(["GET", "HEAD"])
def public_item(request: HttpRequest, slug: str, public_id: str) -> HttpResponse:
    programme = get_object_or_404(Programme, slug=slug)
    item = selectors.public_item(programme=programme, public_id=public_id)
    if item is None:
        raise Http404
    return render(request, "publishing/public_item.html", {"programme": programme, "item": item})


@require_http_methods(["GET", "HEAD"])
def public_file(request: HttpRequest, slug: str, public_id: str, file_id: str) -> FileResponse:
    """A file of a public product, as an attachment that the browser may not run or sniff."""
    programme = get_object_or_404(Programme, slug=slug)
    found = selectors.public_file(programme=programme, public_id=public_id, file_id=file_id)
    if found is None or found.product_file.product_id != found.publication.product_id:
        raise Http404
    product_file = found.product_file
    try:
        handle = product_file.file.open("rb")
    except (FileNotFoundError, OSError) as error:
        raise Http404 from error
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=product_file.original_name,
        content_type=product_file.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


class PublicFeed(Feed):
    """The newest public lessons and products of a programme, as Atom. Authors appear only
    when they chose to be named."""

    feed_type = Atom1Feed

    def get_object(self, request: HttpRequest, slug: str) -> Programme:
        return get_object_or_404(Programme, slug=slug)

    def title(self, programme: Programme) -> str:
        return _("Kennisbank %(programme)s") % {"programme": programme.name}

    def link(self, programme: Programme) -> str:
        return reverse("publishing:public_programme", args=[programme.slug])

    def subtitle(self, programme: Programme) -> str:
        return _("Leerpunten en producten die de gemeenschappen openbaar maakten.")

    description = subtitle

    def items(self, programme: Programme) -> list[Publication]:
        return selectors.public_feed_items(programme=programme)

    def item_title(self, item: Publication) -> str:
        return item.title

    def item_description(self, item: Publication) -> str:
        return strip_tags(render_markdown(item.body)).strip()

    def item_link(self, item: Publication) -> str:
        return reverse("publishing:public_item", args=[item.programme.slug, item.public_id])

    def item_guid(self, item: Publication) -> str:
        return f"leerkring-publication-{item.public_id}"

    item_guid_is_permalink = False

    def item_pubdate(self, item: Publication):
        return item.published_at

    def item_updateddate(self, item: Publication):
        return item.published_at

    def item_author_name(self, item: Publication) -> str | None:
        return ", ".join(item.author_names) or None

    def item_categories(self, item: Publication) -> list[str]:
        categories = [item.kind_label]
        if item.topic_category:
            categories.append(item.get_topic_category_display())
        return categories


class PublicRssFeed(PublicFeed):
    feed_type = Rss201rev2Feed


public_feed_atom = require_http_methods(["GET", "HEAD"])(PublicFeed())
public_feed_rss = require_http_methods(["GET", "HEAD"])(PublicRssFeed())
