import datetime as dt

import pytest

from tase.core.demo import DemoContext, load_platform
from tase.ledger import demo, selectors
from tase.ledger.models import FiscalYear, Voucher

pytestmark = pytest.mark.django_db


def test_demo_books_are_complete_and_idempotent():
    ctx = DemoContext()
    load_platform(ctx)
    demo.load(ctx)
    company = ctx.customers[0].companies.first()
    count = Voucher.objects.filter(company=company).count()
    assert count > 100
    last = dt.date.today().year - 1
    assert FiscalYear.objects.get(company=company, start=dt.date(last, 1, 1)).state == "closed"
    assert Voucher.objects.filter(company=company, source="year-end").count() == 1
    assert Voucher.objects.filter(company=company, source="vat-settlement").count() >= 12
    assert Voucher.objects.filter(company=company, attachments__isnull=False).exists()
    sheet = selectors.balance_sheet(company, dt.date(last, 12, 31))
    totals = {line.code: line.amounts[0] for line in sheet.lines}
    assert totals["BS.AT"] == totals["BS.LT"] != 0
    demo.load(ctx)
    assert Voucher.objects.filter(company=company).count() == count
