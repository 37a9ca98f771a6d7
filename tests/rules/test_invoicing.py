"""Invoice arithmetic: the VAT of each group is what the ledger posts, to the cent."""

import datetime as dt
from decimal import Decimal as D

from hypothesis import given, settings
from hypothesis import strategies as st

from tase.rules import invoicing
from tase.rules import vat as vat_rules

CODES = ["S", "S-R", "S-R2", "S0", "S-EUS"]

lines_strategy = st.lists(
    st.builds(
        invoicing.Line,
        quantity=st.decimals(min_value=-50, max_value=500, places=2),
        unit_price=st.decimals(min_value=0, max_value=10000, places=4),
        vat_code=st.sampled_from(CODES),
        account=st.sampled_from(["3000", "3010"]),
        discount_percent=st.decimals(min_value=0, max_value=100, places=2),
    ),
    min_size=1,
    max_size=8,
)


@settings(deadline=None)
@given(lines_strategy, st.booleans(), st.dates(dt.date(2023, 1, 1), dt.date(2026, 12, 31)))
def test_totals_add_up_and_match_the_ledger_split(lines, gross, on):
    totals = invoicing.totals(lines, on=on, prices_include_vat=gross)
    assert totals.gross == totals.net + totals.vat
    assert sum(r.net for r in totals.by_rate) == totals.net
    for group in totals.groups:
        code = vat_rules.get(group.vat_code)
        posted = vat_rules.line_vat(code, -group.amount, gross=gross, on=on)
        assert -posted.output_vat == group.vat  # the voucher's output VAT
        assert (group.net + group.vat if gross else group.net) == group.amount


def test_line_amount_rounds_half_up_after_the_discount():
    assert invoicing.line_amount(D("3"), D("0.335"), D("0")) == 101  # 1.005 → 1.01
    assert invoicing.line_amount(D("-3"), D("0.335"), D("0")) == -101
    assert invoicing.line_amount(D("2"), D("10"), D("10")) == 1800


def test_rate_follows_the_delivery_date():
    assert invoicing.rate_of("S", dt.date(2024, 8, 31)) == D("24")
    assert invoicing.rate_of("S", dt.date(2024, 9, 1)) == D("25.5")
    assert invoicing.rate_of("S-R", dt.date(2025, 12, 31)) == D("14")
    assert invoicing.rate_of("S-R", dt.date(2026, 1, 1)) == D("13.5")
    assert invoicing.code_for_rate(D("13.5"), dt.date(2026, 1, 1)) == "S-R"
    assert invoicing.code_for_rate(D("13.5"), dt.date(2025, 1, 1)) is None
    assert invoicing.code_for_rate(D("0"), dt.date(2025, 1, 1)) == "S0"
