"""`tase audit verify [--organization ID]`: prove that no audit event was changed or removed.

Walks each organization's chain (and the chain of events without an organization) in id
order, streaming, recomputes every hash (:mod:`tase.core.auditchain`) and checks that each
event links to the one before it and that the last one still carries the chain's head
hash. Names the first broken event of each chain and exits non-zero; on success prints
each chain's event count and head hash, which an operator may keep elsewhere to compare
with tomorrow's run.
"""

from dataclasses import dataclass

from django.core.management.base import BaseCommand, CommandError

from tase.core import auditchain
from tase.core.models import AuditChainHead, AuditEvent

CHUNK = 2000


@dataclass
class Chain:
    organization_id: int | None
    last_hash: str = ""
    last_event: AuditEvent | None = None
    count: int = 0
    broken: bool = False

    @property
    def name(self) -> str:
        if self.organization_id is None:
            return "events without an organization"
        return f"organization {self.organization_id}"


def _where(event: AuditEvent) -> str:
    organization = event.organization_id if event.organization_id is not None else "none"
    return f"event {event.pk} (at {event.at.isoformat()}, organization {organization})"


def check(event: AuditEvent, chain: Chain) -> str | None:
    """What is wrong with ``event`` as the next link of ``chain``, or None."""
    if event.prev_hash != chain.last_hash:
        before = f"event {chain.last_event.pk}" if chain.last_event else "the start of the chain"
        return (
            f"{_where(event)} does not follow {before}: an event between them was removed, "
            "or events were inserted or reordered"
        )
    if auditchain.event_hash(event) != event.hash:
        return f"{_where(event)} was changed after it was written: its content no longer matches its hash"
    return None


class Command(BaseCommand):
    help = "The audit trail's hash chains: `audit verify [--organization ID]`."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        verify = sub.add_parser("verify", help="Recompute every hash; exit 1 at a broken chain.")
        verify.add_argument(
            "--organization", type=int, help="Verify only this organization's chain."
        )

    def handle(self, *args, **options):
        if options["action"] == "verify":
            self.verify(options["organization"])

    def verify(self, organization_id: int | None) -> None:
        events = AuditEvent.objects.order_by("id")
        heads = AuditChainHead.objects.all()
        if organization_id is not None:
            events = events.filter(organization_id=organization_id)
            heads = heads.filter(chain=auditchain.chain_key(organization_id))
        chains: dict[int, Chain] = {}
        failures: list[str] = []
        for event in events.iterator(chunk_size=CHUNK):
            key = auditchain.chain_key(event.organization_id)
            chain = chains.setdefault(key, Chain(event.organization_id))
            if chain.broken:
                continue
            problem = check(event, chain)
            if problem:
                chain.broken = True
                failures.append(problem)
            chain.last_hash, chain.last_event = event.hash, event
            chain.count += 1
        heads = {head.chain: head for head in heads}
        for head in heads.values():
            chain = chains.setdefault(head.chain, Chain(head.chain or None))
            if not chain.broken and head.hash != chain.last_hash:
                chain.broken = True
                after = f"event {chain.last_event.pk}" if chain.last_event else "its start"
                failures.append(
                    f"{chain.name}: the newest events after {after} were removed "
                    "(the chain's head hash is not the last event's)"
                )
        for key in sorted(chains):
            chain = chains[key]
            if not chain.broken and chain.count and key not in heads:
                chain.broken = True
                failures.append(f"{chain.name}: the chain's head row is missing")
        if failures:
            raise CommandError("Audit trail verification failed:\n" + "\n".join(failures))
        for key in sorted(chains):
            chain = chains[key]
            self.stdout.write(f"{chain.name}: {chain.count} events, head {chain.last_hash}")
        self.stdout.write(self.style.SUCCESS(f"Audit trail verified: {len(chains)} chains intact."))
