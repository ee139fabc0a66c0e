"""Minutes: Markdown sanitised on output, preview, sending round, DOCX and PDF downloads."""

import io

import docx
import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation
from pypdf import PdfReader

from leerkring.core import emails
from leerkring.core.markdown import clean_text, render_markdown
from leerkring.meetings import services
from leerkring.meetings.models import Agreement, Lesson
from tests import factories, pdf_tools
from tests.confirm import CONFIRMED

HOSTILE = (
    "# Verslag\n\n"
    "<script>alert('xss')</script>\n\n"
    '<img src="x.png" onerror="alert(1)">\n\n'
    '<p onclick="steal()">Klik</p>\n\n'
    "[gevaarlijk](javascript:alert(2)) en "
    '<a href="javascript:alert(3)">ook</a> en [veilig](https://example.nl)\n'
)


def test_markdown_is_rendered_and_script_handlers_and_javascript_urls_are_stripped():
    html = render_markdown(HOSTILE)
    assert "<h1>Verslag</h1>" in html
    assert "<script" not in html and "alert('xss')" not in html
    assert "onerror" not in html and "onclick" not in html
    assert "javascript:" not in html
    assert 'href="https://example.nl"' in html
    assert "Klik" in html


def test_headings_move_down_under_the_page_heading():
    assert "<h3>Kop</h3>" in render_markdown("# Kop", heading_offset=2)


def test_the_template_filter_sanitises(client, world, meeting):
    services.minutes_save(meeting=meeting, minutes=HOSTILE, by=world.lead)
    client.force_login(world.participant)
    page = client.get(reverse("meetings:meeting_detail", args=[meeting.pk])).content.decode()
    assert "alert('xss')" not in page
    assert "onerror=" not in page
    assert "javascript:alert" not in page
    assert "<h3>Verslag</h3>" in page  # `#` under the section's h2


def test_the_preview_shows_the_result_without_saving(client, world, meeting):
    client.force_login(world.lead)
    url = reverse("meetings:minutes", args=[meeting.pk])
    response = client.post(url, {"minutes": "**Belangrijk**<script>x()</script>", "preview": "1"})
    assert response.status_code == 200
    assert "<strong>Belangrijk</strong>" in response.content.decode()
    assert "<script>x()" not in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.minutes == ""

    response = client.post(url, {"minutes": "## Opening\n\nWelkom", "save": "1"})
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.minutes == "## Opening\n\nWelkom"
    assert meeting.minutes_updated_at is not None


def test_sending_the_minutes_mails_every_current_member_once(
    client, world, meeting, django_capture_on_commit_callbacks
):
    left = factories.MembershipFactory(
        community=world.community, left_on=timezone.localdate() - timezone.timedelta(days=1)
    )
    services.minutes_save(meeting=meeting, minutes="# Verslag\n\n- punt één", by=world.lead)
    client.force_login(world.lead)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("meetings:minutes_send", args=[meeting.pk]), CONFIRMED)
    assert response.status_code == 302
    recipients = sorted(address for message in mail.outbox for address in message.to)
    expected = sorted(
        m.person.email for m in (world.participant_m, world.lead_m, world.facilitator_m)
    )
    assert recipients == expected
    assert left.person.email not in recipients
    assert world.sibling_member_m.person.email not in recipients
    message = mail.outbox[0]
    assert "punt één" in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html" and "<li>punt één</li>" in html
    assert message.message()["Content-Type"].startswith("multipart/alternative")
    meeting.refresh_from_db()
    assert meeting.minutes_sent_at is not None


def test_empty_minutes_are_not_sent(client, world, meeting):
    client.force_login(world.lead)
    response = client.post(
        reverse("meetings:minutes_send", args=[meeting.pk]), CONFIRMED, follow=True
    )
    assert "Er is nog geen verslag om rond te sturen." in response.content.decode()
    assert mail.outbox == []
    meeting.refresh_from_db()
    assert meeting.minutes_sent_at is None


@pytest.fixture
def written_meeting(world, meeting):
    services.minutes_save(
        meeting=meeting,
        minutes="# Opening\n\nDe wethouder van Zoë's gemeente is enthousiast.\n\n"
        "- Naïeve vragen zijn welkom\n- Café na afloop\n",
        by=world.lead,
    )
    Lesson.objects.create(
        meeting=meeting, community=world.community, text="Leerpunt over één aanpak"
    )
    Agreement.objects.create(
        meeting=meeting,
        community=world.community,
        text="Afspraak met ëxtra",
        owner=world.participant_m,
    )
    return meeting


