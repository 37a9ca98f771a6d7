"""`tase support_inbound`: take replies to support in by email.

From the mail server, one message on standard input (a Postfix pipe or `.forward`):
    tase support_inbound < message.eml
or every new message of a maildir, each moved to cur/ once handled (refused ones too, with
the reason printed), from cron or a timer:
    tase support_inbound --maildir /var/mail/support

Exits 1 when the (single) message was refused; the reason is on standard error."""

import mailbox
import sys

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from tase.support.models import Reply
from tase.support.services import Refused, receive_email


def _describe(result) -> str:
    if isinstance(result, Reply):
        return f"reply {result.pk} to #{result.request.number}"
    return f"new request #{result.number}"


class Command(BaseCommand):
    help = "Add emailed replies to service requests (an RFC 822 message on stdin, or a maildir)."

    def add_arguments(self, parser):
        parser.add_argument("--maildir", help="handle every new message of this maildir")

    def handle(self, *args, maildir=None, **options):
        translation.activate("en")
        if maildir is None:
            try:
                result = receive_email(sys.stdin.buffer.read())
            except Refused as refused:
                raise CommandError(f"refused: {refused.reason}") from None
            self.stdout.write(_describe(result))
            return
        box = mailbox.Maildir(maildir, factory=None, create=False)
        handled = refused = 0
        for key in list(box.iterkeys()):
            message = box.get_message(key)
            if message.get_subdir() != "new":
                continue
            try:
                result = receive_email(box.get_bytes(key))
            except Refused as error:
                refused += 1
                self.stderr.write(f"{key}: refused: {error.reason}")
            else:
                handled += 1
                self.stdout.write(f"{key}: {_describe(result)}")
            message.set_subdir("cur")
            message.add_flag("S")
            box[key] = message
        self.stdout.write(f"{handled} taken in, {refused} refused.")
