"""The bank accounts as a balance-sheet specification: the closing balance of each account's
last statement on or before the day, under the chart account it is posted to."""

import datetime as dt
from pathlib import Path

import pytest
from django.urls import reverse

from tase.bank import services
from tase.bank.specification import statement_balances
from tase.core.registry import SPECIFICATION_SOURCES

from .conftest import IBAN

pytestmark = pytest.mark.django_db

DATA = Path(__file__).parent.parent / "formats" / "data" / "camt"


def test_the_last_statements_closing_balance(books, accountant):
    assert "bank.statements" in SPECIFICATION_SOURCES
    data = (DATA / "camt053_v02_fi.xml").read_bytes()
    [result] = services.import_statements(accountant, books, data, name="statement.xml")
    statement = result.statement
    assert statement_balances(books, dt.date(2026, 3, 30)) == []  # not ended yet
    [item] = statement_balances(books, dt.date(2026, 4, 30))
    assert item.amount_cents == 911_117
    assert item.number == statement.bank_account.account.number
    assert IBAN in item.text and "31.3.2026" in item.text
    assert item.url == reverse("bank:statement_detail", args=[books.pk, statement.pk])
