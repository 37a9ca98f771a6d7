"""The wage-type catalogue (palkkalajit) shipped with Tase, as pure data.

Each company gets a copy it can edit (labels, ledger accounts, hidden or not); the codes
are stable and used by the API, the CSV import and the engine. For every wage type:

- ``kind``: ``money`` (paid out, part of gross pay), ``in_kind`` (a taxable benefit,
  not paid out), ``tax_free`` (a reimbursement added to net pay), ``deduction``
  (taken from net pay) or ``pre_tax`` (a deduction before withholding: lowers the bases it
  is marked for, but is not taken from net pay; see ``deduction_before_withholding``),
- ``taxable``: counts in the withholding base (for a deduction: reduces it),
- ``tyel`` / ``unemployment`` / ``health``: part of the TyEL, unemployment insurance
  and employer health insurance bases (for a deduction: reduces them),
- ``income_type``: the Incomes Register (tulorekisteri) income type code (tulolaji), where
  one applies. Checked against the Register's code list "Palkkojen tulolajit" (vero.fi:
  https://www.vero.fi/tulorekisteri/yritykset-ja-organisaatiot/suorituksen-maksajat/palkkatiedot/palkkojen-tulolajit/
  with its 100-, 200-, 300- and 400-series pages) and the official message examples of the
  2022 developer package (shared/reference/formats-fi.md §5): 201 Aikapalkka, 203
  Bonuspalkka, 206 Iltatyökorvaus, 211 Lauantaityökorvaus, 213 Lomaraha, 221
  Sunnuntaityökorvaus, 235 Ylityökorvaus, 236 Yötyökorvaus; 301 Asuntoetu, 303
  Ateriakorvaus, 304 Autoetu, 209 Kilometrikorvaus (veronalainen), 311 Kilometrikorvaus (verovapaa), 330 Puhelinetu, 331
  Päiväraha, 334 Ravintoetu; 401 Autoedusta peritty korvaus, 407 Muista luontoiseduista peritty
  korvaus, 408 Nettopalkasta vähennettävä muu erä, 419 Vähennys ennen ennakonpidätystä.
  Union dues and a salary advance are not reported (no code). The
  engine's statutory lines are reported as 402/404/412/413/414
  (:mod:`tase.rules.incomes_register`),
- ``ledger_account``: the default expense (or, for deductions, liability/receivable)
  account in the Finnish chart,
- ``multiplier``: applied to quantity x unit price (overtime +50 % is 1.5),
- ``price_parameter``: the dated parameter that gives the unit price (and the tax-free
  maximum) when the wage type is priced by the statutes,
- ``unit``: what the quantity counts (h, km, d, meal, month),
- ``negative_allowed``: a line of this wage type may be negative - a correction such as a
  deduction for unpaid absence or a recovered overpayment, which lowers gross pay and the
  bases of withholding and contributions (other wage types refuse a negative amount),
- ``charge_for``: for the employee's own payment for a benefit in kind, the code of that
  benefit: the payment is taken from net pay and reduces the benefit's taxable value (and
  the insurance bases), at most to zero (Incomes Register income type 401 'Autoedusta peritty
  korvaus' for the car benefit and 407 'Muista luontoiseduista peritty korvaus' for the others:
  vero.fi, "Palkkojen tulolajit: 400-sarja", checked 6.12.2026; until then Tase reported the
  car benefit's payment as 407, which was wrong),
- ``holiday_other_pay``: pay that a weekly or monthly paid employee gets besides the salary
  and that is not set by temporary circumstances (performance or commission pay, a bonus
  paid regularly): its share is added to the holiday pay by vuosilomalaki 162/2005 10 § 1
  mom., second sentence ("Jos työntekijälle on lomanmääräytymisvuoden aikana työssäolon
  ajalta viikko- tai kuukausipalkan lisäksi maksettu tai erääntynyt maksettavaksi muuta
  palkkaa, joka ei määräydy tilapäisten olosuhteiden perusteella, tämän palkan osuus
  lasketaan vuosilomapalkkaan siten kuin 11 §:n 1 ja 2 momentissa säädetään.",
  https://finlex.fi/fi/laki/ajantasa/2005/20050162, read in TEM's guide quoting the Act,
  https://www.vuosilomaopas.fi/fi/vuosilomapalkka/viikko-tai-kuukausipalkkaan-perustuva-vuosilomapalkka.html).
  The shipped bonus (income type 203 Bonuspalkka) is such pay; the supplements and
  overtime are not marked (overtime increments are left out by 11 § 2 mom.; whether a
  supplement is paid by the schedule or by temporary circumstances is the company's case).

No Django import here.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

MONEY, IN_KIND, TAX_FREE, DEDUCTION = "money", "in_kind", "tax_free", "deduction"
PRE_TAX = "pre_tax"
KINDS = (MONEY, IN_KIND, TAX_FREE, DEDUCTION, PRE_TAX)


@dataclass(frozen=True, slots=True)
class WageType:
    code: str
    label_fi: str
    label_en: str
    kind: str
    taxable: bool
    tyel: bool
    unemployment: bool
    health: bool
    income_type: int | None
    ledger_account: str
    multiplier: Decimal = Decimal("1")
    price_parameter: str | None = None
    unit: str = ""
    order: int = 0
    negative_allowed: bool = False
    charge_for: str | None = None
    holiday_other_pay: bool = False

    def label(self, language: str = "fi") -> str:
        return self.label_en if language == "en" else self.label_fi


def _wage(
    code,
    fi,
    en,
    account,
    income_type,
    *,
    multiplier="1",
    unit="",
    bases=True,
    order=0,
    negative=False,
    other_pay=False,
):
    return WageType(
        code, fi, en, MONEY, True, bases, bases, bases, income_type, account,
        Decimal(multiplier), None, unit, order, negative, None, other_pay,
    )  # fmt: skip


def _benefit(code, fi, en, income_type, *, price=None, unit="", order=0):
    return WageType(
        code, fi, en, IN_KIND, True, True, True, True, income_type, "5400", Decimal("1"),
        price, unit, order,
    )  # fmt: skip


def _tax_free(code, fi, en, account, income_type, price, unit, order=0):
    return WageType(
        code, fi, en, TAX_FREE, False, False, False, False, income_type, account, Decimal("1"),
        price, unit, order,
    )  # fmt: skip


def _deduction(code, fi, en, account, income_type, *, reduces_bases=False, order=0):
    return WageType(
        code, fi, en, DEDUCTION, reduces_bases, reduces_bases, reduces_bases, reduces_bases,
        income_type, account, Decimal("1"), None, "", order,
    )  # fmt: skip


def _benefit_charge(code, fi, en, benefit, order, income_type=407):
    """The employee's own payment for the benefit in kind ``benefit`` (income type 407, for
    the car benefit 401)."""
    return WageType(
        code, fi, en, DEDUCTION, True, True, True, True, income_type, "5410", Decimal("1"), None,
        "", order, False, benefit,
    )  # fmt: skip


CATALOGUE: tuple[WageType, ...] = (
    _wage("monthly_salary", "Kuukausipalkka", "Monthly salary", "5000", 201, order=10),
    # The weekly salary (viikkopalkka) of an employment on the weekly pay basis: a pay run
    # pays it per week of its pay period (weeks x the weekly salary, tase.rules.payroll.salary).
    # Time-rate pay like the monthly salary: income type 201 Aikapalkka (the code list named
    # in the module docstring), the same wage account 5000.
    _wage("weekly_salary", "Viikkopalkka", "Weekly salary", "5000", 201, order=12),
    _wage("hourly_wage", "Tuntipalkka", "Hourly wage", "5000", 201, unit="h", order=20, negative=True),
    _wage("pay_correction", "Palkan oikaisu (palkaton poissaolo, liikaa maksetun takaisinperintä)",
          "Pay correction (unpaid absence, recovered overpayment)", "5000", 201, order=24,
          negative=True),
    # Retro pay (taannehtiva palkka, palkantarkistus): the difference a salary change with
    # an earlier effective date makes to a past payment, paid later as its own line with the
    # original earnings period; reported with the income type of the pay it adds to (201
    # time-rate pay, 235 overtime compensation, 206/236/211/221 the evening, night, Saturday
    # and Sunday supplements) and the transaction's EarningPeriods.
    _wage("retro_pay", "Taannehtiva palkka (palkantarkistus)", "Retro pay (salary revision)",
          "5000", 201, order=26, negative=True),
    _wage("overtime_50", "Ylityö 50 %", "Overtime 50 %", "5000", 235, multiplier="1.5", unit="h", order=30),
    _wage("overtime_100", "Ylityö 100 %", "Overtime 100 %", "5000", 235, multiplier="2", unit="h", order=40),
    _wage("retro_overtime", "Taannehtiva ylityökorvaus (palkantarkistus)",
          "Retro overtime pay (salary revision)", "5000", 235, order=45, negative=True),
    _wage("evening_supplement", "Iltatyölisä", "Evening supplement", "5000", 206, unit="h", order=50),
    _wage("retro_evening_supplement", "Taannehtiva iltatyölisä (palkantarkistus)",
          "Retro evening supplement (salary revision)", "5000", 206, order=55, negative=True),
    _wage("night_supplement", "Yötyölisä", "Night supplement", "5000", 236, unit="h", order=60),
    _wage("retro_night_supplement", "Taannehtiva yötyölisä (palkantarkistus)",
          "Retro night supplement (salary revision)", "5000", 236, order=65, negative=True),
    _wage("saturday_supplement", "Lauantaityölisä", "Saturday supplement", "5000", 211, unit="h", order=70),
    _wage("retro_saturday_supplement", "Taannehtiva lauantaityölisä (palkantarkistus)",
          "Retro Saturday supplement (salary revision)", "5000", 211, order=75, negative=True),
    _wage("sunday_supplement", "Sunnuntaityökorvaus", "Sunday supplement", "5000", 221, unit="h", order=80),
    _wage("retro_sunday_supplement", "Taannehtiva sunnuntaityökorvaus (palkantarkistus)",
          "Retro Sunday supplement (salary revision)", "5000", 221, order=85, negative=True),
    _wage("bonus", "Bonus", "Bonus", "5000", 203, order=90, other_pay=True),
    _wage("holiday_pay", "Lomapalkka", "Holiday pay", "5010", 201, order=100),
    _wage("holiday_bonus", "Lomaraha", "Holiday bonus", "5010", 213, order=110),
    # Holiday compensation at the end of an employment (vuosilomalaki 17 §, 27 § 4 mom.):
    # income type 234 Vuosilomakorvaus (a payroll vendor's mapping of its final-pay holiday
    # compensation to the Register's 200 series, read 7.12.2026; the code list is named in
    # the module docstring).
    _wage("holiday_compensation", "Lomakorvaus", "Holiday compensation", "5010", 234,
          order=115),
    _wage("sick_pay", "Sairausajan palkka", "Sick pay", "5000", 201, order=120),
    _benefit("meal_benefit", "Ravintoetu", "Meal benefit", 334,
             price="payroll.benefits.meal_benefit_value", unit="meal", order=200),
    _benefit("phone_benefit", "Puhelinetu", "Phone benefit", 330,
             price="payroll.benefits.phone_benefit_value", unit="month", order=210),
    _benefit("car_benefit", "Autoetu", "Car benefit", 304, order=220),
    _benefit("housing_benefit", "Asuntoetu", "Housing benefit", 301, order=230),
    _tax_free("daily_allowance_full", "Kotimaan kokopäiväraha", "Full daily allowance", "7510", 331,
              "payroll.allowances.daily_allowance_full", "d", 300),
    _tax_free("daily_allowance_partial", "Kotimaan osapäiväraha", "Partial daily allowance", "7510", 331,
              "payroll.allowances.daily_allowance_partial", "d", 310),
    _tax_free("meal_allowance", "Ateriakorvaus", "Meal allowance", "7510", 303,
              "payroll.allowances.meal_allowance", "meal", 320),
    _tax_free("mileage_allowance", "Kilometrikorvaus", "Mileage allowance", "7510", 311,
              "payroll.allowances.mileage_allowance", "km", 330),
    # A kilometre rate above the tax-free maximum: the excess is taxable pay (withholding
    # and the employer's health insurance contribution), but as a travel cost reimbursement
    # not TyEL earnings (TyEL 395/2006 71 § 2 mom. 3 k.) nor so in the unemployment
    # insurance base. Incomes Register income type 209 Kilometrikorvaus (veronalainen):
    # vero.fi "Palkkojen tulolajit: 200-sarja" (the series page named in the module docstring);
    # the number read from a public copy of the 2026 list (201 ... 207 Iltavuorolisä, 208
    # Irtisanomisajan korvaus, 209 Kilometrikorvaus (veronalainen), 210 Kokouspalkkio) and
    # consistent with Palkka.fi's 210 and 212 and the official examples' 210.
    WageType("mileage_allowance_taxable", "Kilometrikorvauksen veronalainen osa",
             "Taxable part of the mileage allowance", MONEY, True, False, False, True, 209,
             "7510", Decimal("1"), None, "km", 335),
    _deduction("union_dues", "Ammattiliiton jäsenmaksu", "Union dues", "2900", None, order=400),
    _benefit_charge("meal_benefit_charge", "Ravintoedusta peritty korvaus", "Meal benefit charge",
                    "meal_benefit", 410),
    _benefit_charge("car_benefit_charge", "Autoedusta peritty korvaus",
                    "Employee's payment for the car benefit", "car_benefit", 412, income_type=401),
    _benefit_charge("housing_benefit_charge", "Asuntoedusta peritty korvaus",
                    "Employee's payment for the housing benefit", "housing_benefit", 414),
    # Deduction before withholding (vähennys ennen ennakonpidätystä): the employee's own direct
    # cost of doing the work (e.g. the use of their own chainsaw in forestry work, the share
    # the Tax Administration's decision sets) that the employer deducts from gross pay before
    # the withholding is determined; gross pay minus it is the pay subject to withholding.
    # Neither the unemployment insurance contributions nor the employer's health insurance
    # contribution are paid on it (Tax Administration, Palkkahallinnon sanasto, concept
    # "vähennys ennen ennakonpidätystä", https://sanastot.suomi.fi/en/terminology/palkhall/concept/c224).
    # It is not taken from net pay: the employee keeps the money, which covers the cost.
    # It lowers the TyEL base too (since 12/2026; before, only the unemployment and health
    # bases): the Incomes Register counts 419 in every social insurance base by default - the
    # official example below reports it with InsuranceData InsuranceCode 1 "Sosiaalivakuutus-
    # maksujen alainen" (which covers codes 2-6: TyEL 2, health 3, unemployment 5, accident 6;
    # Statistics Finland's TAX_INCOMES metadata, "insuranceCode1 ... (koodit 2-6)") marked
    # Included false only to take this one out. Tase writes no InsuranceData for 419, so the
    # Register applies that default, and the payslip's bases now agree with the report (until
    # then the unemployment base was lowered and the TyEL base was not, which no source
    # supports: both are charged on the same wages, laki työttömyysetuuksien rahoituksesta
    # 555/1998; its section was not verified here). A company that must keep 419 in a base
    # unticks the base on its copy of the wage type. Incomes Register income type 419 "Vähennys ennen ennakonpidätystä": the
    # official message example esimerkki_tulolajin_vakuuttamistiedon_tyyppi.xml of the 2022
    # developer package (tests/formats/data/tulorekisteri/: "Vähennys ennen ennakonpidätystä =
    # 419"), vero.fi "Palkkojen tulolajit: 400-sarja" (the page named above) and Statistics
    # Finland's TAX_INCOMES metadata of the Register's 2026 data (published 11.11.2025:
    # "amount419 Vähennys ennen ennakonpidätystä"), checked 6.12.2026. Not posted: no money
    # moves.
    WageType("deduction_before_withholding", "Vähennys ennen ennakonpidätystä",
             "Deduction before withholding", PRE_TAX, True, True, True, True, 419, "",
             Decimal("1"), None, "", 390),
    _deduction("salary_advance", "Palkkaennakko", "Salary advance", "1760", None, order=420),
    _deduction("net_deduction", "Nettopalkasta vähennettävä erä", "Net deduction", "2900", 408, order=430),
)  # fmt: skip

# Accounts for the lines the engine makes itself (limited-company chart of tase.ledger):
# (expense or debit account, liability or credit account).
STATUTORY_ACCOUNTS: dict[str, tuple[str, str]] = {
    "withholding": ("", "2930"),
    "employee_tyel": ("", "2950"),
    "tyel_below_minimum": ("", "2950"),  # an explanation line: always zero
    "employee_unemployment": ("", "2955"),
    "union_dues": ("", "2900"),
    # With tax at source the employee's health insurance contributions are paid to the Tax
    # Administration with the tax: the same liability as withholding.
    "employee_medical_care": ("", "2930"),
    "employee_daily_allowance": ("", "2930"),
    "net_pay": ("", "2940"),
    "benefits_in_kind": ("", "5410"),
    "employer_health_insurance": ("6300", "2935"),
    "employer_tyel": ("6100", "2950"),
    "employer_unemployment": ("6410", "2955"),
    "employer_unemployment_above": ("6410", "2955"),
    "employer_accident": ("6420", "2980"),
    "employer_group_life": ("6430", "2980"),
    "payment": ("2940", "1910"),
}

# The holiday-pay liability's accounts (services.liability): the change in the accrual and
# the social cost expenses against the accrued holiday pay and accrued social costs.
HOLIDAY_ACCRUAL_ACCOUNTS: dict[str, str] = {
    "expense": "5020",
    "liability": "2975",
    "tyel": "6100",
    "unemployment": "6410",
    "health": "6300",
    "accident": "6420",
    "group_life": "6430",
    "social_liability": "2980",
}

BY_CODE: dict[str, WageType] = {w.code: w for w in CATALOGUE}

# The retro pay wage types (tase.payroll.services.retro_pay): a difference of pay priced at the
# hourly wage is paid with the retro wage type of the same income type, so that the Incomes
# Register report carries it as that income type with the original earnings period.
RETRO_WAGE_TYPES: tuple[str, ...] = (
    "retro_pay",
    "retro_overtime",
    "retro_evening_supplement",
    "retro_night_supplement",
    "retro_saturday_supplement",
    "retro_sunday_supplement",
)


def catalogue() -> dict[str, WageType]:
    """The shipped catalogue as a mapping code → wage type (a fresh dict, safe to edit)."""
    return dict(BY_CODE)
