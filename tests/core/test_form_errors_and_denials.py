"""A refused form opens with one summary of its errors, each linked to its field; the 403 page
tells each role whom to ask (issue 13)."""

from __future__ import annotations

import re

import pytest
from django import forms
from django.template.loader import render_to_string
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _summary(page: str) -> str:
    found = re.findall(r'<div class="[^"]*lk-error-summary"[^>]*>.*?</ul>', page, re.S)
    assert len(found) == 1, f"{len(found)} error summaries"
    return found[0]


def test_an_empty_meeting_form_is_summarised_once_with_links_to_the_fields(client, world):
    client.force_login(world.lead)
    url = reverse("meetings:meeting_create", args=[world.community.pk])
    response = client.post(url, {"title": ""})
    page = response.content.decode()
    summary = _summary(page)
    assert 'role="alert"' in summary
    assert 'tabindex="-1"' in summary
    for target in re.findall(r'href="#([\w-]+)"', summary):
        assert f'id="{target}"' in page
    assert re.search(r'href="#id_\w+"', summary)


class _Form(forms.Form):
    title = forms.CharField(label="Titel")


def test_a_refusal_without_a_field_stands_in_the_same_summary():
    form = _Form({"title": ""})
    form.is_valid()
    form.add_error(None, "Deze bijeenkomst is al voorbij.")
    page = render_to_string("partials/form.html", {"form": form})
    summary = _summary(page)
    assert "Deze bijeenkomst is al voorbij." in summary
    assert '<a class="utrecht-link" href="#id_title">Titel:' in summary
    assert page.count('role="alert"') == 1


def test_the_pages_load_the_script_that_focuses_the_summary(client, world):
    client.force_login(world.lead)
    page = client.get(reverse("core:home")).content.decode()
    assert "leerkring/error-summary" in page


@pytest.mark.parametrize(
    ("visitor", "says", "never"),
    [
        ("coordinator", "vraag dan de communitytrekker", "Vraag het aan het coördinatiepunt"),
        ("system_partner", "coördinatiepunt van het programma", "communitytrekker"),
        ("evaluator", "coördinatiepunt van het programma", "communitytrekker van je"),
        ("lead", "Vraag het aan het coördinatiepunt van het programma.", "communitytrekker"),
        ("participant", "Vraag het aan de communitytrekker van je gemeenschap.", "stelsel"),
        ("nobody", "Je account hoort nog bij geen gemeenschap", "stelsel"),
    ],
)
def test_the_403_page_tells_each_role_whom_to_ask(client, world, visitor, says, never):
    client.force_login(getattr(world, visitor))
    # Another programme's community: closed to every one of them.
    response = client.get(reverse("communities:community", args=[world.foreign.pk]))
    assert response.status_code == 403
    page = response.content.decode()
    assert "Geen toegang" in page
    assert says in page
    assert never not in page
