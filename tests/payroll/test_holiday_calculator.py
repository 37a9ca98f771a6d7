"""The stateless holiday calculator: POST /api/v1/payroll/holidays/calculate."""

from pathlib import Path

import pytest
import yaml

from tase.core.roles import Role
from tests.rules.holiday_example import example, with_month

URL = "/api/v1/payroll/holidays/calculate"
GOLDEN = Path(__file__).parents[1] / "rules" / "holiday_golden"
EXAMPLE = example()  # the issue's example: hourly paid, 14-day rule, employed since 2020


def post(client, body):
    return client.post(URL, body, content_type="application/json")


def test_the_issue_example(world):
    """12 x 2900.00 = 34800.00 over 240 days = 145.00 a day; 30 days x coefficient 27.8."""
    response = post(world.client(Role.VIEWER), EXAMPLE)
    assert response.status_code == 200, response.content
    body = response.json()
    assert {key: body[key] for key in body if key != "lines"} == {
        "earned_days": 30,
        "full_months": 12,
        "method": "average_daily_wage",
        "average_daily_wage": "145.00",
        "coefficient": "27.8",
        "holiday_pay": "4031.00",
        "holiday_bonus": "2015.50",
        "compensation": "0.00",
    }
    assert [line["amount"] for line in body["lines"]] == [
        "12",
        "30",
        "145.00",
        "4031.00",
        "2015.50",
    ]
    assert set(body["lines"][0]) == {"label", "basis", "amount", "source"}
    assert body["lines"][0]["label"] == "Täydet lomanmääräytymiskuukaudet"
    assert body["lines"][3]["source"] == (
        "vuosilomalaki 162/2005 11 § 1 mom., https://finlex.fi/fi/laki/ajantasa/2005/20050162"
    )


def test_a_golden_case_through_http(world):
    case = yaml.safe_load((GOLDEN / "2026_compensation_at_termination.yaml").read_text("utf-8"))
    response = post(world.client(Role.PAYROLL_CLERK), case["input"])
    assert response.status_code == 200, response.content
    body = response.json()
    for key, value in case["expected"].items():
        if key != "lines":
            assert body[key] == value, key
    assert [line["basis"] for line in body["lines"][1:]] == [
        line["basis"] for line in case["expected"]["lines"][1:]
    ]


def test_english_for_a_user_who_chose_english(world):
    user = world.users[Role.VIEWER]
    user.language = "en"
    user.save(update_fields=["language"])
    response = post(world.client(Role.VIEWER), EXAMPLE)
    assert response.json()["lines"][0]["label"] == "Full holiday credit months"


def test_needs_a_signed_in_user(client):
    assert post(client, EXAMPLE).status_code == 401


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"months": with_month(0, month="2025-03")}, "months[0].month", "ulkopuolella"),
        ({"months": with_month(7, days_worked=31)}, "months[7].days_worked", "30"),
        ({"months": with_month(4, wages="-100.00")}, "months[4].wages", "negatiivinen"),
        ({"months": with_month(4, overtime_increments="-1")}, "months[4].overtime_increments", "negatiivinen"),
        ({"monthly_salary": "3000.00"}, "monthly_salary", "ei sovi palkkausmuotoon tuntipalkka"),
        ({"pay_basis": "monthly"}, "monthly_salary", "tarvitaan palkkausmuodolla kuukausipalkka"),
        ({"earning_rule": "35_hours"}, "earning_rule", "14 päivän sääntöä"),
        ({"days_per_week": "2"}, "earning_rule", "35 tunnin sääntöä"),
        ({"credit_year_end": "2026-04-30"}, "credit_year_end", "31. maaliskuuta"),
        ({"employment_end": "2025-03-01"}, "employment_end", "1.4.2025"),
        ({"credit_year_end": "1999-03-31", "employment_start": "1990-01-01"}, "credit_year_end", "lain lukuja"),
    ],
)  # fmt: skip
def test_bad_input_answers_422_naming_the_field(world, change, field, words):
    response = post(world.client(Role.VIEWER), EXAMPLE | change)
    assert response.status_code == 422, response.content
    detail = response.json()["detail"][0]
    assert detail["loc"] == ["body", field]
    assert detail["msg"].startswith(f"{field}: ") and words in detail["msg"]


