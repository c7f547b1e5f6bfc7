"""The demo's reseller interfaces (R1–R5, R9): FNAC, Ticketnet and SecuTix-file against the
bundled reseller sandbox (`/reseller-sandbox/<instance>/`), and the real-time Digitick and
ClassicTic with their API accounts (`CUBE_DIGITICK` / `digitick-demo-key`, `CUBE_CLASSICTIC` /
`classictic-demo-key`), whose own sales records the reconciliation reads at the sandbox's
`/reseller-sandbox/<code>/realtime/sales/` (`<code>-sales` / `sales-secret`), with mappings for the season's events, tariffs, seat categories and
configurations, and contingents on a few performances. Idempotent: existing rows are kept as
the box office may have changed them."""

import io

from django.apps import apps
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from ticketshop.catalogue import models as cat
from ticketshop.contacts.models import Contact
from ticketshop.organisation.models import Organisation, PointOfSales, SalesChannel
from ticketshop.resellers.contingents import allot_seats
from ticketshop.resellers.models import Contingent, Mapping, ResellerInterface
from ticketshop.sales.lifecycle import BookingError

INTERFACES = [
    # code, kind, name, channel code, manager code, price policy, commission, seats per contingent
    ("fnac", "FNAC", "MoSA FNAC", "FNAC", "FNAC-CUBE", "ERROR", "0", 12),
    ("ticketnet", "TICKETNET", "Ticketnet", "TICKETNET", "TNET-CUBE", "ACCEPT", "0", 8),
    ("secutix-file", "SECUTIX_FILE", "SecuTix file", "SECUTIX_FILE", "STXF-CUBE", "COMMISSION",
     "5", 6),
]  # fmt: skip
# Real-time resellers (R9): code, kind, name, channel code, price policy, commission, families,
# seats per contingent, API account and its demo secret.
REALTIME = [
    ("digitick", "DIGITICK", "Digitick", "DIGITICK", "ERROR", "0",
     "EVENT,COMPETITION,VISIT_PASS_INDIVIDUAL,UNDATED_PASS", 10, "CUBE_DIGITICK",
     "digitick-demo-key"),
    ("classictic", "CLASSICTIC", "ClassicTic", "CLASSICTIC", "COMMISSION", "6", "EVENT", 10,
     "CUBE_CLASSICTIC", "classictic-demo-key"),
]  # fmt: skip
CUSTOMER_CATEGORIES = ["0|44", "6", "15|60", "7", "8", "9", "10", "11"]
K = Mapping.Kind


def load_demo_resellers(base_url, organisation="CUBE", performances=3, stdout=None):
    org = Organisation.objects.get(code=organisation)
    season = (
        cat.Season.objects.filter(organisation=org, end_date__gte=timezone.localdate())
        .order_by("start_date")
        .first()
    )
    report = []
    with transaction.atomic():
        for *spec, _seats in INTERFACES:
            interface = _interface(org, base_url.rstrip("/"), *spec)
            if season is not None:
                _mappings(interface, season)
        for spec in REALTIME:
            interface = _realtime_interface(org, base_url.rstrip("/"), *spec)
            if season is not None:
                _mappings(interface, season)
    if season is None:
        return ["No current season: interfaces without mappings or contingents."]
    seats_of = {i[0]: i[7] for i in INTERFACES} | {r[0]: r[7] for r in REALTIME}
    for interface in ResellerInterface.objects.filter(code__in=list(seats_of)):
        seats = seats_of[interface.code]
        allotted = _contingents(interface, season, performances, seats)
        report.append(f"{interface}: {allotted} seats allotted on {performances} performances.")
    return report


def _interface(org, base_url, code, kind, name, channel_code, manager, policy, commission):
    existing = ResellerInterface.objects.filter(code=code).first()
    if existing:
        return existing
    channel, _c = SalesChannel.objects.get_or_create(
        organisation=org,
        code=channel_code,
        defaults={"name": name, "kind": SalesChannel.Kind.RESELLER},
    )
    pos, _c = PointOfSales.objects.get_or_create(
        code=f"RS_{channel_code}"[:20], defaults={"channel": channel, "name": name}
    )
    waiting, _c = Contact.objects.get_or_create(
        organisation=org,
        email=f"waiting-{code}@thecube.example",
        defaults={"first_name": name, "last_name": "Waiting account"},
    )
    root = f"{base_url}/reseller-sandbox/{code}/"
    return ResellerInterface.objects.create(
        code=code,
        kind=kind,
        name_fr=name,
        name_en=name,
        name_de=name,
        name_es=name,
        external_channel=channel,
        point_of_sales=pos,
        waiting_contact=waiting,
        manager_code=manager,
        sales_url=root + "EtatVentes/",
        allotment_url=root + "Contingentement/",
        prepare_access_url=root + "PrepareCtrlAcces/",
        get_access_url=root + "GetCtrlAcces/",
        allotment_user=f"{code}-allot",
        allotment_password="allot-secret",
        sales_user=f"{code}-sales",
        sales_password="sales-secret",
        access_user=f"{code}-access",
        access_password="access-secret",
        price_policy=policy,
        commission_percent=commission,
        failure_emails="box-office@thecube.example",
        release_deadline_hours=2,
    )


