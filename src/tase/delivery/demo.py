"""Demo projects (filled in below)."""


def load_demo(ctx) -> None:
    return None
