"""The resellers' tests: make_shop's venue (20 seats, CAT1 row A, CAT2 row B, CONCERT on sale)
in the future, a FNAC interface pointing at the bundled reseller sandbox on the live server,
with seed 004's kind of mappings."""

import datetime as dt
from types import SimpleNamespace

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.utils import timezone

from tests.fixtures.identity import use_keys
from tests.fixtures.venue import make_shop
from ticketshop.catalogue import models as cat
from ticketshop.contacts.models import Contact
from ticketshop.organisation.models import PointOfSales, SalesChannel
from ticketshop.resellers.models import Mapping, ResellerInterface

K = Mapping.Kind
MANAGER_CODES = {"fnac": "FNAC-CUBE", "ticketnet": "TNET-CUBE", "secutix-file": "STXF-CUBE"}


@pytest.fixture(autouse=True)
def reseller_settings(settings, keys_dir):
    use_keys(settings, keys_dir)
    settings.RESELLERS = {"SOAP_TIMEOUT": 120, "ACCESS_TIMEOUT": 120}  # a loaded test machine
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def shop(db):
    data = make_shop()
    now = timezone.now()
    for day, performance in enumerate(cat.Performance.objects.order_by("pk"), start=7):
        performance.start = now + dt.timedelta(days=day)
        performance.save()
    for value in vars(data).values():
        if isinstance(value, cat.Performance):
            value.refresh_from_db()
    return SimpleNamespace(
        **vars(data),
        full=cat.Tariff.objects.get(code="FULL"),
        child=cat.Tariff.objects.get(code="CHILD"),
    )


def make_interface(shop, base_url, instance="fnac", **extra):
    org = shop.org
    channel = SalesChannel.objects.create(
        organisation=org, code=instance.upper().replace("-", "_")[:20], name=f"{instance} channel"
    )
    pos = PointOfSales.objects.create(
        channel=channel, code=f"RS_{instance.upper().replace('-', '_')}"[:20], name=instance
    )
    waiting = Contact.objects.create(
        organisation=org,
        email=f"waiting-{instance}@thecube.example",
        first_name=instance.upper(),
        last_name="Waiting account",
    )
    root = f"{base_url}/reseller-sandbox/{instance}/"
    fields = {
        "code": instance,
        "kind": {"fnac": "FNAC", "ticketnet": "TICKETNET"}.get(instance, "SECUTIX_FILE"),
        "name_fr": f"MoSA {instance.upper()}",
        "name_en": f"MoSA {instance.upper()}",
        "external_channel": channel,
        "point_of_sales": pos,
        "waiting_contact": waiting,
        "manager_code": MANAGER_CODES[instance],
        "sales_url": root + "EtatVentes/",
        "allotment_url": root + "Contingentement/",
        "prepare_access_url": root + "PrepareCtrlAcces/",
        "get_access_url": root + "GetCtrlAcces/",
        "allotment_user": f"{instance}-allot",
        "allotment_password": "allot-secret",
        "sales_user": f"{instance}-sales",
        "sales_password": "sales-secret",
        "access_user": f"{instance}-access",
        "access_password": "access-secret",
        "failure_emails": "box-office@thecube.example",
        **extra,
    }
    interface = ResellerInterface.objects.create(**fields)
    season = shop.season
    for kind, obj, external in (
        (K.EVENT, shop.concert, "MOSA02"),
        (K.TARIFF, shop.full, "0|44"),
        (K.TARIFF, shop.child, "6"),
        (K.SEAT_CATEGORY, shop.cat1, "30"),
        (K.SEAT_CATEGORY, shop.cat2, "31"),
        (K.CONFIGURATION, shop.configuration, "GAR"),
    ):
        Mapping.objects.create(
            interface=interface, season=season, kind=kind, object_id=obj.pk, external_id=external
        )
    return interface


@pytest.fixture
def sandbox(live_server, transactional_db):
    call_command("setup_reseller_sandbox")
    return live_server


@pytest.fixture
def fnac(shop, sandbox):
    return make_interface(shop, sandbox.url)
