"""Demo data of customer support: announcements of each kind, guides in Finnish and
English, requests in every status, the phone price, calls and an extra-training order.
Idempotent: looks rows up by natural keys first.

The story holds on the day the demo is loaded: a customer's requests and calls come after
their contract was signed (after the go-live for a customer in support), an organization
without a contract files none, and only a customer in support (past its go-live, its
contracted training given) orders extra training."""

from __future__ import annotations

import datetime as dt

from django.apps import apps
from django.utils import timezone

from tase.core.access import Actor

from . import services
from .models import (
    Announcement,
    Guide,
    GuideCategory,
    PhoneCall,
    PhonePrice,
    ServiceRequest,
    Status,
    TrainingOrder,
)

TZ = timezone.get_default_timezone()

ANNOUNCEMENTS = [
    (
        "info",
        "Tervetuloa uuteen asiakastukeen",
        "Palvelupyynnöt, ohjeet ja tiedotteet löytyvät nyt **yhdestä paikasta**.",
    ),
    (
        "service_break",
        "Huoltokatko lauantaina klo 6-8",
        "Palvelu ei ole käytettävissä huollon aikana.",
    ),
    (
        "release",
        "Versio 2.4: uudet raportit",
        "- Tuloslaskelma kuukausittain\n- Palkkojen CSV-vienti",
    ),
    (
        "legal",
        "Yleinen arvonlisäverokanta 25,5 %",
        "Yleinen verokanta nousi 1.9.2024 alkaen 24 %:sta 25,5 %:iin.",
    ),
]

GUIDES = [
    (
        "Kirjanpito",
        "Bookkeeping",
        [
            (
                "fi",
                "public",
                "Tositteen kirjaaminen",
                "Kirjaa tosite valitsemalla **Uusi tosite**. Tositteen rivien summa on nolla.\n\n1. Valitse tositelaji\n2. Syötä rivit\n3. Tallenna",
            ),
            (
                "fi",
                "customers",
                "Arvonlisäveron tilitys",
                "Alv-tilitys siirtää kauden arvonlisäveron maksettavaksi. Verokanta riippuu toimituspäivästä.",
            ),
            (
                "en",
                "public",
                "Posting a voucher",
                "Choose **New voucher**. The lines of a voucher sum to zero.",
            ),
        ],
    ),
    (
        "Palkanlaskenta",
        "Payroll",
        [
            (
                "fi",
                "customers",
                "Verokortin tallentaminen",
                "Tallenna työntekijän verokortti: perusprosentti, lisäprosentti ja tuloraja.",
            ),
            (
                "en",
                "customers",
                "Running payroll",
                "Calculate the pay run, check the payslips, then approve and pay.",
            ),
        ],
    ),
    (
        "Käyttöoikeudet",
        "User rights",
        [
            (
                "fi",
                "public",
                "Uuden käyttäjän kutsuminen",
                "Pääkäyttäjä kutsuu käyttäjät organisaation sivulta ja valitsee roolin.",
            ),
        ],
    ),
]

REQUESTS = [
    (
        Status.NEW,
        "payroll",
        "high",
        "Palkka-ajo ei laske lomarahaa",
        "Lomaraha puuttuu kesäkuun palkka-ajosta.",
    ),
    (
        Status.IN_PROGRESS,
        "bookkeeping",
        "normal",
        "Alv-laskelma näyttää väärää kantaa",
        "Syyskuun myynneissä näkyy 24 %.",
    ),
    (
        Status.WAITING,
        "user_rights",
        "low",
        "Kirjanpitäjä ei näe palkkoja",
        "Uusi kirjanpitäjä ei näe palkkaraportteja.",
    ),
    (
        Status.RESOLVED,
        "training",
        "normal",
        "Kysymys tilinpäätöksestä",
        "Miten tilikausi suljetaan?",
    ),
    (Status.CLOSED, "other", "low", "Laskun osoite muuttunut", "Päivittäkää laskutusosoite."),
]


