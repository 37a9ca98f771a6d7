"""How fast a dated parameter is looked up (the payroll engine does this per payslip line)."""

import datetime as dt
import time

from tase.rules import parameters


def run(args) -> list[dict]:
    n = args.n or 200_000
    days = [dt.date(2013, 1, 1) + dt.timedelta(days=i % 5000) for i in range(n)]
    parameters.value_at("vat.general_rate", days[0])  # load the files once
    start = time.perf_counter()
    for day in days:
        parameters.value_at("vat.general_rate", day)
    elapsed = time.perf_counter() - start
    return [
        {
            "scenario": "value_at(vat.general_rate)",
            "lookups": n,
            "seconds": f"{elapsed:.3f}",
            "per second": f"{n / elapsed:,.0f}",
        }
    ]
