"""How a refused upload's size is told to the person who chose it."""

from __future__ import annotations

import math

from django.utils.formats import number_format
from django.utils.translation import gettext as _

MEGABYTE = 1024 * 1024


def too_large_message(*, size: int, limit: int) -> str:
    """ "Dit bestand is 20,1 MB; het maximum is 20 MB." The size is rounded up to a tenth of
    a megabyte: a file just over the limit must never read as the limit itself ("te groot
    (20,0 MB). Het maximum is 20 MB")."""
    tenths = math.ceil(size * 10 / MEGABYTE)
    limit_mb = limit / MEGABYTE
    return _("Dit bestand is %(size)s MB; het maximum is %(max)s MB.") % {
        "size": number_format(tenths / 10, decimal_pos=1),
        "max": number_format(limit_mb, decimal_pos=0 if limit_mb.is_integer() else 1),
    }
