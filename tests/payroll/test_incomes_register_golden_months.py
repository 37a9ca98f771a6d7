"""Golden Incomes Register files of three ordinary months (issue 11): a normal month, benefits
in kind and tax-free allowances. Each delivery is produced by approving a pay run, validated
against the Register's XSD and compared with its file in tests/payroll/golden/ after the
normalisation of test_incomes_register_golden.py (timestamp, database ids).

The amounts are not taken from what the code emits: each is computed by hand below from the
2026 parameters (src/tase/rules/params/payroll/, the figures of shared/reference/) and asserted
on its own before the file comparison, so a golden file rewritten with TASE_UPDATE_GOLDEN=1
cannot silently freeze a wrong amount.

2026 parameters used (each yaml names its source):
- employee TyEL 7.30 % for every age (tyel.yaml employee_rate_bands 2026-01-01),
- employee unemployment insurance 0.89 % (unemployment.yaml employee_rate 2026-01-01),
- phone benefit 20 €/month, meal benefit 8.80 €/meal (benefits.yaml 2026-01-01),
- full daily allowance 54 €, partial 25 €, meal allowance 13.50 €, mileage 0.55 €/km
  (allowances.yaml 2026-01-01).
Rounding: every line to the cent, half up (rules.payroll.model.cents). The hourly wage of a
monthly-paid employee is the salary / (weekly hours 37.5 x 52 / 12 = 162.5), to the cent.
Each tax card is 20 % up to 40,000 € a year, 40 % above, and nothing was paid before.
"""

import datetime as dt
from decimal import Decimal as D

from tase.formats import incomes_register as irf
from tase.payroll import services
from tase.payroll.models import Employment, IncomesRegisterReport, Payslip

from .factories import employee, valid_code
from .test_incomes_register_golden import _approved, _company, _compare

MARCH = dt.date(2026, 3, 31)


def _report(delivery, person):
    (found,) = [
        r for r in irf.read(delivery.document).reports if r.report_id.endswith(f"-E{person.pk}")
    ]
    return found


def _codes(report) -> dict[int, D]:
    return {code: report.total(code) for code in sorted({code for code, _a in report.transactions})}


def test_normal_month(world, clerk):
    """A monthly-paid and an hourly-paid employee, paid 31.3.2026.

    Sari Esimerkki, 3,200.00 €/month, union dues 1.5 %:
      monthly salary                                   3,200.00  (201)
      overtime 50 %, 2 h: hourly wage 3,200 / 162.5 = 19.69;
        2 x 1.5 x 19.69 = 59.07                           59.07  (235)
      gross money pay                                  3,259.07
      deduction before withholding                       100.00  (419; lowers every base)
      taxable = TyEL base = unemployment base = 3,259.07 - 100.00 = 3,159.07
      withholding 20 % x 3,159.07 = 631.814            → 631.81  (402)
      employee TyEL 7.30 % x 3,159.07 = 230.612        → 230.61  (413)
      unemployment 0.89 % x 3,159.07 = 28.1157         →  28.12  (414)
      union dues 1.5 % x 3,259.07 = 48.886             →  48.89  (no income type: not reported)
    Olli Tuntinen, hourly, 18.50 €/h:
      hourly wage 120 h x 18.50                        2,220.00  (201)
      overtime 50 %, 8 h x 1.5 x 18.50                   222.00  (235)
      gross money pay                                  2,442.00
      withholding 20 % x 2,442.00                        488.40  (402)
      employee TyEL 7.30 % x 2,442.00 = 178.266        → 178.27  (413)
      unemployment 0.89 % x 2,442.00 = 21.7338         →  21.73  (414)
    """
    company = _company(world)
    sari = employee(
        clerk,
        company,
        first_name="Sari",
        last_name="Esimerkki",
        identity_code=valid_code("150675-123"),
        birth_date=None,
        salary="3200.00",
        union_dues_rate="1.5",
    )
    olli = employee(
        clerk,
        company,
        first_name="Olli",
        last_name="Tuntinen",
        identity_code=valid_code("010190-123"),
        birth_date=None,
        basis="hourly",
        salary="18.50",
    )
    run = _approved(
        clerk,
        company,
        [sari, olli],
        MARCH,
        [
            (sari, "overtime_50", {"quantity": "2"}),
            (sari, "deduction_before_withholding", {"amount": D("100.00")}),
            (olli, "hourly_wage", {"quantity": "120"}),
            (olli, "overtime_50", {"quantity": "8"}),
        ],
    )
    delivery = services.run_delivery(clerk, run)
    sari_report, olli_report = _report(delivery, sari), _report(delivery, olli)
    assert _codes(sari_report) == {
        201: D("3200.00"),
        235: D("59.07"),
        402: D("631.81"),
        413: D("230.61"),
        414: D("28.12"),
        419: D("100.00"),
    }
    assert _codes(olli_report) == {
        201: D("2220.00"),
        235: D("222.00"),
        402: D("488.40"),
        413: D("178.27"),
        414: D("21.73"),
    }
    # The report's money income equals the payslip's gross pay, its deductions the lines.
    slip = Payslip.objects.get(pay_run=run, employee=sari)
    assert (slip.gross_cents, slip.withholding_cents, slip.union_dues_cents) == (
        325907,
        63181,
        4889,
    )
    assert Payslip.objects.get(pay_run=run, employee=olli).gross_cents == 244200
    _compare("normal_month_report.xml", delivery, [run], [sari, olli])


