"""What every page carries in its frame: a tab title "<pagina> – Leerkring", a favicon that a
browser finds at /favicon.ico too, and dates written the Dutch way, in lower case."""

from __future__ import annotations

import datetime
import re
from pathlib import Path

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

from leerkring.communities.models import Membership
from tests import factories

ROOT = Path(__file__).resolve().parents[2] / "leerkring"


def _title(response) -> str:
    match = re.search(r"<title>(.*?)</title>", response.content.decode(), re.S)
    assert match, "the page has no <title>"
    return match.group(1)


@pytest.mark.django_db
def test_it_names_the_page_before_the_site_in_the_tab(client):
    assert _title(client.get(reverse("accounts:login"))) == "Inloggen – Leerkring"
    assert _title(client.get(reverse("core:home"))) == "Welkom – Leerkring"


@pytest.mark.django_db
def test_it_escapes_a_community_name_in_the_tab_once(client):
    community = factories.CommunityFactory(name="CoP 's-Hertogenbosch & omstreken")
    lead = factories.MembershipFactory(community=community, role=Membership.Role.LEAD).person.user
    client.force_login(lead)
    title = _title(client.get(reverse("communities:community", args=[community.pk])))
    assert title == "CoP &#x27;s-Hertogenbosch &amp; omstreken – Leerkring"


def test_a_page_without_a_title_is_just_leerkring():
    rendered = Template("{% load page_title %}{% filter page_title %} {% endfilter %}").render(
        Context()
    )
    assert rendered == "Leerkring"


@pytest.mark.django_db
def test_it_serves_a_favicon_at_the_root_and_links_one(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/x-icon"
    assert b"".join(response.streaming_content)[:4] == b"\x00\x00\x01\x00"
    page = client.get(reverse("accounts:login")).content.decode()
    assert 'rel="icon"' in page and "favicon.svg" in page


def test_dutch_month_names_are_written_in_lower_case():
    with translation.override("nl"):
        rendered = Template('{{ day|date:"j F Y" }}').render(
            Context({"day": datetime.date(2024, 10, 2)})
        )
    assert rendered == "2 oktober 2024"


# Django's "M" and "N" capitalise the month ("Okt", "okt." in English style); "F" and "b" keep
# the Dutch lower case.
_CAPITALISED_MONTH = re.compile(r"(?<!\\)[MN]")
_DATE_FORMATS = [
    re.compile(r"""\|date:["']([^"']*)["']"""),
    re.compile(r"""date_format\([^,()]+(?:\([^()]*\))?,\s*["']([^"']*)["']"""),
]


def test_no_template_or_module_writes_a_capitalised_month():
    offenders = []
    for path in [*ROOT.rglob("*.html"), *ROOT.rglob("*.txt"), *ROOT.rglob("*.py")]:
        text = path.read_text(encoding="utf-8")
        for pattern in _DATE_FORMATS:
            for match in pattern.finditer(text):
                if _CAPITALISED_MONTH.search(match.group(1)):
                    offenders.append(f"{path.relative_to(ROOT)}: {match.group(0)}")
    assert not offenders, "\n".join(offenders)
