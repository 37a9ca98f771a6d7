"""The system actor: who the `tase` command line acts as.

A management command runs outside any user. ``SystemActor`` has the same surface
as :class:`tase.core.access.Actor` that the ledger services use (``user``, ``can``,
``company``, ``companies``, ``require``) and allows everything; the audit trail
records its events with no user and the label "system".
"""

from __future__ import annotations

from django.http import Http404

from tase.core.models import Company, Organization


class SystemActor:
    user = None
    is_vendor_staff = True
    memberships: list = []

    def can(self, action: str, organization=None) -> bool:
        return True

    def can_in_company(self, action: str, company) -> bool:
        return True

    def companies(self, action: str | None = None):
        return Company.objects.select_related("organization")

    def organizations(self, action: str | None = None):
        return Organization.objects.all()

    def company(self, pk, action: str | None = None) -> Company:
        try:
            return self.companies().get(pk=pk)
        except (Company.DoesNotExist, ValueError, TypeError):
            raise Http404 from None

    def require(self, action: str, organization=None) -> None:
        return None