def test_an_unknown_pay_basis_is_refused_by_the_schema(world):
    response = post(world.client(Role.VIEWER), EXAMPLE | {"pay_basis": "daily"})
    assert response.status_code == 422
    assert "pay_basis" in response.json()["detail"][0]["loc"]


def test_the_operation_is_in_the_openapi_schema(world):
    schema = world.client(Role.VIEWER).get("/api/v1/openapi.json").json()
    operation = schema["paths"][URL]["post"]
    assert "vuosilomalaki" in operation["description"]


# -- the page ------------------------------------------------------------------------------
def _page_data(**changes):
    data = {
        "credit_year_end": "2026-03-31",
        "employment_start": "2020-01-01",
        "pay_basis": "hourly",
        "earning_rule": "14_days",
        "days_per_week": "5",
        "holiday_bonus_percent": "50",
    }
    for row in range(12):
        data |= {f"month_{row}_days_worked": "20", f"month_{row}_hours_worked": "150"}
        data[f"month_{row}_wages"] = "2900,00"  # the Finnish decimal comma
    return data | changes


def test_holiday_calculator_page_renders_the_explained_result(world):
    client = world.client(Role.PAYROLL_CLERK)
    page = client.get("/payroll/holiday-calculator/")
    assert page.status_code == 200
    assert "Lomalaskuri" in page.content.decode()
    response = client.post("/payroll/holiday-calculator/", _page_data())
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="holiday-calculator-result"' in html
    assert "4\xa0031,00\xa0€" in html and "2\xa0015,50\xa0€" in html
    assert "145,00 \N{MULTIPLICATION SIGN} 27,8" in html and "11 § 1 mom." in html


def test_holiday_calculator_page_leaves_out_months_without_days(world):
    data = _page_data(employment_start="2025-06-01")
    for row in (0, 1):  # April and May: no employment
        data.pop(f"month_{row}_days_worked")
    response = world.client(Role.PAYROLL_CLERK).post("/payroll/holiday-calculator/", data)
    html = response.content.decode()
    assert 'data-testid="earned-days">20<' in html  # 10 full months x 2


def test_holiday_calculator_page_shows_the_error_at_thewith_month(world):
    data = _page_data(employment_start="2025-06-01")
    data.pop("month_0_days_worked")
    data.pop("month_1_days_worked")
    data["month_2_wages"] = "-5"  # June: the form's third row, the first month sent
    response = world.client(Role.PAYROLL_CLERK).post("/payroll/holiday-calculator/", data)
    html = response.content.decode()
    assert 'data-testid="holiday-calculator-result"' not in html
    assert "months[0].wages: ei saa olla negatiivinen." in html
    assert 'name="month_2_wages"' in html.split("ei saa olla negatiivinen")[0].rsplit("<td", 1)[1]


def test_no_holiday_earned_through_the_api_and_the_page(world):
    """17 § 4 mom.: the calculator's compensation for one who earned no holiday, with an
    earlier credit year's wages, in the API and on the page (issue 16)."""
    client = world.client(Role.PAYROLL_CLERK)
    body = {
        "credit_year_end": "2026-03-31",
        "employment_start": "2025-01-01",
        "employment_end": "2026-02-27",
        "pay_basis": "hourly",
        "earning_rule": "35_hours",
        "days_per_week": "1",
        "earlier_years": [{"credit_year_end": "2025-03-31", "wages": "900"}],
        "months": [{"month": "2025-04", "days_worked": 4, "hours_worked": 20, "wages": "300"}],
    }
    result = post(client, body).json()
    assert result["compensation"] == "115.50"  # 900 x 9 % + 300 x 11.5 %
    assert "17 § 4 mom., 16 §" in result["lines"][2]["source"]
    body["days_earned_before"] = 4
    refused = post(client, body)
    assert refused.status_code == 422 and "earlier_years" in refused.content.decode()
    data = {
        "credit_year_end": "2026-03-31",
        "employment_start": "2025-01-01",
        "employment_end": "2026-02-27",
        "pay_basis": "hourly",
        "earning_rule": "35_hours",
        "days_per_week": "1",
        "earlier_wages_1": "900,00",
        "month_0_days_worked": "4",
        "month_0_hours_worked": "20",
        "month_0_wages": "300,00",
    }
    html = client.post("/payroll/holiday-calculator/", data).content.decode()
    assert "115,50\xa0€" in html and "17 § 4 mom., 16 §" in html
    wrong = client.post("/payroll/holiday-calculator/", data | {"days_earned_before": "4"})
    assert "field-invalid" in wrong.content.decode() and "17 § 4 mom.)" in wrong.content.decode()


