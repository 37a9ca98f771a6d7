"""Demo payroll: the second customer's company with monthly and hourly employees of
different ages and tax cards, and approved monthly pay runs of the current year, whose net
pay is paid on the payment date and whose payroll liabilities are paid from the bank on their
due dates (:func:`pay_payroll_liabilities`, also used by the café's books in tase.ledger.demo),
so that the liability accounts hold only what is not yet due."""

from __future__ import annotations

import datetime as dt
import logging
from decimal import Decimal

from django.core.exceptions import ValidationError

from tase.core.access import Actor
from tase.core.models import Company
from tase.rules.deadlines import moved_to_weekday

from . import services
from .models import Employee

log = logging.getLogger(__name__)

PEOPLE = [
    # number, first, last, identity code, basis, salary, tax card (base, additional, limit)
    ("1", "Mikko", "Virtanen", "150675-1230", "monthly", "4200.00", ("24", "40", "62000")),
    ("2", "Anna", "Korhonen", "030390-046S", "monthly", "3300.00", ("19.5", "38", "45000")),
    ("3", "Pekka", "Mäkinen", "120260-283F", "monthly", "3800.00", ("27", "43", "52000")),
    ("4", "Ville", "Nieminen", "210108A1234", "hourly", "13.20", ("0", "25", "12000")),
    ("5", "Emma", "Laine", "011100A3320", "hourly", "16.80", None),
]


def _birth(code: str) -> dt.date:
    return services.birth_date_from_identity_code(code)


def _valid_code(code: str) -> str:
    """Demo identity codes: keep the date and century, compute the check character."""
    from stdnum.fi import hetu

    base = code[:10]
    for char in "0123456789ABCDEFHJKLMNPRSTUVWXY":
        if hetu.is_valid(base + char):
            return base + char
    return ""


def _demo_actor(ctx):
    main = next(
        (user for email, user in ctx.users.items() if email.startswith("payroll.clerk@virtanen")),
        None,
    )
    return Actor.of(main) if main is not None else None


def _books_ready(actor, company: Company, year: int) -> bool:
    """Make sure the books can take the pay run vouchers (chart and fiscal year)."""
    try:
        from tase.ledger import services as ledger
        from tase.ledger.models import Account
        from tase.ledger.system import SystemActor
    except ImportError:
        return False
    system = SystemActor()
    try:
        if not Account.objects.filter(company=company).exists():
            ledger.apply_chart(system, company, "limited-company")
        if ledger.fiscal_year_on(company, dt.date(year, 1, 1)) is None:
            ledger.create_fiscal_year(
                system, company, start=dt.date(year, 1, 1), end=dt.date(year, 12, 31)
            )
    except (ValidationError, AttributeError, TypeError) as error:
        log.warning("payroll demo: books not ready: %s", error)
        return False
    return True


