"""Products (issue "Dissemination" §1): making one from a community, its page with files, links
and the dissemination log, its life cycle, and the programme's catalogue.

Every view checks `permissions` first. Files are served only by `product_file`, as a download
with the type the server detected (uploads.py) — never from MEDIA_URL, never as a page.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from leerkring.communities.models import Community, Programme
from leerkring.core.confirm import confirm_page, confirmation_needed

from .. import permissions, selectors, services
from ..forms_products import (
    CatalogueFilterForm,
    DisseminationForm,
    ProductFileForm,
    ProductForm,
    ProductLinkForm,
    ProductStatusForm,
)
from ..models import Dissemination, Product, ProductFile, ProductLink

CATALOGUE_PER_PAGE = 25


def _product(request: HttpRequest, pk: int, *, edit: bool = False) -> Product:
    product = get_object_or_404(Product.objects.select_related("programme"), pk=pk)
    allowed = (
        permissions.can_edit_product(request.user, product)
        if edit
        else permissions.can_view_product(request.user, product)
    )
    if not allowed:
        raise PermissionDenied
    return product


def _context_base(programme: Programme) -> dict:
    return {"programme": programme, "nav_section": "programme", "current_programme": programme}


# --- Create and edit ----------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def product_create(request: HttpRequest, pk: int) -> HttpResponse:
    community = get_object_or_404(Community.objects.select_related("programme"), pk=pk)
    if not permissions.can_create_product(request.user, community):
        raise PermissionDenied
    form = ProductForm(
        request.POST or None,
        programme=community.programme,
        organisations=selectors.organisations_behind(community_ids=[community.pk]),
        initial={"communities": [community], "scope": community.scope},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            product = services.product_create(
                community=community,
                by=request.user,
                title=data["title"],
                kind=data["kind"],
                summary=data["summary"],
                status=data["status"],
                scope=data["scope"],
                topic_category=data["topic_category"],
                shareable=data["shareable"],
                communities=data["communities"],
                organisations=data["organisations"],
                guard_confirmed=data["guard_confirmed"],
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("Het product is aangemaakt."))
            return redirect("dissemination:product", product.pk)
    return render(
        request,
        "dissemination/product_form.html",
        {**_context_base(community.programme), "form": form, "community": community},
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def product_edit(request: HttpRequest, pk: int) -> HttpResponse:
    product = _product(request, pk, edit=True)
    current_communities = list(product.communities.values_list("pk", flat=True))
    form = ProductForm(
        request.POST or None,
        programme=product.programme,
        organisations=selectors.organisations_behind(
            community_ids=current_communities,
            selected_ids=list(product.organisations.values_list("pk", flat=True)),
        ),
        with_status=False,
        initial=ProductForm.initial_for(product),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.product_update(
                product=product,
                by=request.user,
                communities=data["communities"],
                organisations=data["organisations"],
                title=data["title"],
                kind=data["kind"],
                summary=data["summary"],
                scope=data["scope"],
                topic_category=data["topic_category"],
                shareable=data["shareable"],
                guard_confirmed=data["guard_confirmed"],
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("Het product is opgeslagen."))
            return redirect("dissemination:product", product.pk)
    return render(
        request,
        "dissemination/product_form.html",
        {**_context_base(product.programme), "form": form, "product": product},
    )


# --- The product page ---------------------------------------------------------------------


def _render_product(request: HttpRequest, product: Product, **forms) -> HttpResponse:
    """The product page; a form posted from it comes back here with its errors."""
    product = selectors.product_for_page(pk=product.pk)
    user = request.user
    can_edit = permissions.can_edit_product(user, product)
    steps = services.product_status_steps(product=product)
    order = services.PRODUCT_STATUS_ORDER
    return render(
        request,
        "dissemination/product_detail.html",
        {
            **_context_base(product.programme),
            "product": product,
            "can_edit": can_edit,
            "can_see_names": permissions.can_see_product_names(user, product),
            "can_view_catalogue": permissions.can_view_catalogue(user, product.programme),
            "status_steps": [
                {
                    "value": step,
                    "label": Product.Status(step).label,
                    "forward": order.index(step) > order.index(product.status),
                }
                for step in steps
            ],
            "status_order": [
                {
                    "label": s.label,
                    "current": s == product.status,
                    "done": i < order.index(product.status),
                }
                for i, s in enumerate(order)
            ],
            "status_form": forms.get("status_form"),
            "file_form": forms.get("file_form") or ProductFileForm(),
            "link_form": forms.get("link_form") or ProductLinkForm(),
            "dissemination_form": forms.get("dissemination_form") or DisseminationForm(),
            "page_error": forms.get("page_error"),
        },
    )


@login_required
@require_http_methods(["GET", "HEAD"])
def product_detail(request: HttpRequest, pk: int) -> HttpResponse:
    product = _product(request, pk)
    return _render_product(request, product)


@login_required
@require_POST
def product_status(request: HttpRequest, pk: int) -> HttpResponse:
    product = _product(request, pk, edit=True)
    form = ProductStatusForm(request.POST)
    if form.is_valid():
        try:
            services.product_status_change(
                product=product, status=form.cleaned_data["status"], by=request.user
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            product.refresh_from_db(fields=["status"])
            messages.success(
                request,
                _("De status is nu ‘%(status)s’.") % {"status": product.get_status_display()},
            )
            return redirect("dissemination:product", product.pk)
    return _render_product(request, product, status_form=form)


@login_required
@require_POST
def product_file_add(request: HttpRequest, pk: int) -> HttpResponse:
    product = _product(request, pk, edit=True)
    form = ProductFileForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.product_file_add(
                product=product, upload=form.cleaned_data["file"], by=request.user
            )
        except ValidationError as error:
            form.add_error("file", error)
            form.full_clean_aria()
        else:
            messages.success(request, _("Het bestand is toegevoegd."))
            return redirect(f"{product_url(product)}#files-heading")
    return _render_product(request, product, file_form=form)


def product_url(product: Product) -> str:
    return reverse("dissemination:product", args=[product.pk])


@login_required
@require_http_methods(["GET", "HEAD"])
def product_file(request: HttpRequest, pk: int, file_pk: int) -> FileResponse:
    """The only way a product file leaves the server: after `can_view_product`, as an
    attachment, with the detected content type, and with headers that stop a browser from
    guessing another type or running anything in it."""
    product = _product(request, pk)
    product_file = get_object_or_404(ProductFile, pk=file_pk, product=product)
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
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def product_file_delete(request: HttpRequest, pk: int, file_pk: int) -> HttpResponse:
    product = _product(request, pk, edit=True)
    product_file = get_object_or_404(ProductFile, pk=file_pk, product=product)
    if confirmation_needed(request):
        return confirm_page(
            request,
            title=_("Bestand verwijderen"),
            message=_("Het bestand ‘%(name)s’ verdwijnt uit dit product.")
            % {"name": product_file.original_name},
            action=_("Ja, bestand verwijderen"),
            back_url=f"{product_url(product)}#files-heading",
            delete=True,
        )
    services.product_file_remove(product_file=product_file, by=request.user)
    messages.success(request, _("Het bestand is verwijderd."))
    return redirect(f"{product_url(product)}#files-heading")


@login_required
@require_POST
def product_link_add(request: HttpRequest, pk: int) -> HttpResponse:
    product = _product(request, pk, edit=True)
    form = ProductLinkForm(request.POST)
    if form.is_valid():
        try:
            services.product_link_add(
                product=product,
                url=form.cleaned_data["url"],
                title=form.cleaned_data["title"],
                by=request.user,
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("De link is toegevoegd."))
            return redirect(f"{product_url(product)}#links-heading")
    return _render_product(request, product, link_form=form)


@login_required
@require_POST
def product_link_delete(request: HttpRequest, pk: int, link_pk: int) -> HttpResponse:
    product = _product(request, pk, edit=True)
    link = get_object_or_404(ProductLink, pk=link_pk, product=product)
    services.product_link_remove(link=link, by=request.user)
    messages.success(request, _("De link is verwijderd."))
    return redirect(f"{product_url(product)}#links-heading")


@login_required
@require_POST
def dissemination_add(request: HttpRequest, pk: int) -> HttpResponse:
    product = _product(request, pk, edit=True)
    form = DisseminationForm(request.POST)
    if form.is_valid():
        try:
            services.dissemination_add(product=product, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("De verspreiding is vastgelegd."))
            return redirect(f"{product_url(product)}#log-heading")
    return _render_product(request, product, dissemination_form=form)


@login_required
@require_POST
def dissemination_delete(request: HttpRequest, pk: int, entry_pk: int) -> HttpResponse:
    product = _product(request, pk, edit=True)
    entry = get_object_or_404(Dissemination, pk=entry_pk, product=product)
    try:
        services.dissemination_remove(entry=entry, by=request.user)
    except ValidationError as error:
        return _render_product(request, product, page_error=" ".join(error.messages))
    messages.success(request, _("De vermelding is verwijderd."))
    return redirect(f"{product_url(product)}#log-heading")


# --- The catalogue ------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "HEAD"])
def catalogue(request: HttpRequest, slug: str) -> HttpResponse:
    programme = get_object_or_404(Programme, slug=slug)
    if not permissions.can_view_catalogue(request.user, programme):
        raise PermissionDenied
    form = CatalogueFilterForm(request.GET or None, programme=programme)
    filters = form.filters() if request.GET else {}
    products = selectors.catalogue_products(programme=programme, user=request.user, **filters)
    paginator = Paginator(products, CATALOGUE_PER_PAGE)
    if not filters:
        # The kept count, not a count of every product of the programme.
        paginator.count = selectors.catalogue_count(programme=programme, user=request.user)
    page = paginator.get_page(request.GET.get("page"))
    page.object_list = selectors.with_community_names(list(page.object_list))
    query = {k: v for k, v in request.GET.items() if k != "page" and v}
    return render(
        request,
        "dissemination/catalogue.html",
        {
            **_context_base(programme),
            "form": form,
            "page": page,
            "products": page.object_list,
            "filtered": bool(filters),
            "query_string": urlencode(query),
        },
    )
