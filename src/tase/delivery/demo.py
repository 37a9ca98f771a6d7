"""Demo projects: one in every phase, one ahead of and one behind schedule, with meetings,
documents, trainings and a signed-off go-live. Idempotent: a customer that already has the
demo contract is left alone. Dates are relative to today, so the demo always looks current."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from stdnum.fi import ytunnus

from tase.core.access import Actor
from tase.core.demo import demo_user
from tase.core.models import Company, Membership, Organization, User
from tase.core.roles import Role

from . import selectors, services
from .checks import NOT_OVERRIDABLE
from .models import Contract, Document, GoLive, Meeting, PhaseKind, Project, Task

CONTRACT_TITLE = "Kirjanpito- ja palkkaohjelmiston käyttöönotto"

EXTRA_CUSTOMERS = [
    # name, business id base, city, the phase the project is in now
    ("Tilitoimisto Lehto", 2871001, "Turku", PhaseKind.KICKOFF),
    ("Konepaja Niemi", 2871002, "Jyväskylä", PhaseKind.SPECIFICATION),
    ("Kukkakauppa Ruusu", 2871003, "Lahti", PhaseKind.TRAINING),
    ("Leipomo Jussila", 2871004, "Kuopio", PhaseKind.GO_LIVE),
]
# Weeks from the kickoff to today, per phase the project is in now.
WEEKS_IN = {
    PhaseKind.KICKOFF: 0,
    PhaseKind.SPECIFICATION: 2,
    PhaseKind.IMPLEMENTATION: 5,
    PhaseKind.TRAINING: 9,
    PhaseKind.GO_LIVE: 10,
    PhaseKind.MAINTENANCE: 14,
}

SPEC_TEXT = {
    "bookkeeping": [
        "Tilikartta: yhdistysten/yritysten perustilikartta, omat kustannuspaikat myymälöittäin.",
        "Alv-kausi: kuukausi.",
        "Avaustase siirretään vanhasta järjestelmästä tilinpäätöksen jälkeen.",
        "Pankkiaineistot: camt.053-tiliotteet päivittäin.",
    ],
    "payroll": [
        "Palkkakausi: kuukausi, maksupäivä kuun viimeinen arkipäivä.",
        "Palkkalajit: kuukausipalkka, tuntipalkka, ylityö 50 % ja 100 %, lomaraha.",
        "Tulorekisteri-ilmoitukset suoraan ohjelmasta.",
    ],
}


def _business_id(base: int) -> str:
    for digit in "0123456789":
        candidate = f"{base:07d}-{digit}"
        if ytunnus.is_valid(candidate):
            return candidate
    return _business_id(base + 1)


def _extra_customer(ctx, name: str, base: int, city: str) -> Organization:
    organization, _ = Organization.objects.get_or_create(
        name=name, kind=Organization.Kind.CUSTOMER, vendor=ctx.vendor
    )
    Company.objects.get_or_create(
        organization=organization,
        business_id=_business_id(base),
        is_test_environment=False,
        defaults={"name": f"{name} Oy", "city": city},
    )
    slug = name.split()[-1].lower().replace("ä", "a").replace("ö", "o")
    for role, first in ((Role.MAIN_USER, "Pirjo"), (Role.ACCOUNTANT, "Timo")):
        email = f"{role.value.replace('_', '.')}@{slug}.example"
        demo_user(ctx, organization, email, f"{first} {name.split()[-1]}", role)
    return organization


def _main_user(organization: Organization) -> User | None:
    m = (
        Membership.objects.filter(organization=organization, role=Role.MAIN_USER, is_active=True)
        .select_related("user")
        .first()
    )
    return m.user if m else None


def _at(day: dt.date, hour: int = 9) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def _date_signatures(project: Project) -> None:
    """The signing service stamps the moment the demo is loaded; in the demo's story the
    customer and the lead signed on the go-live day (the day of the closing meeting, which the
    hand-over made the go-live phase's end), after the meeting, when the training and test
    phases were over, and the hand-over to support followed the lead's signature."""
    day = project.phases.get(kind=PhaseKind.GO_LIVE).actual_end
    GoLive.objects.filter(project=project).update(
        customer_signed_at=_at(day, 14), lead_signed_at=_at(day, 15), handover_at=_at(day, 15)
    )


def _build(
    ctx, organization: Organization, phase_now: int, slip: int = 0, signed: bool = False
) -> None:
    if Contract.objects.filter(organization=organization, title=CONTRACT_TITLE).exists():
        return
    staff = {email: ctx.users[email] for email in ctx.users}
    lead_user = staff["project.lead@vendor.example"]
    consultant = staff["consultant@vendor.example"]
    manager = staff["account.manager@vendor.example"]
    lead, am = Actor.of(lead_user), Actor.of(manager)
    cons = Actor.of(consultant)
    main_user = _main_user(organization)
    main = Actor.of(main_user) if main_user else None
    today = timezone.localdate()
    kickoff = today - dt.timedelta(weeks=WEEKS_IN[phase_now])
    kickoff -= dt.timedelta(days=kickoff.weekday())  # a Monday

    if not hasattr(organization, "delivery_account"):
        services.set_account_manager(
            am,
            organization,
            manager,
            next_contact_on=today + dt.timedelta(days=(-5 if slip > 0 else 20)),
        )
        services.log_contact(
            am,
            organization,
            on=kickoff - dt.timedelta(days=14),
            channel="meeting",
            note="Sopimus allekirjoitettu.",
        )
    contract = services.create_contract(
        am,
        organization,
        title=CONTRACT_TITLE,
        signed_on=kickoff - dt.timedelta(days=14),
        modules=["bookkeeping", "payroll"],
        training_hours="8",
        scope="Kirjanpito ja palkanlaskenta, tiliotteiden ja Tulorekisterin aineistot, vanhan järjestelmän saldot.",
    )
    for kind, title in (
        (Document.Kind.TENDER_REQUEST, "Tarjouspyyntö"),
        (Document.Kind.TENDER, "Tarjous"),
        (Document.Kind.CONTRACT, "Sopimus"),
    ):
        services.add_document(
            am,
            organization=organization,
            contract=contract,
            kind=kind,
            title=title,
            body=f"{title}: {organization.name}. {contract.scope}",
            customer_visible=True,
        )
    project = services.create_project(
        lead, contract, lead=lead_user, kickoff_on=kickoff, consultants=[consultant]
    )
    if main_user:
        services.add_key_person(lead, project, user=main_user, role="Pääkäyttäjä, talouspäällikkö")
    participants = [lead_user, consultant] + ([main_user] if main_user else [])
    kick = services.create_meeting(
        lead,
        project,
        kind=Meeting.Kind.KICKOFF,
        starts_at=_at(kickoff, 10),
        place=f"{organization.name}, neuvotteluhuone",
        participants=participants,
    )
    services.publish_document(lead, kick.agenda)
    if phase_now == PhaseKind.KICKOFF:
        return

    phases = {p.kind: p for p in project.phases.all()}

    def done_until(kind_now: int) -> None:
        for kind in range(1, kind_now):
            p = phases[kind]
            p.refresh_from_db()
            end = p.planned_end or p.planned_start
            if kind == PhaseKind.SPECIFICATION and slip > 0:
                end = (p.baseline_end or end) + dt.timedelta(days=slip)
            if kind == PhaseKind.IMPLEMENTATION and slip < 0:
                end = (p.baseline_end or end) + dt.timedelta(days=slip)
            services.record_phase_progress(
                lead, p, actual_start=p.planned_start, actual_end=min(end, today)
            )
        current = phases[kind_now]
        current.refresh_from_db()
        services.record_phase_progress(
            lead, current, actual_start=min(current.planned_start, today), actual_end=None
        )

    services.write_minutes(
        lead,
        kick,
        "Avainhenkilöt esittäytyivät. Sovittiin tarkempi aikataulu ja ensimmäiset tehtävät.",
    )
    services.publish_document(lead, kick.minutes)
    # The target schedule is agreed in specification.
    services.reschedule(lead, project, {}, set_baseline=True)
    if slip < 0:  # ahead: the later phases move earlier
        moved = {}
        for kind in (PhaseKind.TRAINING, PhaseKind.GO_LIVE, PhaseKind.MAINTENANCE):
            p = phases[kind]
            moved[kind] = (
                p.planned_start + dt.timedelta(days=slip),
                p.planned_end and p.planned_end + dt.timedelta(days=slip),
            )
        p3 = phases[PhaseKind.IMPLEMENTATION]
        moved[PhaseKind.IMPLEMENTATION] = (
            p3.planned_start,
            p3.planned_end + dt.timedelta(days=slip),
        )
        services.reschedule(lead, project, moved)
    if slip > 0:  # behind: specification ran late, the rest moves later
        moved = {}
        for kind in range(PhaseKind.IMPLEMENTATION, PhaseKind.MAINTENANCE + 1):
            p = phases[kind]
            moved[kind] = (
                p.planned_start + dt.timedelta(days=slip),
                p.planned_end and p.planned_end + dt.timedelta(days=slip),
            )
        services.reschedule(lead, project, moved)
    workshop = services.create_meeting(
        lead,
        project,
        kind=Meeting.Kind.WORKSHOP,
        starts_at=_at(kickoff + dt.timedelta(days=9), 9),
        video_link="https://meet.example/maarittely",
        participants=participants,
    )
    services.publish_document(lead, workshop.agenda)
    for spec in project.specs.all():
        lines = SPEC_TEXT.get(spec.area, ["Määrittely."])
        services.save_spec_version(lead, spec, "\n".join(lines[:-1]))
        latest = services.save_spec_version(lead, spec, "\n".join(lines))
        if phase_now > PhaseKind.SPECIFICATION or spec.area == "bookkeeping":
            services.send_spec_for_review(lead, latest)
        if phase_now > PhaseKind.SPECIFICATION and main:
            services.approve_spec_version(main, latest)
    if phase_now == PhaseKind.SPECIFICATION:
        done_until(PhaseKind.SPECIFICATION)
        return

    for task in project.tasks.filter(
        phase__kind__lte=min(phase_now - 1, PhaseKind.IMPLEMENTATION), state_check=""
    ):
        services.set_task_status(lead, task, Task.Status.DONE)
    open_tasks = list(
        project.tasks.filter(phase__kind=PhaseKind.IMPLEMENTATION).exclude(status=Task.Status.DONE)
    )
    for i, task in enumerate(open_tasks):
        due = (
            today - dt.timedelta(days=3)
            if (slip > 0 and i == 0)
            else today + dt.timedelta(days=7 + i)
        )
        services.save_task(
            lead,
            project,
            task=task,
            phase=task.phase,
            title=task.title,
            owner=consultant,
            due_on=max(due, kickoff),
            status=Task.Status.DOING if i == 0 else Task.Status.TODO,
            customer_visible=task.customer_visible,
            state_check=task.state_check,
        )
    report = services.add_document(
        lead,
        organization=organization,
        project=project,
        kind=Document.Kind.STATUS_REPORT,
        title=f"Tilannekatsaus {today:%d.%m.%Y}",
        body=(
            "Määrittely valmistui viikon myöhässä; toteutus etenee, tavoitteena kiriä aikataulu kiinni."
            if slip > 0
            else "Toteutus etenee suunnitellusti. Seuraavaksi koulutus ja testaus."
        ),
    )
    services.publish_document(lead, report)
    services.create_meeting(
        lead,
        project,
        kind=Meeting.Kind.STATUS,
        starts_at=_at(today + dt.timedelta(days=4), 13),
        video_link="https://meet.example/tilanne",
        participants=participants,
    )
    if phase_now == PhaseKind.IMPLEMENTATION:
        plan = services.add_document(
            lead,
            organization=organization,
            project=project,
            kind=Document.Kind.OTHER,
            title="Tiedonsiirtosuunnitelma",
            needs_approval=True,
            body="Siirretään vanhasta järjestelmästä: avaustase, asiakas- ja toimittajarekisteri, "
            "palkansaajien perustiedot ja kuluvan vuoden palkkakertymät.",
        )
        services.publish_document(lead, plan)
        services.create_change_request(
            am,
            organization,
            project=project,
            title="Myyntiraportti kustannuspaikoittain",
            description="Asiakas toivoo raporttia, joka ei kuulu sopimukseen eikä määrittelyyn.",
            asked_by=main_user,
            estimate_hours="6",
            estimate_euros="720",
        )
        done_until(PhaseKind.IMPLEMENTATION)
        return

    # Training: part 1 held, part 2 some weeks later.
    first_day = min(kickoff + dt.timedelta(weeks=8), today - dt.timedelta(days=2))
    first, second = services.plan_two_part_training(
        lead,
        project,
        first_at=_at(first_day, 9),
        hours_each="3",
        trainer=consultant,
        participants=[main_user] if main_user else [],
    )
    services.confirm_training(lead, first)
    services.mark_training_held(lead, first)
    # Core's demo looks companies up by business ID alone, so the platform's two demo
    # customers get no test-environment copy; the extra customers do.
    if organization not in ctx.customers:
        try:
            with transaction.atomic():
                services.create_project_test_environment(
                    lead, project, organization.companies.filter(is_test_environment=False).first()
                )
        except Exception:  # another app's copier failing must not stop the demo
            pass
    tested = project.tasks.filter(state_check="delivery.customer_tested").first()
    if tested and main:  # the customer's own item: their main user confirms it
        services.override_check(main, tested, "Testasimme koulutuksessa konsultin kanssa.")
    if phase_now == PhaseKind.TRAINING:
        done_until(PhaseKind.TRAINING)
        return

    closing_day = kickoff + dt.timedelta(weeks=10)
    if signed:  # the go-live comes after the training phase, and before the demo's day
        training = phases[PhaseKind.TRAINING]
        training.refresh_from_db()
        after_training = (training.planned_end or closing_day) + dt.timedelta(days=1)
        closing_day = min(max(closing_day, after_training), today - dt.timedelta(days=1))
    closing = services.create_meeting(
        lead,
        project,
        kind=Meeting.Kind.CLOSING,
        starts_at=_at(
            min(closing_day, today) if signed else max(closing_day, today + dt.timedelta(days=2)),
            10,
        ),
        place=f"{organization.name}",
        participants=[*participants, manager],
    )
    services.publish_document(lead, closing.agenda)
    if not signed:
        done_until(PhaseKind.GO_LIVE)
        return
    for task in project.tasks.filter(state_check="").exclude(phase__kind=PhaseKind.MAINTENANCE):
        services.set_task_status(lead, task, Task.Status.DONE)
    if second.starts_at.date() <= today:
        services.confirm_training(lead, second)
        services.mark_training_held(lead, second)
    services.write_minutes(
        lead, closing, "Todettiin tuotantovalmius. Asiakas siirtyy asiakastuen piiriin."
    )
    services.publish_document(lead, closing.minutes)
    done_until(PhaseKind.GO_LIVE)
    services.sync_state_checks(project)
    for task in (
        project.tasks.exclude(state_check="")
        .exclude(state_check__in=NOT_OVERRIDABLE)
        .exclude(status=Task.Status.DONE)
    ):
        services.override_check(cons, task, "Todettu päätöstapaamisessa.")
    for task in project.tasks.filter(customer_visible=True, due_on__lt=today).exclude(
        status=Task.Status.DONE
    ):
        services.explain_overdue(lead, task, "Sovittu tehtäväksi käyttöönoton jälkeen.")
    if selectors.overrides_needing_approval(selectors.go_live_checklist(project)):
        services.approve_overrides(am, project)
    if main:
        services.sign_go_live(main, project)
    services.sign_go_live(lead, project)
    _date_signatures(project)
    cr = services.create_change_request(
        am,
        organization,
        project=project,
        title="Kassajärjestelmän integraatio",
        description="Kassajärjestelmän myyntien automaattinen kirjaus.",
        asked_by=main_user,
    )
    services.set_change_request_status(am, cr, "quoted", estimate_hours="16", estimate_euros="1920")


def load_demo(ctx) -> None:
    if ctx.vendor is None or "project.lead@vendor.example" not in ctx.users:
        return
    with services.quiet():
        customers = list(ctx.customers)
        if len(customers) >= 2:
            _build(ctx, customers[0], PhaseKind.IMPLEMENTATION, slip=8)  # behind schedule
            _build(ctx, customers[1], PhaseKind.MAINTENANCE, signed=True)  # signed-off go-live
        for name, base, city, phase in EXTRA_CUSTOMERS:
            organization = _extra_customer(ctx, name, base, city)
            _build(ctx, organization, phase, slip=-5 if phase == PhaseKind.TRAINING else 0)  # ahead