def load_demo(ctx) -> None:
    if len(ctx.customers) < 2:
        return
    company = Company.objects.filter(organization=ctx.customers[1]).order_by("pk").first()
    actor = _demo_actor(ctx)
    if company is None or actor is None:
        return
    services.ensure_setup(company)
    if Employee.objects.filter(company=company).exists():
        return  # loaded already
    today = dt.date.today()
    year = today.year
    services.update_settings(
        actor,
        company,
        tyel_insurer="Työeläkeyhtiö Esimerkki",
        tyel_policy_number="46-1234567",
        tyel_rate=None,
        above_unemployment_threshold=False,
        accident_rate=Decimal("0.9"),
        group_life_rate=Decimal("0.06"),
        post_to_ledger=_books_ready(actor, company, year),
        payer_iban="FI5810171000000122",
        payer_bic="NDEAFIHH",
    )
    employees = []
    for number, first, last, code, basis, salary, card in PEOPLE:
        code = _valid_code(code)
        employee = services.create_employee(
            actor,
            company,
            number=number,
            first_name=first,
            last_name=last,
            identity_code=code,
            birth_date=None,
            city="Oulu",
            email=f"{first.lower()}@virtanen.example",
            language="en" if number == "5" else "fi",
            iban="FI2112345600000785",
        )
        services.add_employment(
            actor,
            employee,
            start_date=dt.date(year - 2, 3, 1),
            end_date=None,
            pay_basis=basis,
            weekly_hours=Decimal("37.5"),
            job_title="Rakennustyöntekijä" if basis == "hourly" else "Työnjohtaja",
            collective_agreement="Rakennusalan TES",
            cost_centre="TYOMAA" if basis == "hourly" else "HALLINTO",
            union_dues_rate=Decimal("1.4") if number in ("1", "4") else Decimal("0"),
            salary=salary,
        )
        if card:
            _add_card(actor, employee, year, card)
        employees.append(employee)
    employee_user = next(
        (user for email, user in ctx.users.items() if email.startswith("employee@virtanen")), None
    )
    if employee_user is not None:
        services.update_employee(actor, employees[1], user=employee_user)
    _demo_absences_and_holidays(actor, employees, year)
    last_month = today.month - 1 if today.day < 28 else today.month
    for month in range(1, max(last_month, 1) + 1):
        run = _month_run(actor, company, year, month)
        entries = {
            (employees[3].pk, "hourly_wage"): str(140 + month),
            (employees[4].pk, "hourly_wage"): str(150 - month),
            (employees[0].pk, "mileage_allowance"): str(100 + 10 * month),
        }
        services.save_grid(actor, run, ["hourly_wage", "mileage_allowance"], entries)
        services.add_item(
            actor,
            run,
            employees[4],
            wage_type="evening_supplement",
            quantity=Decimal("12"),
            unit_price=Decimal("1.45"),
        )
        services.add_item(
            actor, run, employees[1], wage_type="meal_benefit", quantity=Decimal("20")
        )
        services.absence_lines(actor, run)
        services.holiday_lines(actor, run)
        services.calculate_pay_run(actor, run)
        try:
            run = services.approve_pay_run(actor, run)
        except ValidationError as error:
            log.warning("payroll demo: run %s not approved: %s", run, error)
            break
        if run.payment_date <= today:
            services.mark_paid(actor, run)
    if company.accounts.exists():
        for month in range(1, max(last_month, 1) + 1):
            pay_payroll_liabilities(company, year, month, today)
    # The next month's run, being prepared: a draft (entered, calculated and approved by the
    # user when it is due).
    following = dt.date(year + (last_month == 12), last_month % 12 + 1, 1)
    services.create_pay_run(
        actor,
        company,
        period_start=following,
        period_end=_month_end(following.year, following.month),
        payment_date=_month_end(following.year, following.month),
        description=f"Palkat {following.month}/{following.year}",
    )


# -- payroll liabilities paid as a company pays them ----------------------------------------
def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)


def _following(year: int, month: int) -> tuple[int, int]:
    return (year + 1, 1) if month == 12 else (year, month + 1)


def _tax_due(year: int, month: int) -> dt.date:
    # Withholding and the employer's health insurance contribution: the 12th of the following
    # month, moved off a day off (as tase.payroll.selectors dates them; vero.fi, "Oma-aloitteisten
    # verojen maksaminen").
    return moved_to_weekday(dt.date(*_following(year, month), 12))


def _month_after_due(year: int, month: int) -> dt.date:
    # TyEL: "as a rule, your TyEL contribution falls due on the last day of the month following
    # the wage payment month" (Ilmarinen, "Paying and invoicing TyEL contributions").
    return moved_to_weekday(_month_end(*_following(year, month)))


def _quarter_due(year: int, month: int) -> dt.date | None:
    # Unemployment insurance: Työllisyysrahasto invoices the contributions of the wages reported
    # to the Incomes Register quarterly in arrears ("toteumamalli": invoiced in April, July,
    # October and January; tyollisyysrahasto.fi, "Työttömyysvakuutusmaksujen maksaminen"); the
    # demo pays the invoice on the last day of that month. The accident and group life
    # insurers' terms vary: the demo pays them the same way.
    if month % 3:
        return None
    return _month_after_due(year, month)


def _union_due(year: int, month: int) -> dt.date:
    # Union dues withheld from pay are remitted to the unions monthly; the unions' terms vary:
    # the demo pays them on the 15th of the following month.
    return moved_to_weekday(dt.date(*_following(year, month), 15))


# (key, liability accounts, months a payment covers, due date of the payment month, text).
PAYROLL_LIABILITIES = (
    (
        "tax",
        ("2930", "2935"),
        1,
        _tax_due,
        "Oma-aloitteiset verot {month}/{year}: ennakonpidätys ja työnantajan sairausvakuutusmaksu",
    ),
    ("union", ("2900",), 1, _union_due, "Ammattiliittojen jäsenmaksut {month}/{year}"),
    ("tyel", ("2950",), 1, _month_after_due, "TyEL-maksu {month}/{year}"),
    ("unemployment", ("2955",), 3, _quarter_due, "Työttömyysvakuutusmaksu {quarter}/{year}"),
    (
        "insurance",
        ("2980",),
        3,
        _quarter_due,
        "Tapaturma- ja ryhmähenkivakuutusmaksu {quarter}/{year}",
    ),
)


