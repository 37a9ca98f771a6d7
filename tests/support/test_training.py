"""Extra training: ordered by the main user, quoted and planned by the vendor, accepted by the customer."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from tase.core.roles import Role
from tase.support import services
from tase.support.models import TrainingOrder

from .factories import customer, specialist

pytestmark = pytest.mark.django_db


def order(world, **fields):
    data = {
        "reason": "new_employees",
        "topics": "Palkka-ajo",
        "participants": 3,
        "hours": 2,
    } | fields
    return services.order_training(customer(world), world.org, **data)


def test_full_flow(world):
    item = order(world)
    staff = specialist(world)
    services.quote_training(staff, item, price_cents=30000, note="etänä")
    services.accept_training(customer(world), item)
    services.plan_session(
        staff,
        item,
        starts_at=timezone.now() + dt.timedelta(days=3),
        duration_minutes=120,
        trainer=staff.user,
    )
    services.complete_training(staff, item)
    item.refresh_from_db()
    assert item.status == TrainingOrder.State.DONE
    assert item.sessions.count() == 1
    html = world.client(Role.VIEWER).get(reverse("support:training_list")).content.decode()
    assert "Palkka-ajo" in html


def test_only_the_main_user_orders_and_accepts(world):
    with pytest.raises(PermissionDenied):
        services.order_training(
            customer(world, Role.ACCOUNTANT),
            world.org,
            reason="other",
            topics="x",
            participants=1,
            hours=1,
        )
    item = order(world)
    services.quote_training(specialist(world), item, price_cents=100)
    with pytest.raises(PermissionDenied):
        services.accept_training(customer(world, Role.ACCOUNTANT), item)


def test_steps_in_order_only(world):
    item = order(world)
    with pytest.raises(ValidationError):
        services.accept_training(customer(world), item)
    with pytest.raises(ValidationError):
        order(world, participants=0)


def test_tenant_wall(world):
    item = order(world)
    other = world.client(Role.MAIN_USER, other=True)
    assert other.get(reverse("support:training_detail", args=[item.pk])).status_code == 404


def test_order_page(world):
    client = world.client(Role.MAIN_USER)
    response = client.post(
        reverse("support:training_create"),
        {
            "reason": "main_user_changed",
            "topics": "Kaikki",
            "participants": 1,
            "hours": 4,
            "preferred_dates": "vk 2",
        },
    )
    assert response.status_code == 302
    assert TrainingOrder.objects.get().organization == world.org


def test_training_history_shows_implementation_trainings_beside_extra_ones(world):
    from tase.delivery import services as delivery_services
    from tests.delivery.factories import KICKOFF, aware, project

    implementation = project(world)
    delivery_services.plan_training(
        world.actor(Role.PROJECT_LEAD),
        implementation,
        part=1,
        starts_at=aware(KICKOFF + dt.timedelta(days=7)),
        hours="3",
        topics="Käyttöönottokoulutus: kirjanpito",
    )
    order(world, topics="Lisäkoulutus: palkat")
    html = world.client(Role.MAIN_USER).get(reverse("support:training_list")).content.decode()
    assert "Käyttöönottokoulutus: kirjanpito" in html and "Lisäkoulutus: palkat" in html
    other = world.client(Role.MAIN_USER, other=True).get(reverse("support:training_list"))
    assert "Käyttöönottokoulutus" not in other.content.decode()
