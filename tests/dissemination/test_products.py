"""Products: making and editing them, their life cycle, files, links, the dissemination log,
the catalogue, the community page panel, and who may open what (DESIGN.md §2)."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from leerkring.core.models import AuditEvent
from leerkring.dissemination import services
from leerkring.dissemination.models import Dissemination, Product, ProductFile
from tests import factories
from tests.confirm import CONFIRMED
from tests.dissemination.test_uploads import PDF_BYTES, PNG_BYTES

pytestmark = pytest.mark.django_db


def product_of(world, **kwargs) -> Product:
    kwargs.setdefault("communities", [world.community])
    return factories.ProductFactory(programme=world.programme, **kwargs)


def pdf(name: str = "routekaart.pdf", content: bytes = PDF_BYTES) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def log_entry(product: Product, **kwargs) -> Dissemination:
    return Dissemination.objects.create(
        product=product, channel=Dissemination.Channel.NEWSLETTER, **kwargs
    )


# --- Making and editing ---------------------------------------------------------------------


def test_a_member_makes_a_product_from_the_community(client, world):
    client.force_login(world.participant)
    response = client.post(
        reverse("dissemination:product_create", args=[world.community.pk]),
        {
            "title": "Routekaart eerste maanden",
            "kind": "route_map",
            "summary": "Wie doet wat in de **eerste** maanden.",
            "status": "in_development",
            "scope": "regional",
            "topic_category": "cooperation",
            "communities": [world.community.pk, world.sibling.pk],
            "organisations": [world.participant_m.organisation_id],
        },
    )
    product = Product.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("dissemination:product", args=[product.pk])
    assert product.programme == world.programme
    assert set(product.communities.all()) == {world.community, world.sibling}
    assert list(product.organisations.all()) == [world.participant_m.organisation]
    assert product.status == Product.Status.IN_DEVELOPMENT
    assert not product.shareable
    assert product.created_by == world.participant
    assert AuditEvent.objects.filter(verb="product.created", object_id=product.pk).exists()


def test_it_refuses_a_community_of_another_programme(world):
    with pytest.raises(ValidationError) as error:
        services.product_create(
            community=world.community,
            by=world.lead,
            title="Factsheet",
            kind="factsheet",
            communities=[world.foreign],
        )
    assert "hetzelfde programma" in str(error.value)
    assert not Product.objects.exists()


def test_the_form_offers_only_communities_of_the_same_programme(client, world):
    client.force_login(world.lead)
    response = client.post(
        reverse("dissemination:product_create", args=[world.community.pk]),
        {
            "title": "Factsheet",
            "kind": "factsheet",
            "status": "idea",
            "scope": "regional",
            "communities": [world.foreign.pk],
        },
    )
    assert response.status_code == 200
    assert not Product.objects.exists()
    assert "aria-invalid" in response.content.decode()


def test_a_new_product_cannot_start_as_disseminated(world):
    with pytest.raises(ValidationError):
        services.product_create(
            community=world.community, by=world.lead, title="X", kind="flyer", status="disseminated"
        )


@pytest.mark.parametrize("visitor", ["sibling_member", "system_partner", "evaluator", "nobody"])
def test_only_members_and_coordinators_make_products_for_a_community(client, world, visitor):
    client.force_login(getattr(world, visitor))
    url = reverse("dissemination:product_create", args=[world.community.pk])
    assert client.get(url).status_code == 403


def test_the_lead_edits_and_the_change_is_audited(client, world):
    product = product_of(world, title="Oud")
    client.force_login(world.lead)
    response = client.post(
        reverse("dissemination:product_edit", args=[product.pk]),
        {
            "title": "Nieuw",
            "kind": "guide",
            "summary": "",
            "scope": "national",
            "topic_category": "",
            "communities": [world.community.pk],
            "shareable": "on",
        },
    )
    assert response.status_code == 302
    product.refresh_from_db()
    assert (product.title, product.kind, product.scope, product.shareable) == (
        "Nieuw",
        "guide",
        "national",
        True,
    )
    event = AuditEvent.objects.get(verb="product.updated")
    assert event.data["changes"]["title"] == "Nieuw"


def test_a_participant_who_did_not_make_it_cannot_edit(client, world):
    product = product_of(world)
    client.force_login(world.participant)
    assert client.get(reverse("dissemination:product_edit", args=[product.pk])).status_code == 403


def test_the_maker_keeps_editing_while_a_member(client, world):
    product = product_of(world, created_by=world.participant)
    client.force_login(world.participant)
    assert client.get(reverse("dissemination:product_edit", args=[product.pk])).status_code == 200


def test_script_in_title_and_summary_does_not_run(client, world):
    product = product_of(
        world,
        title="<script>alert('t')</script>Factsheet",
        summary="<script>alert('s')</script><img src=x onerror=alert(1)> **vet**",
    )
    client.force_login(world.participant)
    html = client.get(reverse("dissemination:product", args=[product.pk])).content.decode()
    assert "<script>alert" not in html
    assert "onerror" not in html
    assert "&lt;script&gt;alert(&#x27;t&#x27;)&lt;/script&gt;Factsheet" in html
    assert "<strong>vet</strong>" in html


# --- Life cycle -----------------------------------------------------------------------------


def test_the_status_moves_one_step_forward_and_back(world):
    product = product_of(world)
    services.product_status_change(product=product, status="in_development", by=world.lead)
    services.product_status_change(product=product, status="ready", by=world.lead)
    services.product_status_change(product=product, status="in_development", by=world.lead)
    product.refresh_from_db()
    assert product.status == "in_development"
    verbs = AuditEvent.objects.filter(verb="product.status_changed").values_list("data", flat=True)
    assert [d["new"] for d in verbs] == ["in_development", "ready", "in_development"]


@pytest.mark.parametrize(("start", "target"), [("idea", "ready"), ("ready", "idea")])
def test_it_refuses_to_skip_a_step(world, start, target):
    product = product_of(world, status=start)
    with pytest.raises(ValidationError) as error:
        services.product_status_change(product=product, status=target, by=world.lead)
    assert "één stap tegelijk" in str(error.value)
    product.refresh_from_db()
    assert product.status == start


def test_disseminated_needs_a_dissemination_log_entry(world):
    product = product_of(world, status="ready")
    with pytest.raises(ValidationError) as error:
        services.product_status_change(product=product, status="disseminated", by=world.lead)
    assert "Leg eerst vast waar" in str(error.value)
    services.dissemination_add(
        product=product,
        channel="website",
        shared_on=timezone.localdate(),
        description="Op de site van Divosa",
        by=world.lead,
    )
    services.product_status_change(product=product, status="disseminated", by=world.lead)
    product.refresh_from_db()
    assert product.status == "disseminated"


def test_the_last_log_entry_of_a_disseminated_product_stays(client, world):
    product = product_of(world, status="disseminated")
    entry = log_entry(product)
    client.force_login(world.lead)
    response = client.post(
        reverse("dissemination:dissemination_delete", args=[product.pk, entry.pk])
    )
    assert response.status_code == 200
    assert "laatste vermelding" in response.content.decode()
    assert Dissemination.objects.filter(pk=entry.pk).exists()
    services.product_status_change(product=product, status="ready", by=world.lead)
    client.post(reverse("dissemination:dissemination_delete", args=[product.pk, entry.pk]))
    assert not Dissemination.objects.filter(pk=entry.pk).exists()


def test_the_status_buttons_show_the_rule_when_refused(client, world):
    product = product_of(world, status="ready")
    client.force_login(world.lead)
    response = client.post(
        reverse("dissemination:product_status", args=[product.pk]), {"status": "disseminated"}
    )
    assert response.status_code == 200
    assert "Leg eerst vast waar het product gedeeld is" in response.content.decode()


def test_a_dissemination_in_the_future_is_refused(client, world):
    product = product_of(world)
    client.force_login(world.lead)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = client.post(
        reverse("dissemination:dissemination_add", args=[product.pk]),
        {"channel": "newsletter", "shared_on": tomorrow.isoformat(), "beyond_community": "on"},
    )
    assert response.status_code == 200
    assert "in de toekomst" in response.content.decode()
    assert not Dissemination.objects.exists()


def test_the_log_records_channel_date_and_who(client, world):
    product = product_of(world)
    client.force_login(world.lead)
    client.post(
        reverse("dissemination:dissemination_add", args=[product.pk]),
        {"channel": "team_meeting", "shared_on": "2025-03-01", "description": "Team Zorg"},
    )
    entry = Dissemination.objects.get()
    assert (entry.channel, entry.shared_on, entry.shared_by) == (
        "team_meeting",
        datetime.date(2025, 3, 1),
        world.lead,
    )
    assert not entry.beyond_community


# --- Files and links ------------------------------------------------------------------------


def test_a_good_file_is_stored_under_a_random_name(client, world, settings):
    product = product_of(world)
    client.force_login(world.lead)
    response = client.post(
        reverse("dissemination:product_file_add", args=[product.pk]),
        {"file": pdf("Routekaart Achterhoek.pdf")},
    )
    assert response.status_code == 302
    stored = ProductFile.objects.get()
    assert stored.original_name == "Routekaart Achterhoek.pdf"
    assert stored.content_type == "application/pdf"
    assert "Routekaart" not in stored.file.name
    assert stored.file.name.startswith("products/")
    assert AuditEvent.objects.filter(verb="product.file_added").exists()


def test_a_disguised_pdf_is_refused_with_a_dutch_message(client, world):
    product = product_of(world)
    client.force_login(world.lead)
    response = client.post(
        reverse("dissemination:product_file_add", args=[product.pk]),
        {"file": pdf("rapport.pdf", b"MZ\x90\x00 not a pdf")},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "geen echt PDF-bestand" in html
    assert 'aria-invalid="true"' in html
    assert not ProductFile.objects.exists()


def test_an_oversized_file_is_refused(client, world, monkeypatch):
    from leerkring.dissemination import uploads

    monkeypatch.setattr(uploads, "MAX_UPLOAD_BYTES", 100)
    product = product_of(world)
    client.force_login(world.lead)
    response = client.post(
        reverse("dissemination:product_file_add", args=[product.pk]),
        {"file": pdf(content=PDF_BYTES + b"0" * 200)},
    )
    assert response.status_code == 200
    assert "het maximum is 0,0 MB" in response.content.decode()
    assert not ProductFile.objects.exists()


def test_the_download_is_an_attachment_with_the_stored_type_and_nosniff(client, world):
    product = product_of(world)
    product_file = services.product_file_add(
        product=product,
        upload=SimpleUploadedFile("beeld.png", PNG_BYTES, content_type="text/html"),
        by=world.lead,
    )
    client.force_login(world.participant)
    response = client.get(reverse("dissemination:product_file", args=[product.pk, product_file.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("attachment")
    assert 'filename="beeld.png"' in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert b"".join(response.streaming_content) == PNG_BYTES


def test_a_file_is_not_reachable_through_another_product(client, world):
    product = product_of(world)
    other = product_of(world, shareable=True)
    product_file = services.product_file_add(product=product, upload=pdf(), by=world.lead)
    client.force_login(world.sibling_member)
    url = reverse("dissemination:product_file", args=[other.pk, product_file.pk])
    assert client.get(url).status_code == 404


def test_removing_a_file_removes_it_from_storage(client, world, django_capture_on_commit_callbacks):
    product = product_of(world)
    product_file = services.product_file_add(product=product, upload=pdf(), by=world.lead)
    storage, name = product_file.file.storage, product_file.file.name
    client.force_login(world.lead)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("dissemination:product_file_delete", args=[product.pk, product_file.pk]),
            CONFIRMED,
        )
    assert not ProductFile.objects.exists()
    assert not storage.exists(name)


def test_a_link_must_be_a_web_address(client, world):
    product = product_of(world)
    client.force_login(world.lead)
    url = reverse("dissemination:product_link_add", args=[product.pk])
    response = client.post(url, {"url": "javascript:alert(1)", "title": "Klik"})
    assert response.status_code == 200
    assert not product.links.exists()
    client.post(url, {"url": "https://www.divosa.nl/routekaart", "title": "Routekaart"})
    assert product.links.get().url == "https://www.divosa.nl/routekaart"
    html = client.get(reverse("dissemination:product", args=[product.pk])).content.decode()
    assert 'rel="noopener noreferrer nofollow"' in html


# --- Forbidden doors ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("visitor", "shareable", "expected"),
    [
        ("participant", False, 200),
        ("lead", False, 200),
        ("coordinator", False, 200),
        ("evaluator", False, 200),
        ("sibling_member", False, 403),
        ("sibling_member", True, 200),
        ("foreign_member", True, 403),
        ("other_coordinator", True, 403),
        ("system_partner", True, 403),
        ("system_partner", False, 403),
        ("nobody", True, 403),
    ],
)
def test_who_opens_a_product_page_and_its_files(client, world, visitor, shareable, expected):
    product = product_of(world, shareable=shareable)
    product_file = services.product_file_add(product=product, upload=pdf(), by=world.lead)
    client.force_login(getattr(world, visitor))
    page = client.get(reverse("dissemination:product", args=[product.pk]))
    download = client.get(reverse("dissemination:product_file", args=[product.pk, product_file.pk]))
    assert page.status_code == expected
    assert download.status_code == expected


def test_anonymous_visitors_are_sent_to_sign_in_for_pages_and_files(client, world):
    product = product_of(world, shareable=True)
    product_file = services.product_file_add(product=product, upload=pdf(), by=world.lead)
    for url in (
        reverse("dissemination:product", args=[product.pk]),
        reverse("dissemination:product_file", args=[product.pk, product_file.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))


def test_readers_of_a_shared_product_do_not_see_who_shared_it(client, world):
    lead_name = world.lead.get_full_name()
    product = product_of(world, shareable=True)
    log_entry(product, shared_by=world.lead, description="LCC maart")
    client.force_login(world.sibling_member)
    html = client.get(reverse("dissemination:product", args=[product.pk])).content.decode()
    assert "LCC maart" in html
    assert lead_name not in html
    client.force_login(world.participant)
    html = client.get(reverse("dissemination:product", args=[product.pk])).content.decode()
    assert lead_name in html


def test_a_sibling_member_cannot_change_a_shared_product(client, world):
    product = product_of(world, shareable=True)
    client.force_login(world.sibling_member)
    assert (
        client.post(
            reverse("dissemination:product_status", args=[product.pk]), {"status": "in_development"}
        ).status_code
        == 403
    )
    assert (
        client.post(
            reverse("dissemination:product_file_add", args=[product.pk]), {"file": pdf()}
        ).status_code
        == 403
    )
    assert not ProductFile.objects.exists()


# --- The catalogue --------------------------------------------------------------------------


def catalogue(client, world, **params):
    return client.get(reverse("dissemination:catalogue", args=[world.programme.slug]), params)


def titles(response) -> list[str]:
    return [product.title for product in response.context["products"]]


def test_the_catalogue_shows_shared_products_and_the_visitors_own(client, world):
    product_of(world, title="Eigen, niet gedeeld")
    product_of(world, title="Eigen, gedeeld", shareable=True)
    factories.ProductFactory(
        programme=world.programme, communities=[world.sibling], title="Zeeland, niet gedeeld"
    )
    factories.ProductFactory(
        programme=world.programme,
        communities=[world.sibling],
        title="Zeeland, gedeeld",
        shareable=True,
    )
    factories.ProductFactory(
        programme=world.other_programme, communities=[world.foreign], shareable=True, title="SWW"
    )
    client.force_login(world.participant)
    assert sorted(titles(catalogue(client, world))) == [
        "Eigen, gedeeld",
        "Eigen, niet gedeeld",
        "Zeeland, gedeeld",
    ]
    client.force_login(world.sibling_member)
    html = catalogue(client, world).content.decode()
    assert "Eigen, niet gedeeld" not in html
    assert "Zeeland, niet gedeeld" in html
    client.force_login(world.coordinator)
    assert sorted(titles(catalogue(client, world))) == ["Eigen, gedeeld", "Zeeland, gedeeld"]


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"kind": "factsheet"}, ["Factsheet"]),
        ({"status": "ready"}, ["Beslisboom"]),
        ({"scope": "national"}, ["Webinar"]),
        ({"topic": "life_domains"}, ["Factsheet"]),
        ({"q": "BESLIS"}, ["Beslisboom"]),
        ({"kind": "factsheet", "status": "ready"}, []),
        ({"kind": "no-such-kind"}, ["Beslisboom", "Factsheet", "Webinar", "Zeeland"]),
    ],
)
def test_the_catalogue_filters(client, world, params, expected):
    product_of(world, title="Factsheet", kind="factsheet", topic_category="life_domains",
               shareable=True)  # fmt: skip
    product_of(world, title="Beslisboom", kind="decision_tree", status="ready", shareable=True)
    product_of(world, title="Webinar", kind="webinar", scope="national", shareable=True)
    factories.ProductFactory(
        programme=world.programme, communities=[world.sibling], title="Zeeland", shareable=True
    )
    client.force_login(world.coordinator)
    assert sorted(titles(catalogue(client, world, **params))) == expected


def test_the_catalogue_filters_by_community(client, world):
    product_of(world, title="Achterhoek", shareable=True)
    factories.ProductFactory(
        programme=world.programme, communities=[world.sibling], title="Zeeland", shareable=True
    )
    client.force_login(world.participant)
    assert titles(catalogue(client, world, community=world.sibling.pk)) == ["Zeeland"]


def test_the_catalogue_pages(client, world):
    for number in range(30):
        product_of(world, title=f"Product {number}", shareable=True)
    client.force_login(world.coordinator)
    first = catalogue(client, world)
    assert len(titles(first)) == 25
    assert first.context["page"].paginator.count == 30
    assert len(titles(catalogue(client, world, page=2))) == 5


@pytest.mark.parametrize("visitor", ["system_partner", "foreign_member", "other_coordinator"])
def test_the_catalogue_is_closed_to_those_outside_the_programme(client, world, visitor):
    client.force_login(getattr(world, visitor))
    assert catalogue(client, world).status_code == 403


def _catalogue_queries(client, world, count: int) -> int:
    Product.objects.all().delete()
    for number in range(count):
        product = product_of(world, title=f"P{number}", shareable=number % 2 == 0)
        product.communities.add(world.sibling)
    client.force_login(world.participant)
    with CaptureQueriesContext(connection) as queries:
        response = catalogue(client, world, kind="route_map")
    assert response.status_code == 200
    return len(queries)


def test_the_catalogue_query_count_does_not_grow_with_products(client, world):
    small = _catalogue_queries(client, world, 10)
    large = _catalogue_queries(client, world, 100)
    assert small == large


def _catalogue_queries_in_network(client, world, visitor: str, communities: int) -> int:
    """A catalogue page whose products each belong to several communities, in a programme of
    `communities` communities (the filter form lists them all)."""
    Product.objects.all().delete()
    extra = [
        factories.CommunityFactory(programme=world.programme, name=f"CoP {communities}-{number}")
        for number in range(communities)
    ]
    for number in range(3 * communities):
        product = product_of(world, title=f"P{number}", shareable=number % 3 != 0)
        product.communities.add(extra[number % communities], world.sibling)
    client.force_login(getattr(world, visitor))
    with CaptureQueriesContext(connection) as queries:
        response = catalogue(client, world)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("visitor", ["participant", "coordinator"])
def test_the_catalogue_query_count_does_not_grow_with_the_programmes_communities(
    client, world, visitor
):
    small = _catalogue_queries_in_network(client, world, visitor, 2)
    large = _catalogue_queries_in_network(client, world, visitor, 12)
    assert small == large


# --- The community page panel ---------------------------------------------------------------


def test_the_community_page_lists_products_for_members_and_shared_ones_for_coordinators(
    client, world
):
    product_of(world, title="Nog geheim")
    product_of(world, title="Gedeelde routekaart", shareable=True)
    url = reverse("communities:community", args=[world.community.pk])
    client.force_login(world.participant)
    html = client.get(url).content.decode()
    assert "Nog geheim" in html and "Gedeelde routekaart" in html
    assert reverse("dissemination:product_create", args=[world.community.pk]) in html
    client.force_login(world.coordinator)
    html = client.get(url).content.decode()
    assert "Gedeelde routekaart" in html
    assert "Nog geheim" not in html
