"""The `tase` command: Django's management commands under one name.

`tase demo`, `tase migrate`, `tase runserver`, `tase db_worker`, and each product's
own commands (`tase company create …`, `tase report …`) as they arrive.
"""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tase.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["tase", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    main()
