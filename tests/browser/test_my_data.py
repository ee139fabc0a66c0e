"""Journey: a participant opens Mijn gegevens from the header, sees where they are signed in,
downloads their data and reads what leaving would mean; every page checked with axe-core."""

from __future__ import annotations

import io
import zipfile

import pytest
from playwright.sync_api import Page, expect

from tests import factories
from tests.browser.helpers import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_participant_looks_after_their_own_data(page: Page):
    membership = factories.MembershipFactory(
        community__name="CoP Achterhoek", person__full_name="Fatima el Amrani"
    )
    sign_in(page, membership.person.user.email)

    page.get_by_role("link", name="Mijn gegevens: Fatima el Amrani").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mijn gegevens")
    assert_accessible(page, "my-data")

    page.get_by_role("link", name="Waar je bent ingelogd").click()
    expect(page.get_by_role("main")).to_contain_text("deze sessie")
    assert_accessible(page, "my-sessions")

    page.goto("/me/export/")
    assert_accessible(page, "my-data-export")
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Downloaden").click()
    archive = zipfile.ZipFile(io.BytesIO(download_info.value.path().read_bytes()))
    assert "CoP Achterhoek" in archive.read("overzicht.html").decode()

    page.goto("/me/erase/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Mijn account verwijderen")
    assert_accessible(page, "my-account-erase")

    page.goto("/me/password/")
    assert_accessible(page, "my-password")
