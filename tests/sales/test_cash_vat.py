"""Cash-based VAT (maksuperusteinen alv): invoices post their VAT as unrecognised, payments
recognise their share on the payment date, the VAT return follows the payments."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tase.ledger import selectors as ledger_selectors
from tase.ledger import services as ledger
from tase.ledger.models import Account, Entry, LedgerSettings
from tase.ledger.system import SystemActor
from tase.rules import vat as vat_rules
from tase.sales import services

from .conftest import CUSTOMER, lines

pytestmark = pytest.mark.django_db

PENDING, OUTPUT = "2972", "29391"


@pytest.fixture
def cash_books(books):
    ledger.set_cash_basis_vat(SystemActor(), books, True)
    return books


def _send(actor, company, **changes):
    data = {
        "customer_data": CUSTOMER,
        "invoice_date": dt.date(2026, 3, 2),
        "delivery_date": dt.date(2026, 2, 27),
        "lines": lines(("Consulting", "3", "100.00", "S"), ("Lunch", "2", "10.00", "S-R")),
    }
    return services.send_invoice(actor, services.create_invoice(actor, company, **data | changes))


def _balance(company, number, until=dt.date(2026, 12, 31)):
    rows = Entry.objects.filter(company=company, account__number=number, date__lte=until)
    return sum(rows.values_list("amount_cents", flat=True))


def _figures(company, start, end):
    return ledger_selectors.vat_return(company, start, end).figures


def test_sending_posts_the_vat_as_unrecognised(accountant, cash_books):
    invoice = _send(accountant, cash_books)
    assert invoice.cash_vat and invoice.vat_cents == 7650 + 270
    entries = {
        (e.account.number, e.vat_code): e.amount_cents
        for e in Entry.objects.filter(voucher_id=invoice.voucher_id).select_related("account")
    }
    assert entries == {
        ("1700", ""): 39920,
        ("3000", "S"): -30000,
        ("3000", "S-R"): -2000,
        (PENDING, "S"): -7650,
        (PENDING, "S-R"): -270,
    }
    march = _figures(cash_books, dt.date(2026, 3, 1), dt.date(2026, 3, 31))
    assert march["301"] == march["302"] == march["308"] == 0


def test_partial_payments_recognise_their_share_in_their_period(accountant, cash_books):
    invoice = _send(accountant, cash_books)
    # a quarter in April, the rest in May
    services.record_payment(accountant, invoice, date=dt.date(2026, 4, 10), amount="99.80")
    april = _figures(cash_books, dt.date(2026, 4, 1), dt.date(2026, 4, 30))
    assert (april["301"], april["302"]) == (1913, 68)  # 7650 / 4 and 270 / 4, half up
    assert april["308"] == 1913 + 68
    invoice.refresh_from_db()
    services.record_payment(accountant, invoice, date=dt.date(2026, 5, 4), amount="299.40")
    may = _figures(cash_books, dt.date(2026, 5, 1), dt.date(2026, 5, 31))
    assert (may["301"], may["302"]) == (7650 - 1913, 270 - 68)
    assert _balance(cash_books, PENDING) == 0
    assert _balance(cash_books, OUTPUT) == -(7650 + 270)
    # the ledger's own VAT split of the invoice equals the invoice's VAT per code
    invoice.refresh_from_db()
    assert services.cash_vat.recognised_of(invoice) == invoice.vat_cents


def test_overpayment_and_reminder_charges_recognise_no_more_than_the_vat(accountant, cash_books):
    invoice = _send(accountant, cash_books)
    services.record_payment(accountant, invoice, date=dt.date(2026, 4, 10), amount="500.00")
    assert _balance(cash_books, PENDING) == 0
    assert _balance(cash_books, OUTPUT) == -(7650 + 270)


def test_credit_note_cancels_the_unrecognised_and_takes_back_the_recognised(accountant, cash_books):
    invoice = _send(accountant, cash_books)
    services.record_payment(accountant, invoice, date=dt.date(2026, 4, 10), amount="99.80")
    invoice.refresh_from_db()
    note = services.credit_invoice(accountant, invoice, date=dt.date(2026, 5, 6))
    assert note.cash_vat
    assert _balance(cash_books, PENDING) == 0 and _balance(cash_books, OUTPUT) == 0
    may = _figures(cash_books, dt.date(2026, 5, 1), dt.date(2026, 5, 31))
    assert (may["301"], may["302"]) == (-1913, -68)


def test_credit_note_of_an_unpaid_invoice_touches_no_recognised_vat(accountant, cash_books):
    invoice = _send(accountant, cash_books)
    services.credit_invoice(accountant, invoice, date=dt.date(2026, 3, 20))
    assert _balance(cash_books, PENDING) == 0 and _balance(cash_books, OUTPUT) == 0


def test_invoices_sent_before_the_switch_keep_the_invoice_basis(accountant, books):
    before = _send(accountant, books)
    ledger.set_cash_basis_vat(SystemActor(), books, True)
    after = _send(accountant, books)
    assert not before.cash_vat and after.cash_vat
    services.record_payment(accountant, before, date=dt.date(2026, 4, 10), amount="399.20")
    # the accrual invoice's VAT was in March; its payment recognises nothing
    assert _figures(books, dt.date(2026, 4, 1), dt.date(2026, 4, 30))["301"] == 0
    assert _figures(books, dt.date(2026, 3, 1), dt.date(2026, 3, 31))["301"] == 7650


def test_zero_rate_and_reverse_charge_lines_are_outside_the_method(accountant, cash_books):
    invoice = _send(
        accountant,
        cash_books,
        customer_data=CUSTOMER | {"vat_number": "DE129273398", "country": "DE"},
        lines=lines(("Licence", "1", "1000.00", "S-EUS")),
    )
    assert invoice.vat_cents == 0
    march = _figures(cash_books, dt.date(2026, 3, 1), dt.date(2026, 3, 31))
    assert march["312"] == 100000  # the EU sale's base stays in the invoice's period


def test_switching_on_adds_the_accounts_to_a_chart_without_them(books):
    Account.objects.filter(company=books, number__in=["1805", PENDING]).delete()
    settings_row = ledger.set_cash_basis_vat(SystemActor(), books, True)
    assert settings_row.cash_basis_vat and ledger_selectors.cash_basis_vat(books)
    roles = set(Account.objects.filter(company=books).values_list("role", flat=True))
    assert {"vat_output_pending", "vat_input_pending"} <= roles
    ledger.set_cash_basis_vat(SystemActor(), books, False)
    assert not LedgerSettings.objects.get(company=books).cash_basis_vat


def test_switching_on_refuses_a_taken_number(books):
    Account.objects.filter(company=books, number=PENDING).update(role="")
    with pytest.raises(ValidationError, match="2972 is taken"):
        ledger.set_cash_basis_vat(SystemActor(), books, True)
    assert not ledger_selectors.cash_basis_vat(books)


def test_a_viewer_cannot_switch(world, books):
    from django.core.exceptions import PermissionDenied

    from tase.core.roles import Role

    with pytest.raises(PermissionDenied):
        ledger.set_cash_basis_vat(world.actor(Role.VIEWER), books, True)


def test_recognition_line_refuses_a_code_outside_the_method(accountant, cash_books):
    with pytest.raises(ValidationError, match="not paid by the cash basis"):
        ledger.post_voucher(
            accountant,
            cash_books,
            date=dt.date(2026, 3, 3),
            series="MU",
            description="x",
            lines=[{"recognise_vat": "S-EUS", "credit": "1.00"}],
        )


@settings(max_examples=60, deadline=None)
@given(
    vat=st.dictionaries(
        st.sampled_from(["S", "S-R", "S-R2"]), st.integers(0, 10**7), min_size=1, max_size=3
    ),
    extra=st.integers(1, 10**7),
    payments=st.lists(st.integers(1, 10**7), max_size=12),
)
def test_recognised_vat_never_exceeds_and_ends_equal(vat, extra, payments):
    """Over any sequence of partial payments, the recognised VAT of each code only grows,
    never exceeds the invoice's VAT and equals it once the invoice is paid in full."""
    gross = sum(vat.values()) + extra
    paid, before = 0, dict.fromkeys(vat, 0)
    for amount in payments:
        paid += amount
        now = vat_rules.recognised_vat(vat, gross, paid)
        for code in vat:
            assert before[code] <= now[code] <= vat[code]
        before = now
    assert vat_rules.recognised_vat(vat, gross, max(paid, gross)) == vat


@settings(
    max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(parts=st.lists(st.integers(1, 40000), min_size=1, max_size=5))
def test_recognised_vat_through_the_books(parts, accountant, cash_books):
    """The same through payments posted in the books: the unrecognised VAT account never
    turns the wrong way and is empty when the invoice is paid."""
    invoice = _send(accountant, cash_books)
    for cents in [*parts, invoice.gross_cents]:
        invoice.refresh_from_db()
        if invoice.open_cents <= 0:
            break
        amount = min(cents, invoice.open_cents)
        services.record_payment(
            accountant, invoice, date=dt.date(2026, 4, 1), amount=f"{amount / 100:.2f}"
        )
        assert -(7650 + 270) <= _balance(cash_books, PENDING) <= 0
    assert _balance(cash_books, PENDING) == 0
