"""State changes of the dissemination app, one module per part. Each function validates, runs in
one transaction and writes the audit history.

- `products`: products, their status, files, links and dissemination log
- `newsletters`: newsletters and issues, composing, publishing and sending
- `subscribers`: opting in and out, double opt-in, bounces

Callers use `from leerkring.dissemination import services`; the names below are the public
ones."""

from .newsletters import (
    issue_create,
    issue_item_add_text,
    issue_item_move,
    issue_item_remove,
    issue_item_update,
    issue_mail_resend,
    issue_picks_set,
    issue_publish,
    issue_publish_check,
    issue_send_resume,
    issue_update,
    newsletter_create,
    newsletter_update,
)
from .products import (
    LINK_SCHEMES,
    PRODUCT_FIELDS,
    PRODUCT_STATUS_ORDER,
    dissemination_add,
    dissemination_remove,
    product_create,
    product_file_add,
    product_file_remove,
    product_link_add,
    product_link_remove,
    product_status_change,
    product_status_steps,
    product_update,
    programme_product_create,
)
from .subscribers import (
    access_for_person,
    delivery_mark_bounced,
    subscriber_confirm,
    subscriber_member_join,
    subscriber_request,
    subscriber_unsubscribe,
)

__all__ = [
    "LINK_SCHEMES",
    "PRODUCT_FIELDS",
    "PRODUCT_STATUS_ORDER",
    "access_for_person",
    "delivery_mark_bounced",
    "dissemination_add",
    "dissemination_remove",
    "issue_create",
    "issue_item_add_text",
    "issue_item_move",
    "issue_item_remove",
    "issue_item_update",
    "issue_picks_set",
    "issue_publish",
    "issue_publish_check",
    "issue_mail_resend",
    "issue_send_resume",
    "issue_update",
    "newsletter_create",
    "newsletter_update",
    "product_create",
    "product_file_add",
    "product_file_remove",
    "product_link_add",
    "product_link_remove",
    "product_status_change",
    "product_status_steps",
    "product_update",
    "programme_product_create",
    "subscriber_confirm",
    "subscriber_member_join",
    "subscriber_request",
    "subscriber_unsubscribe",
]
