"""`tase token create --user EMAIL --scope ledger:read --expires 2027-06-30 [--name NAME]`
prints a new API token once (for automation); `tase token revoke TOKEN` revokes one."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from tase.core import services
from tase.core.models import API_SCOPES, ApiToken, User


class Command(BaseCommand):
    help = "Create an API token for a user (printed once) or revoke one."

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest="action", required=True)
        create = commands.add_parser("create", help="make a token; it is printed once")
        create.add_argument("--user", required=True, help="the owner's email")
        create.add_argument(
            "--scope",
            action="append",
            required=True,
            choices=API_SCOPES,
            help="repeat for several; write includes read",
        )
        create.add_argument(
            "--expires", required=True, type=dt.date.fromisoformat, help="last day, YYYY-MM-DD"
        )
        create.add_argument("--name", default="automation")
        revoke = commands.add_parser("revoke", help="revoke a token")
        revoke.add_argument("token", help="the token (tase_…)")

    def handle(self, *args, action, **options):
        if action == "create":
            self._create(options)
        else:
            self._revoke(options["token"])

    def _create(self, options):
        try:
            user = User.objects.get(email__iexact=options["user"], is_active=True)
        except User.DoesNotExist:
            raise CommandError(f"No active user {options['user']}.") from None
        end_of_day = dt.datetime.combine(options["expires"], dt.time.max)
        try:
            _token, raw = services.create_api_token(
                user,
                options["name"],
                scopes=options["scope"],
                expires_at=timezone.make_aware(end_of_day),
                operator=True,
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        self.stdout.write(raw)

    def _revoke(self, raw: str):
        token = ApiToken.objects.filter(digest=services.token_digest(raw.strip())).first()
        if token is None:
            raise CommandError("No such token.")
        services.revoke_api_token(token.user, token)
        self.stdout.write(f"Revoked {token.prefix}… of {token.user.email}.")
