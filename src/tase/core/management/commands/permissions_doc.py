from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import translation

from tase.core.permissions import render_markdown


class Command(BaseCommand):
    help = "Write docs/permissions.md from the permission matrix."

    def add_arguments(self, parser):
        parser.add_argument(
            "--output", default=str(settings.PROJECT_DIR / "docs" / "permissions.md")
        )

    def handle(self, *args, output, **options):
        with translation.override("en"):
            Path(output).write_text(render_markdown(), encoding="utf-8")
        self.stdout.write(f"Wrote {output}")
