"""Who may see or do what with products, newsletters and the knowledge view.

A product is the community's until it is marked shareable; then every member of every
community of the programme may browse it (DESIGN.md §2). Leads and facilitators keep their
community's products; coordinators keep the programme's newsletter and may edit every
product. Newsletters are public or for the programme's members, per newsletter.
"""

from __future__ import annotations

from leerkring.communities import permissions as community_permissions
from leerkring.communities.models import Community, Programme
from leerkring.communities.permissions import COORDINATOR, EVALUATOR, access_for

from .models import Newsletter, Product


def is_programme_member(user, programme: Programme) -> bool:
    """A member of any community of the programme, or one of its programme roles."""
    access = access_for(user)
    if access.programme_roles.get(programme.pk):
        return True
    if not access.community_roles:
        return False
    return Community.objects.filter(pk__in=access.community_roles, programme=programme).exists()


def can_view_catalogue(user, programme: Programme) -> bool:
    return is_programme_member(user, programme)


def can_view_product(user, product: Product) -> bool:
    if access_for(user).has_programme_role(product.programme_id, COORDINATOR, EVALUATOR):
        return True
    own = set(access_for(user).community_roles)
    if own and product.communities.filter(pk__in=own).exists():
        return True
    return product.shareable and is_programme_member(user, product.programme)


def can_create_product(user, community: Community) -> bool:
    return community_permissions.is_member(user, community) or access_for(
        user
    ).has_programme_role(community.programme_id, COORDINATOR)


def can_edit_product(user, product: Product) -> bool:
    if access_for(user).has_programme_role(product.programme_id, COORDINATOR):
        return True
    roles = access_for(user).community_roles
    guided = {c for c, role in roles.items() if role != "participant"}
    return bool(guided) and product.communities.filter(pk__in=guided).exists()


def can_edit_newsletter(user, newsletter: Newsletter) -> bool:
    if newsletter.community_id is None:
        return access_for(user).has_programme_role(newsletter.programme_id, COORDINATOR)
    return community_permissions.is_lead(user, newsletter.community) or access_for(
        user
    ).has_programme_role(newsletter.programme_id, COORDINATOR)


def can_read_newsletter(user, newsletter: Newsletter) -> bool:
    return newsletter.is_public or is_programme_member(user, newsletter.programme)


def can_view_knowledge(user, programme: Programme) -> bool:
    return is_programme_member(user, programme)
