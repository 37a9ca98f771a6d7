"""What the ledger's commands share: the company asked for, and a refused import's report."""

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError
from django.http import Http404


def company_of(actor, company_id: int):
    """The company ``company_id`` as ``actor`` sees it, or a CommandError naming it."""
    try:
        return actor.company(company_id)
    except Http404:
        raise CommandError(f"No company {company_id}.") from None


def command_error(error: ValidationError) -> CommandError:
    """Every message of ``error``, one per line, under 'Nothing was imported'."""
    messages = (
        [m for ms in error.message_dict.values() for m in ms]
        if hasattr(error, "error_dict")
        else error.messages
    )
    return CommandError("Nothing was imported:\n" + "\n".join(messages))