def pay_payroll_liabilities(company: Company, year: int, month: int, until: dt.date) -> None:
    """Pay from the bank (1910, series TI) the payroll liabilities that fall due after the
    payment month ``year``-``month``, each on its due date up to ``until``: withholding and
    the employer's health insurance contribution, union dues and TyEL monthly, unemployment,
    accident and group life insurance for the quarter that ends with the month. The amount is
    what the payroll vouchers (the pay runs' own postings) of those months left owing on the
    accounts. Idempotent: each payment has a demo source reference."""
    from django.db.models import Sum

    from tase.ledger import services as ledger
    from tase.ledger.models import Entry
    from tase.ledger.system import SystemActor

    if year < 1 or month < 1:
        return
    for key, accounts, months, due_of, text in PAYROLL_LIABILITIES:
        day = due_of(year, month)
        if day is None or day > until:
            continue
        first = dt.date(year, month - months + 1, 1)
        owed = dict(
            Entry.objects.filter(
                company=company,
                voucher__source="payroll",
                account__number__in=accounts,
                date__gte=first,
                date__lte=_month_end(year, month),
            )
            .values_list("account__number")
            .annotate(total=Sum("amount_cents"))
            .values_list("account__number", "total")
        )
        # Credits are negative cents: what the months' payroll vouchers left owing.
        amounts = {n: -owed[n] for n in accounts if owed.get(n, 0) < 0}
        if not amounts:
            continue
        lines = [{"account": n, "debit": Decimal(c) / 100} for n, c in amounts.items()]
        lines.append({"account": "1910", "credit": Decimal(sum(amounts.values())) / 100})
        ledger.post_voucher(
            SystemActor(),
            company,
            date=day,
            series="TI",
            description=text.format(month=month, year=year, quarter=f"Q{(month + 2) // 3}"),
            lines=lines,
            source="demo",
            source_ref=f"{year}-payroll-{key}-{first.month}",
        )


def _add_card(actor, employee: Employee, year: int, card: tuple[str, str, str]) -> None:
    """The year's tax card from the demo's (base rate, additional rate, income limit)."""
    services.add_tax_card(
        actor,
        employee,
        year=year,
        valid_from=dt.date(year, 1, 1),
        kind="card",
        base_rate=card[0],
        additional_rate=card[1],
        income_limit=card[2],
    )


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year + (month == 12), month % 12 + 1, 1) - dt.timedelta(days=1)


def _month_run(actor, company: Company, year: int, month: int):
    """A draft run of the calendar month, paid on its last day."""
    end = _month_end(year, month)
    return services.create_pay_run(
        actor,
        company,
        period_start=dt.date(year, month, 1),
        period_end=end,
        payment_date=end,
        description=f"Palkat {month}/{year}",
    )


def _demo_absences_and_holidays(actor, employees: list[Employee], year: int) -> None:
    """A sick leave longer than the statutory paid period, an hourly-paid employee's short
    sick leave, an unpaid leave and two summer holidays: the pay runs get their lines, the
    absence and holiday pages rows."""
    for employee, kind, start, end in (
        (employees[0], "sick", dt.date(year, 2, 2), dt.date(year, 2, 13)),
        (employees[3], "sick", dt.date(year, 1, 12), dt.date(year, 1, 14)),
        (employees[2], "unpaid", dt.date(year, 3, 2), dt.date(year, 3, 6)),
    ):
        services.record_absence(
            actor, employee, kind=kind, start_date=start, end_date=end, note="Demo"
        )
    # Summer holidays from the credit year ended 31 March, one of them already taken.
    for employee, start, end, kind in (
        (employees[1], dt.date(year, 7, 6), dt.date(year, 7, 24), "taken"),
        (employees[0], dt.date(year, 7, 13), dt.date(year, 7, 31), "planned"),
    ):
        services.record_holiday(actor, employee, start_date=start, end_date=end, kind=kind)


# -- the first customer's café: real pay runs behind the demo books ------------------------
# The bookkeeping demo (tase.ledger.demo) calls cafe_pay_runs month by month while it builds
# the café's books, so that its payroll vouchers are the approved runs' own postings
# (employer's unemployment insurance, accident and group life insurance included) and the
# wages are paid from the bank on the payment date.
CAFE_PEOPLE = [
    # number, first, last, identity code (check character computed), basis, salary, card
    ("1", "Maija", "Aurinko", "120580-246", "monthly", "3400.00", ("22", "40", "52000")),
    ("2", "Aki", "Lehtonen", "050295-317", "monthly", "2650.00", ("16", "35", "38000")),
    ("3", "Paula", "Salo", "180702A428", "hourly", "13.80", ("8", "30", "18000")),
]