def load(ctx) -> None:
    staff_user = ctx.users.get("support@vendor.example")
    if staff_user is None or ctx.vendor is None:
        return
    staff = Actor.of(staff_user)
    if not PhonePrice.objects.filter(organization=ctx.vendor).exists():
        services.set_phone_price(staff, effective_from=dt.date(2020, 1, 1), cents_per_minute=30)
    _announcements(ctx, staff)
    _guides(ctx, staff)
    _helpdesk(ctx, staff)
    for organization in ctx.customers:
        organization.refresh_from_db(fields=["in_support"])  # delivery's demo hands over
        since = _customer_since(organization)
        if since is None:  # no contract: not a customer of support yet
            continue
        _requests(ctx, staff, organization, since)
        _calls(staff, organization, since)
        if organization.in_support:
            _training(ctx, staff, organization)


def _customer_since(organization) -> dt.datetime | None:
    """Since when the organization is the vendor's customer, as support's story sees it: the
    go-live of its project when it is in support, else its contract's signing (delivery's
    rows, read without importing delivery); None without a contract. Never earlier than 30
    days ago, so the requests' ages stay those of a live helpdesk."""
    month_ago = timezone.now() - dt.timedelta(days=30)
    if not apps.is_installed("tase.delivery"):
        return month_ago
    Contract = apps.get_model("delivery", "Contract")
    Phase = apps.get_model("delivery", "Phase")
    signed = (
        Contract.objects.filter(organization=organization)
        .order_by("signed_on")
        .values_list("signed_on", flat=True)
        .first()
    )
    if signed is None:
        return None
    day = signed
    if organization.in_support:
        went_live = (
            Phase.objects.filter(organization=organization, kind=5, actual_end__isnull=False)
            .order_by("-actual_end")
            .values_list("actual_end", flat=True)
            .first()
        )
        day = went_live or day
    since = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(8), tzinfo=TZ)
    return max(since, month_ago)


CANNED = [
    (
        "Kiitos, selvitämme",
        "Hei {requester},\n\nkiitos pyynnöstä #{number}. Selvitämme asian ja palaamme "
        "asiaan viimeistään seuraavana arkipäivänä.",
    ),
    (
        "Pyydämme lisätietoja",
        "Hei {requester},\n\nvoisitko lähettää kuvakaappauksen ja kertoa, minkä tositteen "
        "kohdalla virhe näkyy? Voit vastata suoraan tähän viestiin.",
    ),
    (
        "Korjattu",
        "Hei {requester},\n\nasia “{subject}” on korjattu. Jos ongelma toistuu, avaa pyyntö "
        "uudelleen 14 päivän kuluessa.",
    ),
]


def _helpdesk(ctx, staff):
    """Canned replies of the vendor and the specialist's saved view of the queue."""
    from .models import CannedReply, SavedView

    for title, body in CANNED:
        if not CannedReply.objects.filter(organization=ctx.vendor, title=title).exists():
            services.save_canned_reply(staff, title=title, body=body)
    if not SavedView.objects.filter(user=staff.user).exists():
        services.save_view(
            staff, name="Kiireelliset", filters={"status": "open", "urgency": "critical"}
        )


def _announcements(ctx, staff):
    now = timezone.now()
    for kind, title, body in ANNOUNCEMENTS:
        if Announcement.objects.filter(organization=ctx.vendor, title=title).exists():
            continue
        expire = now + dt.timedelta(days=3) if kind == "service_break" else None
        services.create_announcement(
            staff,
            title=title,
            body=body,
            kind=kind,
            audience="everyone",
            publish_at=now - dt.timedelta(hours=1),
            expire_at=expire,
        )