def test_other_pay_and_absence_pay_through_the_api_and_the_page(world):
    """10 § 1 mom. second sentence and 12 § 2 mom. in the calculator (issue 16)."""
    client = world.client(Role.PAYROLL_CLERK)
    body = {
        "credit_year_end": "2026-03-31",
        "employment_start": "2020-01-01",
        "pay_basis": "monthly",
        "earning_rule": "14_days",
        "monthly_salary": "3000",
        "months": [
            {"month": f"{2025 + (m < 4)}-{m:02d}", "days_worked": 20, "wages": "3120"}
            | {"other_pay": "120"}
            for m in range(1, 13)
        ],
    }
    result = post(client, body).json()
    assert result["holiday_pay"] == "3766.80"
    body["months"][3]["other_pay"] = "4000"
    refused = post(client, body)
    assert refused.status_code == 422 and "months[3].other_pay" in refused.content.decode()
    data = _page_data(pay_basis="hourly", earning_rule="35_hours", days_per_week="2")
    data |= {"month_0_absence_wages": "1000,00"}
    html = client.post("/payroll/holiday-calculator/", data).content.decode()
    assert "12 § 2 mom." in html and "Poissaolojen laskennallinen palkka" in html


def test_no_full_month_during_the_employment_through_the_api_and_the_page(world):
    """8 § 1 mom., 16 §: an employment that goes on, under the 35-hour rule, whose months all
    stayed below 35 hours earns no holiday; the calculator answers holiday compensation, not
    12 § holiday pay (issue 16). One day a week since 2020 (a year by 31.3.2026: 11.5 %),
    12 months x 300.00 = 3 600.00 x 11.5 % = 414.00; holiday bonus 50 % of holiday pay 0.00."""
    client = world.client(Role.PAYROLL_CLERK)
    body = {
        "credit_year_end": "2026-03-31",
        "employment_start": "2020-01-01",
        "pay_basis": "hourly",
        "earning_rule": "35_hours",
        "days_per_week": "1",
        "holiday_bonus_percent": "50",
        "months": [
            {"month": f"{2025 + (m < 4)}-{m:02d}", "days_worked": 4, "hours_worked": "20"}
            | {"wages": "300"}
            for m in range(1, 13)
        ],
    }
    result = post(client, body).json()
    assert (result["holiday_pay"], result["compensation"]) == ("0.00", "414.00")
    assert result["holiday_bonus"] == "0.00"
    assert [line["amount"] for line in result["lines"][2:4]] == ["414.00", "414.00"]
    assert "16 §, 8 § 1 mom." in result["lines"][2]["source"]
    assert "19 § 1 mom." in result["lines"][3]["source"]
    data = _page_data(earning_rule="35_hours", days_per_week="1")
    for row in range(12):
        data |= {f"month_{row}_days_worked": "4", f"month_{row}_hours_worked": "20"}
        data[f"month_{row}_wages"] = "300,00"
    html = client.post("/payroll/holiday-calculator/", data).content.decode()
    assert 'data-testid="holiday-pay"><strong>0,00\xa0€' in html
    assert 'data-testid="compensation">414,00\xa0€' in html
    assert "Lomakorvaus työsuhteen aikana" in html and "16 §, 8 § 1 mom." in html