def test_benefits_in_kind(world, clerk):
    """Benefits in kind beside a monthly salary, paid 31.3.2026. Sari Esimerkki, 3,200.00 €/m,
    a limited car benefit (käyttöetu) of a car in age group B (on the employment):
      monthly salary                                   3,200.00  (201)
      car benefit, its monthly value as given            420.00  (304, CarBenefit 1 / B = 2)
      phone benefit, 1 month x 20.00                      20.00  (330)
      meal benefit, 10 meals x 8.80                       88.00  (334, MealBenefit/TaxValue)
      the employee's payment for the car benefit          50.00  (401; lowers the car
                                                                  benefit's taxable value)
      taxable = TyEL base = unemployment base
        = 3,200.00 + 420.00 + 20.00 + 88.00 - 50.00 = 3,678.00
      withholding 20 % x 3,678.00                        735.60  (402)
      employee TyEL 7.30 % x 3,678.00 = 268.494        → 268.49  (413)
      unemployment 0.89 % x 3,678.00 = 32.7342         →  32.73  (414)
    Gross money pay is the salary alone: 3,200.00 = the 201 transaction.
    """
    company = _company(world)
    sari = employee(
        clerk,
        company,
        first_name="Sari",
        last_name="Esimerkki",
        identity_code=valid_code("150675-123"),
        birth_date=None,
        salary="3200.00",
    )
    services.update_employment_report_data(
        clerk,
        Employment.objects.get(employee=sari),
        car_benefit_type=Employment.CarBenefitType.LIMITED,
        car_age_group="B",
    )
    run = _approved(
        clerk,
        company,
        [sari],
        MARCH,
        [
            (sari, "car_benefit", {"amount": D("420.00")}),
            (sari, "phone_benefit", {"quantity": "1"}),
            (sari, "meal_benefit", {"quantity": "10"}),
            (sari, "car_benefit_charge", {"amount": D("50.00")}),
        ],
    )
    delivery = services.run_delivery(clerk, run)
    report = _report(delivery, sari)
    assert _codes(report) == {
        201: D("3200.00"),
        304: D("420.00"),
        330: D("20.00"),
        334: D("88.00"),
        401: D("50.00"),
        402: D("735.60"),
        413: D("268.49"),
        414: D("32.73"),
    }
    assert report.car_benefits == ((304, irf.CAR_LIMITED, irf.CAR_AGE_GROUPS["B"], None),)
    text = delivery.document.decode()
    assert "<MealBenefit>\n        <TaxValue>true</TaxValue>" in text
    slip = Payslip.objects.get(pay_run=run)
    assert (slip.gross_cents, slip.withholding_cents) == (320000, 73560)
    _compare("benefits_in_kind_report.xml", delivery, [run], [sari])


def test_tax_free_allowances(world, clerk):
    """Tax-free travel allowances beside a monthly salary, paid 31.3.2026. Olli Matkalainen,
    2,800.00 €/month:
      monthly salary                                   2,800.00  (201)
      full daily allowance, 3 d x 54.00 = 162.00
      partial daily allowance, 2 d x 25.00 = 50.00
        daily allowances together                        212.00  (331, AllowanceCode 2 and 3)
      meal allowance, 2 meals x 13.50                     27.00  (303)
      mileage allowance, 250 km x 0.55                   137.50  (311, KmAllowance 250 km)
      The allowances are in no base: taxable = TyEL base = unemployment base = 2,800.00
      withholding 20 % x 2,800.00                        560.00  (402)
      employee TyEL 7.30 % x 2,800.00                    204.40  (413)
      unemployment 0.89 % x 2,800.00                      24.92  (414)
    Net pay: 2,800.00 - 560.00 - 204.40 - 24.92 + 212.00 + 27.00 + 137.50 = 2,387.18.
    """
    company = _company(world)
    olli = employee(
        clerk,
        company,
        first_name="Olli",
        last_name="Matkalainen",
        identity_code=valid_code("010190-123"),
        birth_date=None,
        salary="2800.00",
    )
    run = _approved(
        clerk,
        company,
        [olli],
        MARCH,
        [
            (olli, "daily_allowance_full", {"quantity": "3"}),
            (olli, "daily_allowance_partial", {"quantity": "2"}),
            (olli, "meal_allowance", {"quantity": "2"}),
            (olli, "mileage_allowance", {"quantity": "250"}),
        ],
    )
    delivery = services.run_delivery(clerk, run)
    report = _report(delivery, olli)
    assert _codes(report) == {
        201: D("2800.00"),
        303: D("27.00"),
        311: D("137.50"),
        331: D("212.00"),
        402: D("560.00"),
        413: D("204.40"),
        414: D("24.92"),
    }
    assert report.daily_allowances == ((331, (irf.ALLOWANCE_PARTIAL, irf.ALLOWANCE_FULL)),)
    assert "<KmAllowance>\n        <Kilometers>250</Kilometers>" in delivery.document.decode()
    slip = Payslip.objects.get(pay_run=run)
    assert (slip.gross_cents, slip.tax_free_cents, slip.net_cents) == (280000, 37650, 238718)
    assert IncomesRegisterReport.objects.filter(pay_run=run).count() == 1
    _compare("tax_free_allowances_report.xml", delivery, [run], [olli])
