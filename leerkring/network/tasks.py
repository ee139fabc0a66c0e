"""Background work of the networks: e-mail about a new message to every member who wants it
(a network can have hundreds, too many to render in a web request). The task builds them and
puts them in the outbox, which delivers them. The task holds ids."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django_tasks import task

from leerkring.core import emails
from leerkring.meetings.models import Message
from leerkring.outbox.services import emails_queue

from . import selectors
from .models import Network


@task()
def network_message_notify(message_id: int, network_id: int) -> int:
    message = Message.objects.select_related("thread", "author").filter(pk=message_id).first()
    network = Network.objects.filter(pk=network_id).first()
    if message is None or network is None:
        return 0
    to = selectors.notification_addresses(network=network, exclude_person_id=message.author_id)
    url = settings.SITE_URL + reverse("network:thread", args=[network.pk, message.thread_id])
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Nieuw bericht in %(network)s: %(title)s") % {
            "network": network.name,
            "title": message.thread.title,
        }
        mails = [
            emails.email_build(
                template="network/email/message",
                context={"network": network, "message": message, "url": url},
                subject=subject,
                to=[address],
            )
            for address in to
        ]
    return emails_queue(mails, kind="network.message", scope=network)