def test_the_26_section_days_from_sick_leaves(world):
    """Instead of ``days_not_given``: the sick leaves and the days used by the deadline
    (31.12.2027 for the credit year ending 31.3.2026). Sick 1.9.-17.12.2027, 6 days used:
    24 - 10 holiday days after the sick leave = 14 days, 4 031.00 x 14 / 30 = 1 881.13 €; the
    same as giving ``days_not_given: 14``, which still works."""
    client = world.client(Role.VIEWER)
    sick = [{"start_date": "2027-09-01", "end_date": "2027-12-17"}]
    response = post(client, EXAMPLE | {"sick_leaves": sick, "days_used": 6})
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["holiday_pay"], body["compensation"]) == ("2149.87", "1881.13")
    line = body["lines"][2]
    assert (line["basis"], line["amount"]) == ("24 \N{MINUS SIGN} 10", "14")
    assert "26 § 1 mom." in line["source"]
    old = post(client, EXAMPLE | {"days_not_given": 14}).json()
    assert (old["holiday_pay"], old["compensation"]) == ("2149.87", "1881.13")
    both = post(client, EXAMPLE | {"sick_leaves": sick, "days_not_given": 14})
    assert both.status_code == 422
    detail = both.json()["detail"][0]
    assert detail["loc"] == ["body", "sick_leaves"] and "days_not_given" in detail["msg"]


def test_the_page_sends_every_input_of_the_api(world):
    """The page is the API's twin (issue 16 item 7): filled in, its request carries every
    field of the API's body and every field of a month."""
    from tase.payroll.forms import HolidayCalculatorForm
    from tase.payroll.holidays_api import HolidayCalculateIn, MonthIn

    data = _page_data(
        employment_end="2026-02-27",
        monthly_salary="1",
        weekly_salary="1",
        working_time_changed="on",
        average_hourly_earnings_multiplier="8",
        days_not_given="1",
        days_used="1",
        bonus_on_compensation="on",
        days_earned_before="1",
        earlier_wages_1="1",
        sick_leave_0_start_date="2027-09-01",
        sick_leave_0_end_date="2027-09-02",
    )
    for part in ("overtime_increments", "overtime_hours", "equated_days", "equated_hours"):
        data[f"month_0_{part}"] = "1"
    data |= {"month_0_other_pay": "1", "month_0_absence_wages": "1"}
    form = HolidayCalculatorForm(data)
    assert form.is_valid(), form.errors
    request = form.to_request()
    assert set(HolidayCalculateIn.model_fields) - set(request) == set()
    assert set(MonthIn.model_fields) - set(request["months"][0]) == set()
    assert request["sick_leaves"] and request["earlier_years"]


def test_the_26_section_days_from_sick_leaves_on_the_page(world):
    """The page's sick leaves and days used give what the API gives (1 881.13 € for sick
    leave 1.9.-17.12.2027 and 6 days used), a leave ending before it begins is refused at
    its field, and sick leaves with days not given at the days not given."""
    client = world.client(Role.PAYROLL_CLERK)
    data = _page_data(
        days_used="6",
        sick_leave_1_start_date="1.9.2027",
        sick_leave_1_end_date="17.12.2027",
    )
    html = client.post("/payroll/holiday-calculator/", data).content.decode()
    assert 'data-testid="compensation">1\xa0881,13\xa0€' in html
    assert "24 \N{MINUS SIGN} 10" in html and "26 § 1 mom." in html
    wrong = data | {"sick_leave_1_end_date": "31.8.2027"}
    html = client.post("/payroll/holiday-calculator/", wrong).content.decode()
    assert 'data-testid="holiday-calculator-result"' not in html
    cell = html.split("sick_leaves[0].end_date: ")[0].rsplit("<td", 1)[1]
    assert 'name="sick_leave_1_end_date"' in cell and "field-invalid" in cell
    both = client.post("/payroll/holiday-calculator/", data | {"days_not_given": "14"})
    html = both.content.decode()
    assert 'data-testid="holiday-calculator-result"' not in html
    assert "sick_leaves: " in html.split('name="days_not_given"')[1].split("</div>")[0]
