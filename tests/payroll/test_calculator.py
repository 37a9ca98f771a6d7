"""The stateless calculator: POST /api/v1/payroll/calculate and the calculator page."""

import pytest

from tase.core.roles import Role

URL = "/api/v1/payroll/calculate"
EXAMPLE = {
    "payment_date": "2026-03-15",
    "birth_date": "1990-05-01",
    "tax_card": {
        "base_rate": "20",
        "additional_rate": "40",
        "income_limit": "40000.00",
        "income_paid_before": "0.00",
    },
    "items": [
        {"wage_type": "monthly_salary", "amount": "3500.00"},
        {"wage_type": "mileage_allowance", "quantity": "100"},
    ],
    "union_dues_rate": "0",
    "employer": {
        "tyel_rate": None,
        "above_unemployment_threshold": False,
        "accident_rate": "0",
        "group_life_rate": "0",
    },
}


def post(client, body):
    return client.post(URL, body, content_type="application/json")


def test_calculate_the_issue_example(world):
    response = post(world.client(Role.VIEWER), EXAMPLE)
    assert response.status_code == 200, response.content
    body = response.json()
    assert {k: body[k] for k in ("gross_pay", "withholding", "employee_tyel", "net_pay")} == {
        "gross_pay": "3500.00",
        "withholding": "700.00",
        "employee_tyel": "255.50",
        "net_pay": "2568.35",
    }
    assert body["employee_unemployment"] == "31.15"
    assert body["tax_free"] == "55.00"
    assert body["employer"] == {
        "health_insurance": "66.85",
        "tyel": "598.50",
        "unemployment": "10.85",
        "accident": "0.00",
        "group_life": "0.00",
        "total_cost": "4231.20",
    }
    mileage = next(line for line in body["lines"] if line["code"] == "mileage_allowance")
    assert mileage["rate"] == "0.55" and mileage["quantity"] == "100"
    assert mileage["parameter"] == "payroll.allowances.mileage_allowance"
    assert mileage["source"].startswith("https://")
    assert set(body["lines"][0]) == {
        "code", "label", "base", "rate", "quantity", "amount", "parameter", "source",
    }  # fmt: skip


def test_calculate_needs_a_signed_in_user(client):
    assert post(client, EXAMPLE).status_code == 401


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"tax_card": {"base_rate": "120", "additional_rate": "40", "income_limit": "1"}}, "tax_card.base_rate"),
        ({"tax_card": {"base_rate": "20", "additional_rate": "40", "income_limit": "-1"}}, "tax_card.income_limit"),
        ({"items": [{"wage_type": "no_such_type", "amount": "1"}]}, "items[0].wage_type"),
        ({"items": [{"wage_type": "mileage_allowance", "quantity": "-5"}]}, "items[0].quantity"),
        ({"employer": {"accident_rate": "101"}}, "employer.accident_rate"),
        ({"union_dues_rate": "-1"}, "union_dues_rate"),
    ],
)  # fmt: skip
def test_bad_input_answers_422_naming_the_field(world, change, field):
    response = post(world.client(Role.VIEWER), EXAMPLE | change)
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", field]


def test_calculator_page_renders_the_explained_payslip(world):
    client = world.client(Role.PAYROLL_CLERK)
    assert client.get("/payroll/calculator/").status_code == 200
    response = client.post(
        "/payroll/calculator/",
        {
            "payment_date": "2026-03-15",
            "birth_date": "1990-05-01",
            "card_kind": "card",
            "base_rate": "20",
            "additional_rate": "40",
            "income_limit": "40000",
            "income_paid_before": "0",
            "item_0_wage_type": "monthly_salary",
            "item_0_amount": "3500",
            "item_1_wage_type": "mileage_allowance",
            "item_1_quantity": "100",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="calculator-result"' in html
    assert "2\xa0568,35\xa0€" in html and "payroll.tyel.employee_rate_bands" in html


def test_calculator_shows_a_deduction_before_withholding(world):
    """419: the withholding base is 3 500 - 500; the deduction is shown, net pay keeps it."""
    body = dict(EXAMPLE)
    body["items"] = [
        {"wage_type": "monthly_salary", "amount": "3500"},
        {"wage_type": "deduction_before_withholding", "amount": "500"},
    ]
    response = post(world.client(Role.VIEWER), body)
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["deductions_before_withholding"] == "500.00"
    assert (data["taxable_income"], data["withholding"]) == ("3000.00", "600.00")
    assert data["deductions"] == "0.00"
    page = world.client(Role.PAYROLL_CLERK).post(
        "/payroll/calculator/",
        {
            "payment_date": "2026-03-15",
            "birth_date": "1990-05-01",
            "card_kind": "card",
            "base_rate": "20",
            "additional_rate": "40",
            "income_limit": "40000",
            "income_paid_before": "0",
            "item_0_wage_type": "monthly_salary",
            "item_0_amount": "3500",
            "item_1_wage_type": "deduction_before_withholding",
            "item_1_amount": "500",
        },
    )
    html = page.content.decode()
    assert 'data-testid="pre-tax"' in html and "500,00\xa0€" in html
    assert "Vähennykset ennen ennakonpidätystä" in html


def test_calculator_page_shows_the_error_at_the_field(world):
    client = world.client(Role.PAYROLL_CLERK)
    response = client.post(
        "/payroll/calculator/",
        {
            "payment_date": "2026-03-15",
            "birth_date": "1990-05-01",
            "card_kind": "card",
            "base_rate": "150",
            "additional_rate": "40",
            "income_limit": "40000",
            "item_0_wage_type": "monthly_salary",
            "item_0_amount": "3500",
        },
    )
    html = response.content.decode()
    assert "calculator-result" not in html
    assert "field-invalid" in html


def test_an_anonymous_call_answers_401_saying_how_to_sign_in_not_a_csrf_failure():
    from django.test import Client

    response = post(Client(enforce_csrf_checks=True), EXAMPLE)
    assert response.status_code == 401, response.content
    body = response.json()
    assert body["detail"] == "Unauthorized"
    assert "Authorization: Bearer" in body["how_to_sign_in"]
    assert "/account/" in body["how_to_sign_in"]
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_a_signed_in_session_still_needs_its_csrf_token(world):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users[Role.VIEWER])
    response = post(client, EXAMPLE)
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]


def test_a_token_calls_the_calculator_without_csrf(world):
    from django.test import Client

    from tase.core import services as core_services

    _row, token = core_services.create_api_token(world.users[Role.VIEWER], name="calculator")
    response = Client(enforce_csrf_checks=True).post(
        URL, EXAMPLE, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}"
    )
    assert response.status_code == 200, response.content


def test_a_payment_date_past_the_confirmed_figures_answers_422_naming_the_parameter(world):
    response = post(world.client(Role.VIEWER), EXAMPLE | {"payment_date": "2027-01-15"})
    assert response.status_code == 422
    (error,) = response.json()["detail"]
    assert error["loc"] == ["body", "payment_date"]
    assert "2027" in error["msg"] and "payroll." in error["msg"]
