"""Guides: public without login, customers-only with, search, deflection, versions, votes."""

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from tase.core.roles import Role
from tase.support import selectors, services

from .factories import PNG, customer, make_guide, specialist, upload

pytestmark = pytest.mark.django_db


def test_public_guide_readable_without_login_customers_only_not(world):
    public = make_guide(world, title="Julkinen ohje")
    private = make_guide(world, title="Asiakkaiden ohje", visibility="customers")
    anonymous = Client()
    assert anonymous.get(reverse("support:guide_detail", args=[public.pk])).status_code == 200
    assert anonymous.get(reverse("support:guide_detail", args=[private.pk])).status_code == 404
    listing = anonymous.get(reverse("support:guide_list")).content.decode()
    assert "Julkinen ohje" in listing and "Asiakkaiden ohje" not in listing
    customer_client = world.client(Role.VIEWER)
    assert (
        customer_client.get(reverse("support:guide_detail", args=[private.pk])).status_code == 200
    )


def test_unpublished_guide_only_for_publishers(world):
    draft = make_guide(world, title="Luonnos", is_published=False)
    assert (
        world.client(Role.MAIN_USER)
        .get(reverse("support:guide_detail", args=[draft.pk]))
        .status_code
        == 404
    )
    assert (
        world.client(Role.SUPPORT_SPECIALIST)
        .get(reverse("support:guide_detail", args=[draft.pk]))
        .status_code
        == 200
    )


def test_search_finds_by_word_and_prefix_ranked(world):
    voucher = make_guide(
        world, title="Tositteen kirjaaminen", body="Tosite kirjataan päiväkirjaan."
    )
    make_guide(world, title="Verokortti", body="Verokortin tallentaminen palkanlaskentaan.")
    make_guide(world, title="Palkka-ajo", body="Kun tosite on valmis, palkka-ajo.")
    actor = customer(world)
    found = selectors.search_guides(actor, "tosite")
    assert found[0] == voucher  # title weighs more
    assert len(found) == 2
    assert [g.title for g in selectors.search_guides(actor, "verokort")] == ["Verokortti"]
    assert selectors.search_guides(actor, "olematon") == []
    assert selectors.search_guides(actor, "'\"*)(") == []  # odd input is harmless


def test_search_respects_visibility(world):
    make_guide(world, title="Salainen tosite", visibility="customers")
    assert selectors.search_guides(None, "tosite") == []
    assert len(selectors.search_guides(customer(world), "tosite")) == 1


def test_search_page_and_new_version_reindexed(world):
    guide = make_guide(world, title="Alv-tilitys", body="Kausiveroilmoitus")
    services.save_guide(
        specialist(world), guide, title="Alv-tilitys", body="Uusi sisältö: tilinpäätös"
    )
    guide.refresh_from_db()
    assert guide.version == 2
    assert list(guide.versions.values_list("version", flat=True)) == [2, 1]
    html = Client().get(reverse("support:guide_list") + "?q=tilinpäätös").content.decode()
    assert "Alv-tilitys" in html
    assert (
        "Alv-tilitys"
        not in Client().get(reverse("support:guide_list") + "?q=kausiveroilmoitus").content.decode()
    )


def test_deflection_suggests_matching_guides_as_the_customer_types(world):
    make_guide(
        world, title="Verokortin tallentaminen", body="Verokortti tallennetaan työntekijälle."
    )
    client = world.client(Role.PAYROLL_CLERK)
    response = client.get(
        reverse("support:deflect"),
        {"subject": "verokortti ei näy", "description": ""},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert "Verokortin tallentaminen" in response.content.decode()
    form = client.get(reverse("support:request_create")).content.decode()
    assert 'hx-get="/support/requests/deflect/"' in form


def test_helpful_votes_once_per_session(world):
    guide = make_guide(world)
    client = Client()
    url = reverse("support:guide_vote", args=[guide.pk])
    client.post(url, {"helpful": "yes"})
    client.post(url, {"helpful": "yes"})
    Client().post(url, {"helpful": "no"})
    guide.refresh_from_db()
    assert (guide.helpful_yes, guide.helpful_no) == (1, 1)


def test_related_and_images(world):
    first = make_guide(world, title="Eka")
    second = services.save_guide(
        specialist(world),
        None,
        title="Toka",
        body="![kuva](/x.png)",
        category=first.category,
        language="en",
        visibility="public",
        is_published=True,
        related=[first],
    )
    assert list(second.related.all()) == [first]
    image = services.add_guide_image(specialist(world), second, upload("kuva.png", PNG))
    assert Client().get(reverse("support:guide_image", args=[image.pk])).status_code == 200
    with pytest.raises(ValidationError):
        services.add_guide_image(specialist(world), second, upload("kuva.png", b"%PDF-1.4"))
    html = Client().get(reverse("support:guide_detail", args=[second.pk])).content.decode()
    assert "Eka" in html


def test_guide_body_is_sanitized(world):
    guide = make_guide(world, body="<img src=x onerror=alert(1)> [x](javascript:alert(1))")
    html = Client().get(reverse("support:guide_detail", args=[guide.pk])).content.decode()
    assert "onerror" not in html and "javascript:alert" not in html


def test_postgresql_search_uses_finnish_stemming(world):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("Finnish stemming is PostgreSQL's `finnish` configuration")
    make_guide(world, title="Verokortin tallentaminen", body="Tallenna tositteen liitteet.")
    actor = customer(world)
    assert [g.title for g in selectors.search_guides(actor, "verokortit")] == [
        "Verokortin tallentaminen"
    ]
    assert [g.title for g in selectors.search_guides(actor, "tosite")] == [
        "Verokortin tallentaminen"
    ]


def test_guide_list_query_count(world, django_assert_max_num_queries):
    for n in range(12):
        make_guide(world, title=f"Ohje {n}")
    client = world.client(Role.MAIN_USER)
    with django_assert_max_num_queries(15):
        assert client.get(reverse("support:guide_list")).status_code == 200


def test_employee_without_support_use_neither_reads_nor_votes_customers_guides(world):
    private = make_guide(world, title="Asiakkaiden ohje", visibility="customers")
    employee = world.client(Role.EMPLOYEE)
    assert employee.get(reverse("support:guide_detail", args=[private.pk])).status_code == 404
    assert (
        employee.post(
            reverse("support:guide_vote", args=[private.pk]), {"helpful": "yes"}
        ).status_code
        == 404
    )
    assert "Asiakkaiden ohje" not in employee.get(reverse("support:guide_list")).text
    private.refresh_from_db()
    assert private.helpful_yes == 0


def test_customer_posting_a_guide_image_is_refused_with_403(world):
    guide = make_guide(world, title="Julkinen ohje")
    url = reverse("support:guide_image_upload", args=[guide.pk])
    assert world.client(Role.MAIN_USER).post(url).status_code == 403
    with_file = world.client(Role.MAIN_USER).post(url, {"image": upload("kuva.png", PNG)})
    assert with_file.status_code == 403
    assert not guide.images.exists()
