"""Who may see and do what: the acting user, scoped through their memberships.

Every read of business rows starts from :class:`Actor`, so a query can never reach
an organization the user does not belong to. Outside one's organizations a thing
does not exist (404); inside them, an action the role lacks is refused (403).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import cached_property

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from . import shared_cache
from .models import Company, Membership, Organization, User
from .permissions import MATRIX, UnknownAction, allowed
from .roles import STAFF_ROLES, Role


def memberships_key(user_id: int) -> str:
    return f"access:memberships:{user_id}"


def _active_memberships(user: User) -> list[Membership]:
    """The memberships every check of the user's rights starts from: active, in an active
    organization, with the organization and the membership's company limits."""
    return list(
        Membership.objects.filter(user=user, is_active=True, organization__is_active=True)
        .select_related("organization")
        .prefetch_related("companies")
    )


def forget_memberships(user_ids) -> None:
    """Drop the kept memberships of ``user_ids`` once the change commits: the next request of
    each reads its rights from the database (tase.core.signals calls it on every save or
    delete of a membership, its company limits or an organization). ``user_ids`` may be a
    query: it is read only when a shared cache is configured."""
    if shared_cache.enabled():
        shared_cache.forget(*(memberships_key(pk) for pk in set(user_ids)))


@dataclass
class Actor:
    user: User
    memberships: list[Membership] = field(default_factory=list)
    # Companies looked up by id (None: not visible), for the life of the actor: one request,
    # since it is cached on the request's user. A page's view and its banners share the row.
    _seen_companies: dict[int, Company | None] = field(
        default_factory=dict, repr=False, compare=False
    )

    @classmethod
    def of(cls, user: User) -> Actor:
        """The actor for ``user``, memberships loaded once (cached on the user object, and in
        the shared cache between requests until a membership, its companies or its
        organization changes: see :func:`forget_memberships`)."""
        cached = getattr(user, "_tase_actor", None)
        if cached is not None:
            return cached
        memberships = []
        if user.is_authenticated and user.is_active:
            memberships = shared_cache.remember(
                memberships_key(user.pk), lambda: _active_memberships(user)
            )
        actor = cls(user, memberships)
        user._tase_actor = actor
        return actor

    # -- roles ---------------------------------------------------------------
    @cached_property
    def staff_memberships(self) -> list[Membership]:
        return [m for m in self.memberships if m.organization.is_vendor and m.role in STAFF_ROLES]

    @cached_property
    def customer_memberships(self) -> list[Membership]:
        return [
            m
            for m in self.memberships
            if not m.organization.is_vendor and m.role not in STAFF_ROLES
        ]

    @cached_property
    def reach(self) -> str:
        """A short digest of what the actor's rights are read from: each membership's
        organization, role and company limits. A value kept per user in the shared cache is
        kept under it, so that other rights (a membership ended, a role changed) never read a
        value kept under the old ones."""
        rights = sorted(
            (m.organization_id, m.role, sorted(c.pk for c in m.companies.all()))
            for m in self.memberships
        )
        return hashlib.blake2s(repr(rights).encode(), digest_size=8).hexdigest()

    @property
    def is_vendor_staff(self) -> bool:
        return bool(self.staff_memberships)

    @property
    def is_platform_operator(self) -> bool:
        """The operator of the installation (a Django superuser): reads the whole audit
        trail, every vendor's included. A role of its own, outside every organization."""
        return bool(self.user.is_active and self.user.is_superuser)

    def can_read_audit(self) -> bool:
        return self.is_platform_operator or self.can("audit.view")

    @cached_property
    def roles(self) -> set[Role]:
        return {Role(m.role) for m in self.memberships}

    def roles_in(self, organization: Organization) -> set[Role]:
        """The roles that apply in ``organization``: one's own there, and staff roles of its vendor."""
        roles = {
            Role(m.role) for m in self.customer_memberships if m.organization_id == organization.pk
        }
        vendor_id = organization.pk if organization.is_vendor else organization.vendor_id
        roles |= {Role(m.role) for m in self.staff_memberships if m.organization_id == vendor_id}
        return roles

    def can(self, action: str, organization: Organization | None = None) -> bool:
        """May the actor do ``action`` in ``organization`` (or anywhere, when None)?"""
        if action not in MATRIX:
            raise UnknownAction(action)
        roles = self.roles if organization is None else self.roles_in(organization)
        return any(allowed(role, action) for role in roles)

    def can_in_company(self, action: str, company: Company) -> bool:
        """May the actor do ``action`` in this company (membership limits applied)?

        The same rule as :meth:`companies` (``include_inactive=True``), decided from the
        memberships already loaded and the company row, without a query: pages ask it
        several times a request (may post, may manage, …)."""
        if action not in MATRIX:
            raise UnknownAction(action)
        organization = company.organization
        if not organization.is_active:
            return False
        staff_of = self._staff_vendor_ids(action)
        if organization.vendor_id in staff_of or organization.pk in staff_of:
            return True  # a customer's company, or the vendor's own
        for membership in self._customer_memberships_for(action):
            if membership.organization_id != company.organization_id:
                continue
            limited = {c.pk for c in membership.companies.all()}
            if not limited or company.pk in limited:
                return True
        return False

    # -- scoped querysets ------------------------------------------------------
    def _staff_vendor_ids(self, action: str | None) -> set[int]:
        return {
            m.organization_id
            for m in self.staff_memberships
            if action is None or allowed(m.role, action)
        }

    def _customer_memberships_for(self, action: str | None) -> list[Membership]:
        return [m for m in self.customer_memberships if action is None or allowed(m.role, action)]

    def organizations(self, action: str | None = None) -> QuerySet[Organization]:
        """Organizations the actor may see (or do ``action`` in)."""
        vendor_ids = self._staff_vendor_ids(action)
        own_ids = {m.organization_id for m in self._customer_memberships_for(action)}
        if not own_ids and not vendor_ids:
            return Organization.objects.none()
        # Only the parts that can match are written: an empty ``IN ()`` is still compiled,
        # on every page.
        condition = Q(pk__in=own_ids | vendor_ids)
        if vendor_ids:
            condition |= Q(vendor_id__in=vendor_ids)
        return Organization.objects.filter(condition, is_active=True)

    def companies(
        self, action: str | None = None, *, include_inactive: bool = False
    ) -> QuerySet[Company]:
        """Companies the actor may see (or do ``action`` in), membership limits applied.
        Inactive companies (an archived test environment) are left out of these lists and
        pickers unless asked for; ``company()`` still reaches them by id."""
        vendor_ids = self._staff_vendor_ids(action)
        # The vendor's customers' companies, and the vendor's own (it invoices through Tase);
        # only the parts that can match are written (an empty ``IN ()`` is still compiled).
        condition = Q()
        if vendor_ids:
            condition = Q(organization__vendor_id__in=vendor_ids) | Q(
                organization_id__in=vendor_ids
            )
        for membership in self._customer_memberships_for(action):
            limited = [c.pk for c in membership.companies.all()]
            scope = Q(organization_id=membership.organization_id)
            condition |= scope & Q(pk__in=limited) if limited else scope
        if not condition:
            return Company.objects.none()
        companies = Company.objects.filter(condition, organization__is_active=True)
        if not include_inactive:
            companies = companies.filter(is_active=True)
        return companies.select_related("organization")

    # -- guards --------------------------------------------------------------
    def organization(self, pk, action: str | None = None) -> Organization:
        """The organization ``pk`` if visible (else 404), checked for ``action`` (else 403)."""
        try:
            organization = self.organizations().get(pk=pk)
        except (Organization.DoesNotExist, ValueError, TypeError):
            raise Http404 from None
        if action is not None:
            self.require(action, organization)
        return organization

    def company(self, pk, action: str | None = None) -> Company:
        """The company ``pk`` if visible (else 404), checked for ``action`` (else 403)."""
        company = self.visible_company(pk)
        if company is None:
            raise Http404
        if action is not None and not self.can_in_company(action, company):
            raise PermissionDenied(action)
        return company

    def visible_company(self, pk) -> Company | None:
        """The company ``pk`` if the actor sees it (an archived one too), else None; read once
        for the actor's life (a request)."""
        try:
            key = int(pk)
        except (ValueError, TypeError):
            return None
        if key not in self._seen_companies:
            self._seen_companies[key] = self.companies(include_inactive=True).filter(pk=key).first()
        return self._seen_companies[key]

    def require(self, action: str, organization: Organization | None = None) -> None:
        if organization is not None and not self.roles_in(organization):
            raise Http404
        if not self.can(action, organization):
            raise PermissionDenied(action)