def cafe_actor(ctx):
    """The café's payroll clerk (the demo's first customer)."""
    user = next(
        (u for email, u in ctx.users.items() if email.startswith("payroll.clerk@aurinko")), None
    )
    return Actor.of(user) if user is not None else None


def _cafe_setup(actor, company: Company, first_year: int) -> list[Employee]:
    employees = list(Employee.objects.filter(company=company).order_by("number"))
    if employees:
        return employees
    services.ensure_setup(company)
    services.update_settings(
        actor,
        company,
        tyel_insurer="Työeläkeyhtiö Esimerkki",
        tyel_policy_number="46-7654321",
        tyel_rate=None,
        above_unemployment_threshold=False,
        accident_rate=Decimal("0.7"),
        group_life_rate=Decimal("0.06"),
        post_to_ledger=True,
        payer_iban="FI4250001510000023",
        payer_bic="OKOYFIHH",
    )
    for number, first, last, code, basis, salary, _card in CAFE_PEOPLE:
        employee = services.create_employee(
            actor,
            company,
            number=number,
            first_name=first,
            last_name=last,
            identity_code=_valid_code(code + "0"),
            birth_date=None,
            city="Tampere",
            email=f"{first.lower()}@aurinko.example",
            language="fi",
            iban="FI2112345600000785",
        )
        services.add_employment(
            actor,
            employee,
            start_date=dt.date(first_year - 1, 8, 1),
            end_date=None,
            pay_basis=basis,
            weekly_hours=Decimal("37.5") if basis == "monthly" else Decimal("25"),
            job_title="Kahvilapäällikkö" if number == "1" else "Kahvilatyöntekijä",
            collective_agreement="Matkailu-, ravintola- ja vapaa-ajan palveluita koskeva TES",
            cost_centre="SALI" if number == "3" else "KEITTIÖ",
            union_dues_rate=Decimal("1.2") if number == "2" else Decimal("0"),
            salary=salary,
        )
        employees.append(employee)
    return employees


def _cafe_cards(actor, employees: list[Employee], year: int) -> None:
    from .models import TaxCard

    for employee, (*_rest, card) in zip(employees, CAFE_PEOPLE, strict=True):
        if not TaxCard.objects.filter(employee=employee, year=year).exists():
            _add_card(actor, employee, year, card)


def cafe_pay_run(actor, company: Company, year: int, month: int, *, first_year: int):
    """The café's approved and paid run of ``month`` (paid on the month's last day), made
    once: a run already there for that payment date is returned as it is. None when the run
    cannot be approved (a year whose statutory figures are not confirmed: logged)."""
    from .models import PayRun

    existing = PayRun.objects.filter(company=company, payment_date=_month_end(year, month)).first()
    if existing is not None:
        return existing
    employees = _cafe_setup(actor, company, first_year)
    _cafe_cards(actor, employees, year)
    run = _month_run(actor, company, year, month)
    # One mass entry (the grid), as a clerk would: the hourly worker's hours, the meal
    # benefit, and the manager's holiday bonus in June.
    entries = {
        (employees[2].pk, "hourly_wage"): str(92 + (month * 7) % 23),
        (employees[1].pk, "meal_benefit"): "18",
    }
    if month == 6:
        entries[(employees[0].pk, "holiday_bonus")] = "1700.00"
    services.save_grid(actor, run, ["hourly_wage", "meal_benefit", "holiday_bonus"], entries)
    try:
        services.calculate_pay_run(actor, run)
        run = services.approve_pay_run(actor, run, confirm_warnings=True)
    except ValidationError as error:
        log.warning("café demo: run %s not approved: %s", run, error)
        services.delete_pay_run(actor, run)
        return None
    run = services.mark_paid(actor, run)
    _month_end_liability(actor, company, year, month)
    return run


def _month_end_liability(actor, company: Company, year: int, month: int) -> None:
    """The holiday-pay liability of the month's last day, posted as the month's lock asks
    (and the year-end checklist before the year is closed; reversed on the next day)."""
    try:
        services.post_liability(actor, company, _month_end(year, month))
    except ValidationError as error:
        log.warning("café demo: holiday-pay liability of %s/%s not posted: %s", month, year, error)
