"""Run the benches: `python -m bench [name …] [--n N] [--runs R]`.

Each module bench/<name>.py has ``run(args) -> list[dict]``; this prints its rows as a
table. With no names, every bench runs with its default (small) sizes.
"""

import argparse
import importlib
import os
import pkgutil
import sys
from pathlib import Path


def table(rows: list[dict]) -> str:
    if not rows:
        return "(no rows)"
    headers = list(rows[0])
    cells = [[str(row.get(h, "")) for h in headers] for row in rows]
    widths = [max(len(h), *(len(c[i]) for c in cells)) for i, h in enumerate(headers)]

    def line(values):
        return "| " + " | ".join(v.ljust(w) for v, w in zip(values, widths, strict=True)) + " |"

    return "\n".join(
        [line(headers), "|" + "|".join("-" * (w + 2) for w in widths) + "|", *map(line, cells)]
    )


def main() -> None:
    available = sorted(
        m.name
        for m in pkgutil.iter_modules([str(Path(__file__).parent)])
        if not m.name.startswith("_")
    )
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "names", nargs="*", help=f"benches to run (default: all): {', '.join(available)}"
    )
    parser.add_argument("--n", type=int, default=None, help="size (each bench says what N counts)")
    parser.add_argument(
        "--runs", type=int, default=3, help="timed runs a median is taken of (default 3)"
    )
    args = parser.parse_args()
    unknown = set(args.names) - set(available)
    if unknown:
        parser.error(f"unknown bench: {', '.join(sorted(unknown))}")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tase.settings")
    # Measure what production runs: DEBUG off (no SQL logging wrapper on every query).
    os.environ["DEBUG"] = "0"
    os.environ.setdefault("SECRET_KEY", "bench-only-secret-key-not-for-serving-anything")
    import django

    django.setup()
    for name in args.names or available:
        module = importlib.import_module(f"bench.{name}")
        print(f"\n## {name}\n")
        print(table(module.run(args)))
        sys.stdout.flush()


if __name__ == "__main__":
    main()
