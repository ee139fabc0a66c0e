"""Impact: what reached beyond the room — signals resolved or answered at the system level,
products used beyond the community."""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.db.models import Exists, OuterRef, Q, Subquery

from leerkring.dissemination.models import Dissemination, Product
from leerkring.signalling.models import Escalation, Signal, SignalEvent, SignalResponse

from .data import LIST_LIMIT, Impact, Period, ProductUse, SystemSignal
from .output import local_date


def report_impact(*, community_ids: list[int], product_scope: Q, period: Period) -> Impact:
    start, end = period.bounds()
    impact = Impact()
    resolved_in_period = SignalEvent.objects.filter(
        signal=OuterRef("pk"),
        to_state=Signal.State.RESOLVED,
        created_at__gte=start,
        created_at__lt=end,
    )
    system_answer = SignalResponse.objects.filter(
        signal=OuterRef("pk"),
        source=SignalResponse.Source.SYSTEM,
        created_at__gte=start,
        created_at__lt=end,
    )
    first_system_escalation = Escalation.objects.filter(
        signal=OuterRef("pk"), level=Escalation.Level.SYSTEM
    ).order_by("escalated_at", "pk")
    signals = (
        Signal.objects.filter(community_id__in=community_ids)
        .filter(Exists(first_system_escalation))
        .filter(Exists(resolved_in_period) | Exists(system_answer))
        .annotate(
            escalated_at=Subquery(first_system_escalation.values("escalated_at")[:1]),
            answered_by_system=Exists(
                SignalResponse.objects.filter(
                    signal=OuterRef("pk"), source=SignalResponse.Source.SYSTEM
                )
            ),
        )
        .select_related("community")
    )
    impact.system_signals_total = signals.count()
    if impact.system_signals_total:
        impact.system_signals = [
            SystemSignal(
                title=s.title,
                community=s.community.name,
                state=s.get_state_display(),
                escalated_on=local_date(s.escalated_at),
                answered=s.answered_by_system,
            )
            for s in signals.order_by("-escalated_at", "-pk")[:LIST_LIMIT]
        ]

    uses = Dissemination.objects.filter(
        beyond_community=True,
        shared_on__gte=period.start,
        shared_on__lte=period.end,
        product__in=Product.objects.filter(product_scope).values("pk"),
    )
    per_product: dict[int, list[tuple[str, datetime.date]]] = defaultdict(list)
    for product_id, channel, shared_on in uses.values_list("product_id", "channel", "shared_on"):
        per_product[product_id].append((channel, shared_on))
    impact.products_beyond_total = len(per_product)
    impact.disseminations_beyond = sum(len(v) for v in per_product.values())
    if per_product:
        channels = dict(Dissemination.Channel.choices)
        kinds = dict(Product.Kind.choices)
        ranked = sorted(per_product, key=lambda pk: (-len(per_product[pk]), pk))[:LIST_LIMIT]
        titles = dict(
            (pk, (title, kind))
            for pk, title, kind in Product.objects.filter(pk__in=ranked).values_list(
                "pk", "title", "kind"
            )
        )
        for pk in ranked:
            shares = per_product[pk]
            title, kind = titles[pk]
            impact.products_beyond.append(
                ProductUse(
                    title=title,
                    kind=str(kinds.get(kind, kind)),
                    uses=len(shares),
                    channels=", ".join(
                        sorted({str(channels.get(channel, channel)) for channel, _d in shares})
                    ),
                    last_shared_on=max(day for _c, day in shares),
                )
            )
    return impact
