"""How the ledger's commands report a refused import."""

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError


def command_error(error: ValidationError) -> CommandError:
    """Every message of ``error``, one per line, under 'Nothing was imported'."""
    messages = (
        [m for ms in error.message_dict.values() for m in ms]
        if hasattr(error, "error_dict")
        else error.messages
    )
    return CommandError("Nothing was imported:\n" + "\n".join(messages))
