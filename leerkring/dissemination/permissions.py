"""Who may see or do what with products, newsletters and the knowledge view.

A product is the community's until it is marked shareable; then every member of every
community of the programme may browse it (DESIGN.md §2). Leads and facilitators keep their
community's products; coordinators keep the programme's newsletter and may edit every
product. Newsletters are public or for the programme's members, per newsletter.
"""

from __future__ import annotations

from leerkring.communities import permissions as community_permissions
from leerkring.communities.models import LEAD_ROLES, Community, Programme
from leerkring.communities.permissions import COORDINATOR, EVALUATOR, access_for

from .models import Newsletter, NewsletterIssue, Product


def is_programme_member(user, programme: Programme) -> bool:
    """A member of any community of the programme, or one of its programme roles."""
    access = access_for(user)
    if access.programme_roles.get(programme.pk):
        return True
    if not access.community_roles:
        return False
    return Community.objects.filter(pk__in=access.community_roles, programme=programme).exists()


def can_view_catalogue(user, programme: Programme) -> bool:
    return is_programme_reader(user, programme)


def can_view_product(user, product: Product) -> bool:
    if access_for(user).has_programme_role(product.programme_id, COORDINATOR, EVALUATOR):
        return True
    if is_product_member(user, product):
        return True
    return product.shareable and is_programme_reader(user, product.programme)


def can_create_product(user, community: Community) -> bool:
    return community_permissions.is_member(user, community) or access_for(user).has_programme_role(
        community.programme_id, COORDINATOR
    )


def can_edit_product(user, product: Product) -> bool:
    if access_for(user).has_programme_role(product.programme_id, COORDINATOR):
        return True
    roles = access_for(user).community_roles
    guided = {c for c, role in roles.items() if role != "participant"}
    if guided and product.communities.filter(pk__in=guided).exists():
        return True
    # Whoever made the product keeps working on it while still a member behind it.
    return (
        product.created_by_id is not None
        and product.created_by_id == getattr(user, "pk", None)
        and is_product_member(user, product)
    )


def can_edit_newsletter(user, newsletter: Newsletter) -> bool:
    if newsletter.community_id is None:
        return access_for(user).has_programme_role(newsletter.programme_id, COORDINATOR)
    return community_permissions.is_lead(user, newsletter.community) or access_for(
        user
    ).has_programme_role(newsletter.programme_id, COORDINATOR)


def can_read_newsletter(user, newsletter: Newsletter) -> bool:
    """A public archive is for everyone; a members-only one for the programme's readers (see
    `is_programme_reader`: system partners see escalated signals, not the programme's news)."""
    return newsletter.is_public or is_programme_reader(user, newsletter.programme)


def can_view_knowledge(user, programme: Programme) -> bool:
    return is_programme_reader(user, programme)


# --- Products and knowledge view ----------------------------------------------------------


def is_programme_reader(user, programme: Programme) -> bool:
    """Who may browse what the programme's communities share: their members, coordinators and
    evaluators. System partners are left out on purpose: they see escalated signals and the
    answers only (DESIGN.md §2), not the programme's products or lessons."""
    access = access_for(user)
    if access.has_programme_role(programme.pk, COORDINATOR, EVALUATOR):
        return True
    if not access.community_roles:
        return False
    return Community.objects.filter(pk__in=access.community_roles, programme=programme).exists()


def is_product_member(user, product: Product) -> bool:
    """A member of one of the communities behind the product: it is theirs, shared or not."""
    own = set(access_for(user).community_roles)
    return bool(own) and product.communities.filter(pk__in=own).exists()


def can_see_product_names(user, product: Product) -> bool:
    """Who added a file or recorded where the product was shared: names are for the members
    behind the product (DESIGN.md §2), not for every reader of a shared product."""
    return is_product_member(user, product)


# --- Search -------------------------------------------------------------------------------


def can_view_lesson(user, lesson) -> bool:
    """A lesson is its community's; once marked shareable it travels to everyone who reads
    what the programme's communities share (`is_programme_reader`), as in the knowledge view."""
    if community_permissions.is_member(user, lesson.community):
        return True
    return lesson.shareable and is_programme_reader(user, lesson.community.programme)


# --- Newsletter ----------------------------------------------------------------------------


def newsletter_communities_for(user, programme: Programme):
    """The communities one may make a newsletter for: all of the programme's for its
    coordinator, the ones one leads for a lead (as CoP Fryslân did after each meeting)."""
    communities = Community.objects.filter(programme=programme).order_by("name")
    if access_for(user).has_programme_role(programme.pk, COORDINATOR):
        return communities
    led = [pk for pk, role in access_for(user).community_roles.items() if role in LEAD_ROLES]
    return communities.filter(pk__in=led)


def can_create_newsletter(user, programme: Programme) -> bool:
    if access_for(user).has_programme_role(programme.pk, COORDINATOR):
        return True
    return newsletter_communities_for(user, programme).exists()


def can_create_programme_newsletter(user, programme: Programme) -> bool:
    return access_for(user).has_programme_role(programme.pk, COORDINATOR)


def can_view_issue(user, issue: NewsletterIssue) -> bool:
    """A draft is its editors' work; once published it belongs to the archive's readers."""
    if issue.status == NewsletterIssue.Status.DRAFT:
        return can_edit_newsletter(user, issue.newsletter)
    return can_read_newsletter(user, issue.newsletter)


def can_subscribe(user, newsletter: Newsletter) -> bool:
    """Who may sign up: anyone for a public newsletter, the programme's readers otherwise."""
    return can_read_newsletter(user, newsletter)


def can_view_subscriber_counts(user, newsletter: Newsletter) -> bool:
    return can_edit_newsletter(user, newsletter)


def can_view_subscribers(user, newsletter: Newsletter) -> bool:
    """Subscribers' addresses are personal data of people outside the programme too
    (docs/privacy.md "Nieuwsbrief"): the programme's coordinators only, not community leads."""
    return access_for(user).has_programme_role(newsletter.programme_id, COORDINATOR)
