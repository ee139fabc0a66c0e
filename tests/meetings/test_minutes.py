"""Minutes: Markdown sanitised on output, preview, sending round, DOCX and PDF downloads."""

import io

import docx
import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from leerkring.meetings import services
from leerkring.meetings.markdown import render_markdown
from leerkring.meetings.models import Agreement, Lesson
from tests import factories

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
        response = client.post(reverse("meetings:minutes_send", args=[meeting.pk]))
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
    response = client.post(reverse("meetings:minutes_send", args=[meeting.pk]), follow=True)
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


@pytest.mark.parametrize("visitor", ["coordinator", "system_partner", "sibling_member"])
def test_people_outside_the_community_cannot_download_minutes(
    client, world, written_meeting, visitor
):
    client.force_login(getattr(world, visitor))
    for name in ("meetings:minutes_docx", "meetings:minutes_pdf"):
        assert client.get(reverse(name, args=[written_meeting.pk])).status_code == 403
