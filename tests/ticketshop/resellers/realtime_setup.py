"""A real-time reseller interface (R9) with its API account, mappings and a contingent, for the
tests, the race and the bench (no fixture: the race and the bench run outside pytest)."""

from ticketshop.api.models import ApiAccount
from ticketshop.contacts.models import Contact
from ticketshop.organisation.models import PointOfSales, SalesChannel
from ticketshop.resellers.contingents import allot_seats
from ticketshop.resellers.models import Contingent, Mapping, ResellerInterface

K = Mapping.Kind


def make_realtime(
    org,
    code,
    *,
    tariffs,
    categories=(),
    season=None,
    kind="DIGITICK",
    policy="ERROR",
    commission="0",
    families="EVENT,COMPETITION,VISIT_PASS_INDIVIDUAL,UNDATED_PASS",
):
    """`tariffs`: [(tariff, "0|44")], `categories`: [(seat category, "30")]. Returns
    (interface, operator, secret)."""
    channel = SalesChannel.objects.create(
        organisation=org, code=code.upper()[:20], name=code, kind=SalesChannel.Kind.RESELLER
    )
    pos = PointOfSales.objects.create(channel=channel, code=f"RS_{code.upper()}"[:20], name=code)
    operator, secret = f"{org.code}_{code.upper()}", f"{code}-secret"
    account = ApiAccount(username=operator, point_of_sales=pos)
    account.set_secret(secret)
    account.save()
    waiting = Contact.objects.create(
        organisation=org,
        email=f"waiting-{code}@thecube.example",
        first_name=code,
        last_name="Waiting account",
    )
    interface = ResellerInterface.objects.create(
        code=code,
        kind=kind,
        name_en=code.title(),
        external_channel=channel,
        point_of_sales=pos,
        waiting_contact=waiting,
        api_account=account,
        price_policy=policy,
        commission_percent=commission,
        allowed_families=families,
    )
    for tariff, external in tariffs:
        Mapping.objects.create(
            interface=interface, season=season, kind=K.TARIFF, object_id=tariff.pk,
            external_id=external,
        )  # fmt: skip
    for category, external in categories:
        Mapping.objects.create(
            interface=interface, season=season, kind=K.SEAT_CATEGORY, object_id=category.pk,
            external_id=external,
        )  # fmt: skip
    return interface, operator, secret


def allot(interface, performance, **how):
    contingent, _created = Contingent.objects.get_or_create(
        interface=interface, performance=performance
    )
    return contingent, allot_seats(contingent, **how)