def _realtime_interface(
    org,
    base_url,
    code,
    kind,
    name,
    channel_code,
    policy,
    commission,
    families,
    _seats,
    username,
    secret,
):
    channel, _c = SalesChannel.objects.get_or_create(
        organisation=org,
        code=channel_code,
        defaults={"name": name, "kind": SalesChannel.Kind.RESELLER},
    )
    pos, _c = PointOfSales.objects.get_or_create(
        code=f"RS_{channel_code}"[:20], defaults={"channel": channel, "name": name}
    )
    # The API layer makes the account (the resellers never import it: it imports them).
    call_command(
        "ensure_api_account",
        username=username,
        secret=secret,
        point_of_sales=pos.code,
        stdout=io.StringIO(),
    )
    account = apps.get_model("ticketshop_api", "ApiAccount").objects.get(username=username)
    # The reseller's own sales records (R11), read by the reconciliation report.
    sales = {
        "sales_url": f"{base_url}/reseller-sandbox/{code}/realtime/sales/",
        "sales_user": f"{code}-sales",
        "sales_password": "sales-secret",
    }
    existing = ResellerInterface.objects.filter(code=code).first()
    if existing:
        changed = []
        if existing.api_account_id is None:
            existing.api_account = account
            changed.append("api_account")
        if not existing.sales_url:
            for name, value in sales.items():
                setattr(existing, name, value)
            changed += list(sales)
        if changed:
            existing.save(update_fields=changed)
        return existing
    waiting, _c = Contact.objects.get_or_create(
        organisation=org,
        email=f"waiting-{code}@thecube.example",
        defaults={"first_name": name, "last_name": "Waiting account"},
    )
    return ResellerInterface.objects.create(
        code=code,
        kind=kind,
        name_fr=name,
        name_en=name,
        name_de=name,
        name_es=name,
        external_channel=channel,
        point_of_sales=pos,
        waiting_contact=waiting,
        api_account=account,
        **sales,
        price_policy=policy,
        commission_percent=commission,
        allowed_families=families,
        failure_emails="box-office@thecube.example",
    )


def _mappings(interface, season):
    rows = []
    products = cat.Product.objects.filter(season=season, family__in=interface.families())
    rows += [(K.EVENT, p.pk, f"CUBE{p.pk:04d}") for p in products]
    tariffs = cat.Tariff.objects.filter(organisation=season.organisation).order_by("pk")
    rows += [
        (K.TARIFF, t.pk, CUSTOMER_CATEGORIES[i])
        for i, t in enumerate(tariffs[: len(CUSTOMER_CATEGORIES)])
    ]
    categories = cat.SeatCategory.objects.filter(
        configuration__hall__venue__organisation=season.organisation
    ).order_by("pk")
    rows += [(K.SEAT_CATEGORY, c.pk, str(30 + i)) for i, c in enumerate(categories)]
    configurations = cat.LogicalConfiguration.objects.filter(
        hall__venue__organisation=season.organisation
    )
    rows += [(K.CONFIGURATION, c.pk, c.code[:3]) for c in configurations]
    for kind, object_id, external in rows:
        Mapping.objects.get_or_create(
            interface=interface,
            season=season,
            kind=kind,
            object_id=object_id,
            defaults={"external_id": external},
        )


def _contingents(interface, season, how_many, seats):
    performances = (
        cat.Performance.objects.filter(
            product__season=season,
            product__family__in=interface.families(),
            product__quota__isnull=True,
            state=cat.State.RUNNING,
            product__state=cat.State.RUNNING,
            start__gt=timezone.now(),
        )
        .exclude(configuration=None)
        .order_by("start")[:how_many]
    )
    allotted = 0
    for performance in performances:
        contingent, created = Contingent.objects.get_or_create(
            interface=interface, performance=performance
        )
        if not created:
            continue
        category = (
            cat.SeatCategory.objects.filter(configuration=performance.configuration)
            .order_by("-rank", "pk")
            .first()
        )
        try:
            allotted += len(allot_seats(contingent, seat_category=category, count=seats))
        except BookingError:
            continue
    return allotted
