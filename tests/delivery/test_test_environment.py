"""The customer's test environment: a banner on every page of it, no stamp needed on delivery's
own PDFs, and a reset to a fresh copy (the old copy archived, never deleted)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from tase.core.models import AuditEvent, Company
from tase.core.roles import Role
from tase.delivery import checks, hooks, selectors, services
from tase.delivery.models import Project

from ..payroll.factories import employee, pay_run
from .factories import project
from .test_api import API, client_for

pytestmark = pytest.mark.django_db

BANNER = 'class="banner banner-test"'


@pytest.fixture
def p(world):
    p = project(world)
    services.create_project_test_environment(world.actor(Role.PROJECT_LEAD), p, world.company)
    p.refresh_from_db()
    return p


def test_banner_on_every_company_page_of_the_test_environment(world, p):
    test = p.test_company
    client = world.client(Role.MAIN_USER)
    for url in (
        reverse("ledger:home", args=[test.pk]),
        reverse("ledger:accounts", args=[test.pk]),
        reverse("payroll:runs", args=[test.pk]),
        reverse("payroll:employees", args=[test.pk]),
        reverse("company_detail", args=[test.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert BANNER in response.text and test.name in response.text, url
    # a page of one pay run or employee is about the object's company
    clerk = world.actor(Role.MAIN_USER)
    test_run, real_run = pay_run(clerk, test), pay_run(clerk, world.company)
    test_worker = employee(clerk, test, last_name="Harjoitus")
    for url in (
        reverse("payroll:run_detail", args=[test_run.pk]),
        reverse("payroll:employee_detail", args=[test_worker.pk]),
    ):
        assert BANNER in client.get(url).text, url
    # the real company's pages carry none, even right after the test company's; nor do pages
    # that name no company
    for url in (
        reverse("payroll:run_detail", args=[real_run.pk]),
        reverse("ledger:home", args=[world.company.pk]),
        reverse("payroll:runs", args=[world.company.pk]),
        reverse("payroll:calculator"),
        reverse("delivery:project", args=[p.pk]),
    ):
        assert BANNER not in client.get(url).text, url
    # another customer learns nothing about it
    other = world.client(Role.MAIN_USER, other=True)
    response = other.get(reverse("ledger:home", args=[test.pk]))
    assert response.status_code == 404 and test.name not in response.text


def test_delivery_pdfs_are_project_documents_and_carry_no_test_band(world, p, pdf_texts):
    lead = world.actor(Role.PROJECT_LEAD)
    version = services.save_spec_version(lead, p.specs.first(), "Tilikartta ja ALV")
    response = world.client(Role.PROJECT_LEAD).get(reverse("delivery:spec_pdf", args=[version.pk]))
    assert response.status_code == 200
    assert pdf_texts and not any("TEST" in t or "TESTI" in t for t in pdf_texts)


def _count_only(company_pk):
    return hooks.TestActivity(
        "ledger.vouchers", "Vouchers", lambda company: 3 if company.pk == company_pk else 0
    )


def test_reset_archives_the_old_copy_and_counts_from_the_new(world, p, monkeypatch):
    old = p.test_company
    monkeypatch.setitem(hooks.TEST_ACTIVITY, "ledger.vouchers", _count_only(old.pk))
    assert checks.customer_tested(p)
    with pytest.raises(PermissionDenied):
        services.reset_test_environment(world.actor(Role.CONSULTANT), p)
    with pytest.raises(PermissionDenied):
        services.reset_test_environment(world.actor(Role.ACCOUNTANT), p)
    new = services.reset_test_environment(world.actor(Role.MAIN_USER), p)
    p.refresh_from_db()
    old.refresh_from_db()
    assert p.test_company == new and p.test_source == world.company and p.test_reset_at
    assert new.is_active and new.is_test_environment and new.pk != old.pk
    assert not old.is_active and timezone.localdate().strftime("%d.%m.%Y") in old.name
    assert Company.objects.filter(pk=old.pk).exists()  # kept: posted vouchers are immutable
    assert not checks.customer_tested(p)  # counts from the current copy
    assert selectors.archived_test_environments(p) == [old]
    pickers = world.actor(Role.MAIN_USER).companies("ledger.view")
    assert new in pickers and old not in pickers
    event = AuditEvent.objects.get(action="reset_test_environment", object_id=str(p.pk))
    assert event.changes["test_company"] == [old.pk, new.pk]
    assert event.actor == world.users[Role.MAIN_USER]
    # the lead can reset again; a cancelled project cannot
    services.reset_test_environment(world.actor(Role.PROJECT_LEAD), p)
    services.set_project_status(world.actor(Role.PROJECT_LEAD), p, Project.Status.CANCELLED, "x")
    p.refresh_from_db()
    with pytest.raises(ValidationError):
        services.reset_test_environment(world.actor(Role.PROJECT_LEAD), p)


def test_reset_without_a_test_environment_is_refused(world):
    p = project(world)
    with pytest.raises(ValidationError) as error:
        services.reset_test_environment(world.actor(Role.PROJECT_LEAD), p)
    assert "test_company" in error.value.message_dict


def test_reset_from_the_project_page(world, p):
    client = world.client(Role.MAIN_USER)
    url = reverse("delivery:project", args=[p.pk])
    assert 'data-testid="reset-test"' in client.get(url).text
    old = p.test_company
    client.post(reverse("delivery:test_environment_reset", args=[p.pk]))  # not confirmed
    p.refresh_from_db()
    assert p.test_company == old
    client.post(reverse("delivery:test_environment_reset", args=[p.pk]), {"confirm": "1"})
    p.refresh_from_db()
    assert p.test_company != old
    page = client.get(url).text
    archived = page.split('data-testid="archived-tests"')[1].split("</ul>")[0]
    assert reverse("company_detail", args=[old.pk]) in archived
    assert 'data-testid="reset-test"' not in world.client(Role.ACCOUNTANT).get(url).text
    # the archived copy still shows, marked as archived, by its id
    assert BANNER in client.get(reverse("company_detail", args=[old.pk])).text


def test_test_environment_through_the_api(world):
    p = project(world)
    lead = client_for(world.users[Role.PROJECT_LEAD])
    response = lead.post(
        f"{API}/projects/{p.pk}/test-environment",
        {"company_id": world.other_company.pk},
        content_type="application/json",
    )
    assert response.status_code == 422
    response = lead.post(
        f"{API}/projects/{p.pk}/test-environment",
        {"company_id": world.company.pk},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    first = response.json()["company_id"]
    assert response.json()["source_company_id"] == world.company.pk
    main = client_for(world.users[Role.MAIN_USER])
    response = main.post(f"{API}/projects/{p.pk}/test-environment/reset")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["company_id"] != first and [c["id"] for c in body["archived"]] == [first]
    assert (
        main.get(f"{API}/projects/{p.pk}/test-environment").json()["company_id"]
        == body["company_id"]
    )
    viewer = client_for(world.users[Role.ACCOUNTANT])
    assert viewer.post(f"{API}/projects/{p.pk}/test-environment/reset").status_code == 403
    other = client_for(world.other_users[Role.MAIN_USER])
    assert other.post(f"{API}/projects/{p.pk}/test-environment/reset").status_code == 404


def test_a_new_test_environment_has_sample_books_and_staff_but_no_real_data(world):
    """Trainees start from sample vouchers and made-up employees, never the real people's data;
    the sample does not count as the customer having tested."""
    import datetime as dt
    from decimal import Decimal

    from tase.ledger import sample as ledger_sample
    from tase.ledger import services as ledger
    from tase.ledger.system import SystemActor
    from tase.payroll import sample as payroll_sample
    from tase.payroll import services as payroll
    from tase.payroll.models import Employee

    system = SystemActor()
    ledger.apply_chart(system, world.company, "limited-company")
    year = timezone.localdate().year
    ledger.create_fiscal_year(
        system, world.company, start=dt.date(year, 1, 1), end=dt.date(year, 12, 31)
    )
    payroll.create_employee(
        system,
        world.company,
        number="1",
        first_name="Oikea",
        last_name="Ihminen",
        identity_code="110370-4569",
        birth_date=None,
    )
    p = project(world)
    test = services.create_project_test_environment(
        world.actor(Role.PROJECT_LEAD), p, world.company
    )
    p.refresh_from_db()
    vouchers = test.vouchers.all()
    # the ledger's sample vouchers, then delivery's month of practice data (issue 13)
    refs = {ref for ref, *_rest in ledger_sample.VOUCHERS}
    assert vouchers.filter(source="sample", source_ref__in=refs).count() == len(refs)
    assert set(vouchers.values_list("source", flat=True)) <= {
        "sample",
        "sales.invoice",
        "sales.payment",
    }
    people = Employee.objects.filter(company=test)
    assert sorted(people.values_list("last_name", flat=True)) == sorted(
        person[2] for person in payroll_sample.PEOPLE
    )
    assert not people.filter(last_name="Ihminen").exists()
    assert not checks.customer_tested(p)
    ledger.post_voucher(
        system,
        test,
        date=timezone.localdate(),
        series="MU",
        description="Harjoitus",
        lines=[
            {"account": "1910", "debit": Decimal("10")},
            {"account": "1700", "credit": Decimal("10")},
        ],
    )
    assert checks.customer_tested(p)
