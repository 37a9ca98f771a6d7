"""Sign-in throttling: who the client is behind a proxy, and how many wrong passwords are
allowed per account, per address and in total (django-axes does the counting).

- The client address: with ``TASE_TRUSTED_PROXIES = n`` (the proxies in front of Tase that
  each append the address they saw to ``TASE_CLIENT_IP_HEADER``, X-Forwarded-For by default),
  the n-th address from the right of that header; addresses further left are written by the
  client itself and never trusted. The header is read only when the connection comes from a
  trusted proxy, i.e. the socket's address is in ``TASE_TRUSTED_PROXY_NETWORKS`` (loopback
  and the private networks by default): a client that reaches the app server directly and
  writes the header itself is counted by its own address. Otherwise: the socket's address.
  The audit trail records the same address.
- Per account: ``AXES_FAILURE_LIMIT`` wrong passwords for one account, from any address,
  lock that account's sign-in for the cool-off time (``AXES_COOLOFF_TIME``).
- Per address: ``TASE_LOGIN_ADDRESS_FAILURE_LIMIT`` wrong passwords from one address, for
  any accounts, lock that address (an office behind one NAT address gets room for its people).
- In total: when the whole installation has seen ``TASE_LOGIN_TOTAL_FAILURE_LIMIT`` wrong
  passwords within the cool-off time (password spraying from many addresses), every account
  and address with a wrong password in that time is locked at once; people who have not
  mistyped still sign in.
"""

from __future__ import annotations

import functools
import ipaddress

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum


@functools.lru_cache(maxsize=8)
def _networks(spec: tuple[str, ...]) -> tuple:
    return tuple(ipaddress.ip_network(item, strict=False) for item in spec)


def from_trusted_proxy(address: str | None) -> bool:
    """Whether ``address`` (the socket's peer) is one of TASE_TRUSTED_PROXY_NETWORKS."""
    try:
        peer = ipaddress.ip_address(address or "")
    except ValueError:
        return False
    return any(
        peer in network for network in _networks(tuple(settings.TASE_TRUSTED_PROXY_NETWORKS))
    )


def client_ip(request) -> str | None:
    """The client's address: see the module doc."""
    remote = request.META.get("REMOTE_ADDR")
    hops = settings.TASE_TRUSTED_PROXIES
    if not hops or not from_trusted_proxy(remote):
        return remote
    header = request.META.get(settings.TASE_CLIENT_IP_HEADER, "")
    addresses = [part.strip() for part in header.split(",") if part.strip()]
    if len(addresses) < hops:
        return remote
    candidate = addresses[-hops]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote


def _failures(attempts) -> int:
    return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0


class ThrottleHandler(AxesDatabaseHandler):
    """Axes' database handler with a limit per lockout parameter and one in total."""

    def _locked(self, request, credentials) -> tuple[bool, int]:
        """Whether the request is locked out, and its account's wrong passwords."""
        by_account, by_address = self.get_user_attempts(request, credentials)
        account = _failures(by_account)
        if account >= settings.AXES_FAILURE_LIMIT:
            return True, account
        if _failures(by_address) >= settings.TASE_LOGIN_ADDRESS_FAILURE_LIMIT:
            return True, account
        recent = AccessAttempt.objects.filter(attempt_time__gte=get_cool_off_threshold(request))
        if _failures(recent) >= settings.TASE_LOGIN_TOTAL_FAILURE_LIMIT:
            return by_account.exists() or by_address.exists(), account
        return False, account

    def is_locked(self, request, credentials: dict | None = None) -> bool:
        return settings.AXES_LOCK_OUT_AT_FAILURE and self._locked(request, credentials)[0]

    def get_failures(self, request, credentials: dict | None = None) -> int:
        """What axes compares with AXES_FAILURE_LIMIT after a wrong password: the limit
        itself when any of the three limits is reached, else the account's count."""
        locked, account = self._locked(request, credentials)
        return (
            settings.AXES_FAILURE_LIMIT if locked else min(account, settings.AXES_FAILURE_LIMIT - 1)
        )