def _guides(ctx, staff):
    for order, (name, name_en, guides) in enumerate(GUIDES):
        category = GuideCategory.objects.filter(organization=ctx.vendor, name=name).first()
        if category is None:
            category = services.ensure_category(staff, name, name_en, order=order * 10)
        for language, visibility, title, body in guides:
            if Guide.objects.filter(organization=ctx.vendor, title=title).exists():
                continue
            services.save_guide(
                staff,
                title=title,
                body=body,
                language=language,
                visibility=visibility,
                category=category,
                is_published=True,
            )


def _requests(ctx, staff, organization, since: dt.datetime):
    company = organization.companies.first()
    requester = next(
        (
            u
            for email, u in ctx.users.items()
            if email.startswith("main.user@")
            and u.memberships.filter(organization=organization).exists()
        ),
        None,
    )
    if company is None or requester is None:
        return
    customer = Actor.of(requester)
    start = since
    for offset, (status, category, urgency, subject, description) in enumerate(REQUESTS):
        if ServiceRequest.objects.filter(organization=organization, subject=subject).exists():
            continue
        # every three days from the start, and never in the future (the last hours ago)
        created = min(
            start + dt.timedelta(days=offset * 3),
            timezone.now() - dt.timedelta(hours=6 * (len(REQUESTS) - offset)),
        )
        request = services.create_request(
            customer,
            company=company,
            category=category,
            subject=subject,
            description=description,
            urgency=urgency,
            now=created,
        )
        if status == Status.NEW:
            continue
        services.add_reply(
            staff,
            request,
            body="Kiitos viestistä, selvitämme asiaa.",
            now=created + dt.timedelta(hours=2),
        )
        services.add_reply(
            staff, request, body="Asiakkaalla vanha versio (sisäinen muistiinpano).", internal=True
        )
        if status == Status.WAITING:
            services.change_status(staff, request, Status.WAITING)
        elif status in (Status.RESOLVED, Status.CLOSED):
            services.change_status(
                staff, request, Status.RESOLVED, now=created + dt.timedelta(days=1)
            )
            services.rate(
                customer,
                request,
                rating=5 if status == Status.CLOSED else 4,
                comment="Nopea apu, kiitos!",
            )
            if status == Status.CLOSED:
                services.change_status(staff, request, Status.CLOSED)


CALLS = [
    # days after the customer's start, seconds, topic
    (1, 421, "Ensimmäinen alv-ilmoitus"),
    (2, 59, "Ensimmäinen alv-ilmoitus"),
    (6, 601, "Palkka-ajon hyväksyntä"),
    (9, 1805, "Verokorttien tuonti"),
]


def _calls(staff, organization, since: dt.datetime):
    if PhoneCall.objects.filter(organization=organization).exists():
        return
    today = timezone.localdate()
    for days, seconds, topic in CALLS:
        day = min(since.astimezone(TZ).date() + dt.timedelta(days=days), today - dt.timedelta(1))
        services.log_call(
            staff,
            organization,
            caller="Maija Pääkäyttäjä",
            started_at=dt.datetime.combine(day, dt.time(10, 15), tzinfo=TZ),
            duration_seconds=seconds,
            topic=topic,
            notes="Sisäinen: neuvottu ohjeen mukaan.",
        )


def _training(ctx, staff, organization):
    if TrainingOrder.objects.filter(organization=organization).exists():
        return
    main_user = next(
        (
            u
            for email, u in ctx.users.items()
            if email.startswith("main.user@")
            and u.memberships.filter(organization=organization).exists()
        ),
        None,
    )
    if main_user is None:
        return
    customer = Actor.of(main_user)
    order = services.order_training(
        customer,
        organization,
        reason="new_employees",
        topics="Palkka-ajo, verokortit",
        participants=3,
        hours=2,
        preferred_dates="viikko 50",
    )
    services.quote_training(staff, order, price_cents=30000, note="2 h etänä")
    services.accept_training(customer, order)
    services.plan_session(
        staff,
        order,
        starts_at=timezone.now() + dt.timedelta(days=7),
        duration_minutes=120,
        trainer=staff.user,
        location="Teams",
    )
