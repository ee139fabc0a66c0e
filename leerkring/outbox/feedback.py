"""What the person who asked to send failed e-mail again is told.

Meetings, survey waves and newsletter issues each have a button "Opnieuw versturen naar wie
het niet kreeg"; the answer reads the same everywhere, so it is written once here.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import ngettext


def tell_resend(request: HttpRequest, count: int, *, with_new_link: bool = False) -> None:
    """Say how many e-mails go out again, or that none had failed.

    A survey invitation goes out again with a new link (the old one is exchanged), and the
    message says so, because the person who gets it may still hold the old e-mail.
    """
    if not count:
        messages.info(request, _("Er is geen mislukte e-mail om opnieuw te versturen."))
        return
    if with_new_link:
        text = ngettext(
            "%(count)s e-mail wordt opnieuw verstuurd, met een nieuwe link.",
            "%(count)s e-mails worden opnieuw verstuurd, met een nieuwe link.",
            count,
        )
    else:
        text = ngettext(
            "%(count)s e-mail wordt opnieuw verstuurd.",
            "%(count)s e-mails worden opnieuw verstuurd.",
            count,
        )
    messages.success(request, text % {"count": count})