def test_the_docx_opens_and_carries_minutes_lessons_and_agreements(client, world, written_meeting):
    client.force_login(world.participant)
    response = client.get(reverse("meetings:minutes_docx", args=[written_meeting.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    document = docx.Document(io.BytesIO(response.content))
    paragraphs = [(p.style.name, p.text) for p in document.paragraphs]
    texts = [text for _style, text in paragraphs]
    assert "Verslag CoP Achterhoek" in texts
    assert "De wethouder van Zoë's gemeente is enthousiast." in texts
    assert ("List Bullet", "Naïeve vragen zijn welkom") in paragraphs
    assert any(style.startswith("Heading") and text == "Opening" for style, text in paragraphs)
    assert any("Leerpunt over één aanpak" in text for text in texts)
    assert any("Afspraak met ëxtra" in text for text in texts)
    assert any(text.startswith("Aanwezig:") for text in texts)


def test_the_docx_is_dutch_and_says_honestly_who_made_it_and_when(client, world, written_meeting):
    """Word checks spelling in the document's language (docDefaults and theme), and shows the
    core properties under File > Info."""
    client.force_login(world.participant)
    before = timezone.now().replace(microsecond=0)
    response = client.get(reverse("meetings:minutes_docx", args=[written_meeting.pk]))
    document = docx.Document(io.BytesIO(response.content))
    properties = document.core_properties
    assert properties.title == "Verslag CoP Achterhoek"
    assert properties.author == "Leerkring"
    assert properties.author != "python-docx"
    assert properties.language == "nl-NL"
    assert properties.comments == ""
    assert properties.created >= before
    assert properties.modified == properties.created
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    languages = [element.get(f"{w}val") for element in document.styles.element.iter(f"{w}lang")]
    assert languages == ["nl-NL"]
    assert document.settings.element.find(f"{w}themeFontLang").get(f"{w}val") == "nl-NL"


def test_the_pdf_is_a_pdf_with_dutch_characters(client, world, written_meeting):
    client.force_login(world.facilitator)
    response = client.get(reverse("meetings:minutes_pdf", args=[written_meeting.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Zoë's gemeente" in text
    assert "Naïeve vragen" in text
    assert "Café na afloop" in text
    assert "Afspraak met ëxtra" in text


def test_the_pdf_is_tagged_dutch_titled_and_numbered(client, world, written_meeting):
    """Read back with poppler and pypdf, not with the library that wrote it: a screen reader
    needs the structure tree, the language and the title."""
    client.force_login(world.participant)
    response = client.get(reverse("meetings:minutes_pdf", args=[written_meeting.pk]))
    assert response.status_code == 200
    pdf_tools.assert_accessible(response.content, title="Verslag CoP Achterhoek")
    types = pdf_tools.structure_types(response.content)
    assert types["/H1"] == 1
    assert types["/H2"] == 4  # Agenda, Verslag, Leerpunten, Afspraken
    assert types["/H3"] == 1  # "# Opening" in the minutes, one level below "Verslag"
    assert types["/L"] >= 3 and types["/LI"] >= 4
    text = pdf_tools.pdftotext(response.content)
    assert "Pagina 1 van 1" in text
    order = [
        text.index(heading)
        for heading in ("Verslag CoP Achterhoek", "Agenda", "Opening", "Naïeve vragen zijn welkom", "Leerpunten", "Afspraken", "Afspraak met ëxtra")
    ]  # fmt: skip
    assert order == sorted(order)


def test_long_minutes_get_page_numbers_on_every_page(client, world, written_meeting):
    services.minutes_save(
        meeting=written_meeting,
        minutes="\n\n".join(f"## Punt {n}\n\n" + "Er is lang gesproken. " * 40 for n in range(40)),
        by=world.lead,
    )
    client.force_login(world.participant)
    response = client.get(reverse("meetings:minutes_pdf", args=[written_meeting.pk]))
    pages = pdf_tools.pdftotext(response.content).split("\f")[:-1]
    assert len(pages) > 3
    for number, page in enumerate(pages, start=1):
        assert f"Pagina {number} van {len(pages)}" in page


@pytest.mark.parametrize("visitor", ["coordinator", "system_partner", "sibling_member"])
def test_people_outside_the_community_cannot_download_minutes(
    client, world, written_meeting, visitor
):
    client.force_login(getattr(world, visitor))
    for name in ("meetings:minutes_docx", "meetings:minutes_pdf"):
        assert client.get(reverse(name, args=[written_meeting.pk])).status_code == 403


# --- Control characters and what the export shows ----------------------------------------

WORD_PASTE = "Opening\x01 door de\x0b wethouder\x1f\tmet tab\n"


def test_clean_text_drops_control_characters_but_keeps_tabs_and_newlines():
    assert clean_text("a\x00b\x08c\x0bd\x0ce\x0ef\x1fg\th\ni\rj") == "abcdefg\th\ni\rj"
    assert clean_text(None) == ""


def test_saving_minutes_drops_control_characters_pasted_from_word(world, meeting):
    services.minutes_save(meeting=meeting, minutes=WORD_PASTE, by=world.lead)
    meeting.refresh_from_db()
    assert meeting.minutes == "Opening door de wethouder\tmet tab"


def test_agenda_titles_outcomes_and_messages_are_stored_without_control_characters(world, meeting):
    item = services.agenda_item_add(meeting=meeting, by=world.lead, title="Casus\x01 A")
    services.agenda_item_update(item=item, by=world.lead, title="Casus\x02 B")
    lesson = services.lesson_create(
        meeting=meeting, by=world.lead, text="Leerpunt\x03", learning_order="first"
    )
    agreement = services.agreement_create(
        meeting=meeting, by=world.lead, text="Afspraak\x04", owner=world.participant_m
    )
    thread = services.thread_start(
        community=world.community,
        author=world.lead_m.person,
        title="Vraag\x05",
        body="Bericht\x06",
        by=world.lead,
    )
    item.refresh_from_db()
    lesson.refresh_from_db()
    agreement.refresh_from_db()
    thread.refresh_from_db()
    assert item.title == "Casus B"
    assert (lesson.text, agreement.text) == ("Leerpunt", "Afspraak")
    assert (thread.title, thread.messages.get().body) == ("Vraag", "Bericht")


def test_the_docx_survives_control_characters_already_stored(client, world, written_meeting):
    """Rows written before the cleaning (or by an import) must not turn the download into an
    error page: python-docx refuses text that is not valid XML."""
    type(written_meeting).objects.filter(pk=written_meeting.pk).update(
        minutes="Tekst\x01 uit Word", title="Bijeenkomst\x02"
    )
    Lesson.objects.filter(meeting=written_meeting).update(text="Leerpunt\x03 zonder fout")
    client.force_login(world.participant)
    response = client.get(reverse("meetings:minutes_docx", args=[written_meeting.pk]))
    assert response.status_code == 200
    texts = [p.text for p in docx.Document(io.BytesIO(response.content)).paragraphs]
    assert "Tekst uit Word" in texts
    assert any("Leerpunt zonder fout" in text for text in texts)


def _docx_texts(client, meeting) -> str:
    response = client.get(reverse("meetings:minutes_docx", args=[meeting.pk]))
    assert response.status_code == 200
    return "\n".join(p.text for p in docx.Document(io.BytesIO(response.content)).paragraphs)


def _pdf_text(client, meeting) -> str:
    response = client.get(reverse("meetings:minutes_pdf", args=[meeting.pk]))
    assert response.status_code == 200
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)


def test_the_export_leaves_out_an_agenda_members_cannot_see_yet(client, world, written_meeting):
    services.agenda_item_add(meeting=written_meeting, by=world.lead, title="Voorbereiding trekker")
    client.force_login(world.participant)
    assert "Voorbereiding trekker" not in _docx_texts(client, written_meeting)
    assert "Voorbereiding trekker" not in _pdf_text(client, written_meeting)
    client.force_login(world.lead)
    assert "Voorbereiding trekker" in _docx_texts(client, written_meeting)
    services.agenda_publish(meeting=written_meeting, by=world.lead)
    client.force_login(world.participant)
    assert "Voorbereiding trekker" in _docx_texts(client, written_meeting)
    assert "Voorbereiding trekker" in _pdf_text(client, written_meeting)


# --- Language of the e-mails ---------------------------------------------------------------


def test_the_minutes_mail_is_written_in_the_site_language(world, meeting, monkeypatch):
    """The lead may browse in English; the members get the site's language."""
    languages = []
    build = emails.email_build

    def spy(**kwargs):
        languages.append(translation.get_language())
        return build(**kwargs)

    monkeypatch.setattr(emails, "email_build", spy)
    services.minutes_save(meeting=meeting, minutes="Verslag", by=world.lead)
    with translation.override("en"):
        services.minutes_send(meeting=meeting, by=world.lead)
    assert languages and set(languages) == {settings.LANGUAGE_CODE}
