"""Allotting seats to a contingent and giving them back (R2), through the booking core.

A contingent seat is a SeatReservation HELD without expiry and without an order line, written
under the performance's lock (THE lock order of `sales/lifecycle.py`, step 4) after the expired
holds of that performance were released: the availability rule and the shop count it as taken,
and the core's unique constraint (a seat HELD or SOLD once per performance) is the last guard
against a web order taking the same seat at the same moment."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ticketshop.catalogue.models import SeatAssignment
from ticketshop.resellers.models import ContingentSeat
from ticketshop.sales.lifecycle import NotEnoughPlaces, lock_places
from ticketshop.sales.models import SeatReservation
from ticketshop.sales.places import live, quota_taken, release_expired_of

S = ContingentSeat.State


def check_family(contingent):
    product = contingent.performance.product
    if product.family not in contingent.interface.families():
        raise ValidationError(
            _("%(reseller)s may not sell products of the family “%(family)s” (%(product)s).")
            % {
                "reseller": contingent.interface,
                "family": product.get_family_display(),
                "product": product.code,
            }
        )


def hold_for_contingent(contingent, seat_ids=(), count=0, seat_category=None, now=None):
    """Under the performance's lock (taken by the caller): new contingent places, or
    NotEnoughPlaces. `seat_ids` for numbered halls, `count` for an unnumbered one."""
    performance = contingent.performance
    if seat_ids:
        reservations = SeatReservation.objects.bulk_create(
            [
                SeatReservation(performance=performance, seat_id=seat_id, expires_at=None)
                for seat_id in seat_ids
            ]
        )
        categories = dict(
            SeatAssignment.objects.filter(
                configuration_id=performance.configuration_id, seat_id__in=seat_ids
            ).values_list("seat_id", "category_id")
        )
    else:
        if performance.product.quota - quota_taken(performance, now) < count:
            raise NotEnoughPlaces(_("Not enough places are left for this performance."))
        reservations = SeatReservation.objects.bulk_create(
            [SeatReservation(performance=performance, expires_at=None) for _i in range(count)]
        )
        categories = {}
    return ContingentSeat.objects.bulk_create(
        [
            ContingentSeat(
                contingent=contingent,
                reservation=r,
                seat_id=r.seat_id,
                seat_category_id=categories.get(r.seat_id, seat_category and seat_category.pk),
                state=S.TO_EXPORT,
            )
            for r in reservations
        ]
    )


def free_seats(performance, now, seat_category=None, block=None, rows=None, seat_ids=None):
    taken = live(now).filter(performance=performance, seat__isnull=False).values("seat_id")
    qs = SeatAssignment.objects.filter(configuration_id=performance.configuration_id).exclude(
        seat_id__in=taken
    )
    if seat_category is not None:
        qs = qs.filter(category=seat_category)
    if block is not None:
        qs = qs.filter(seat__block=block)
    if rows:
        qs = qs.filter(seat__row__in=rows)
    if seat_ids is not None:
        qs = qs.filter(seat_id__in=seat_ids)
    return list(
        qs.order_by("seat__block_id", "seat__row", "seat__number").values_list("seat_id", flat=True)
    )


def allot_seats(
    contingent,
    *,
    seat_ids=None,
    block=None,
    rows=None,
    seat_category=None,
    count=None,
    now=None,
):
    """Allot seats of the hall to `contingent` (R2): the given seats, or the free seats of a
    block (and rows), or `count` free seats (best first) of a seat category; for an unnumbered
    hall, `count` places of its quota. Returns the new contingent seats. Nothing is allotted
    when a wanted seat is taken (NotEnoughPlaces) or the product's family is not the
    reseller's (ValidationError)."""
    now = now or timezone.now()
    check_family(contingent)
    performance = contingent.performance
    unnumbered = performance.product.quota is not None
    if unnumbered and (not count or count < 1):
        raise ValidationError(_("An unnumbered hall is allotted by a number of places."))
    if not unnumbered and not (seat_ids or block or rows or seat_category):
        raise ValidationError(_("Choose seats: a block, rows or a seat category."))
    try:
        with transaction.atomic():
            lock_places(performance_ids=[performance.pk])
            release_expired_of([performance.pk], now)
            if unnumbered:
                return hold_for_contingent(contingent, count=count, now=now)
            wanted = None if seat_ids is None else [int(s) for s in seat_ids]
            free = free_seats(performance, now, seat_category, block, rows, wanted)
            if wanted is not None and len(free) != len(set(wanted)):
                raise NotEnoughPlaces(_("Some of these seats are taken already: none allotted."))
            if count:
                if len(free) < count:
                    raise NotEnoughPlaces(_("Not enough free seats: none allotted."))
                free = free[:count]
            if not free:
                raise NotEnoughPlaces(_("No free seat there: none allotted."))
            return hold_for_contingent(contingent, seat_ids=free, now=now)
    except IntegrityError as exc:  # the core's constraint: a web buyer took one meanwhile
        raise NotEnoughPlaces(_("A seat was taken meanwhile: none allotted.")) from exc


def allot_many(wanted, now=None):
    """Allot seats of numbered halls to many contingents at once: `wanted` is [(contingent,
    seat ids)]; one transaction under all their performances' locks, written with
    executemany (a season's contingents are hundreds of thousands of seats: the ORM's
    bulk_create prepares every value, ~0.1 ms a row). All or nothing, like `allot_seats`:
    NotEnoughPlaces when a wanted seat is taken or not in the hall, ValidationError when a
    product's family is not the reseller's. Returns how many places were allotted."""
    now = now or timezone.now()
    families = set()
    for contingent, _seat_ids in wanted:
        product = contingent.performance.product
        if (contingent.interface_id, product.pk) not in families:
            check_family(contingent)
            families.add((contingent.interface_id, product.pk))
        if product.quota is not None:
            raise ValidationError(_("An unnumbered hall is allotted by a number of places."))
    performance_ids = sorted({contingent.performance_id for contingent, _ids in wanted})
    pairs = [(contingent, int(seat_id)) for contingent, seat_ids in wanted for seat_id in seat_ids]
    try:
        with transaction.atomic():
            lock_places(performance_ids=performance_ids)
            release_expired_of(performance_ids, now)
            taken = set(
                live(now)
                .filter(performance_id__in=performance_ids, seat__isnull=False)
                .values_list("performance_id", "seat_id")
            )
            categories = {
                (configuration, seat): category
                for configuration, seat, category in SeatAssignment.objects.filter(
                    configuration_id__in={c.performance.configuration_id for c, _s in pairs}
                ).values_list("configuration_id", "seat_id", "category_id")
            }
            seen = set()
            for contingent, seat_id in pairs:
                key = (contingent.performance_id, seat_id)
                hall = (contingent.performance.configuration_id, seat_id)
                if key in taken or key in seen or hall not in categories:
                    raise NotEnoughPlaces(
                        _("Some of these seats are taken already: none allotted.")
                    )
                seen.add(key)
            moment = connection.ops.adapt_datetimefield_value(now)
            _insert(
                SeatReservation,
                ("performance", "seat", "quantity", "status", "expires_at", "created_at",
                 "updated_at"),
                [
                    (c.performance_id, seat_id, 1, SeatReservation.Status.HELD, None, moment,
                     moment)
                    for c, seat_id in pairs
                ],
            )  # fmt: skip
            reservation_of = {
                (performance, seat): pk
                for performance, seat, pk in SeatReservation.objects.filter(
                    performance_id__in=performance_ids,
                    seat__isnull=False,
                    status=SeatReservation.Status.HELD,
                ).values_list("performance_id", "seat_id", "pk")
            }
            _insert(
                ContingentSeat,
                ("contingent", "reservation", "seat", "seat_category", "state"),
                [
                    (
                        c.pk,
                        reservation_of[(c.performance_id, seat_id)],
                        seat_id,
                        categories[(c.performance.configuration_id, seat_id)],
                        S.TO_EXPORT,
                    )
                    for c, seat_id in pairs
                ],
            )
    except IntegrityError as exc:  # the core's constraint: a web buyer took one meanwhile
        raise NotEnoughPlaces(_("A seat was taken meanwhile: none allotted.")) from exc
    return len(pairs)


def _insert(model, names, rows):
    """INSERT rows (values of the fields `names`, adapted already) with one executemany."""
    if not rows:
        return
    meta, quote = model._meta, connection.ops.quote_name
    columns = ", ".join(quote(meta.get_field(name).column) for name in names)
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {quote(meta.db_table)} ({columns}) "
            f"VALUES ({', '.join(['%s'] * len(names))})",
            rows,
        )


def release(contingent_seats, state, now):
    """Under the performance's lock: these places return to general sale."""
    SeatReservation.objects.filter(
        pk__in=[c.reservation_id for c in contingent_seats], status=SeatReservation.Status.HELD
    ).update(status=SeatReservation.Status.RELEASED, updated_at=now)
    ContingentSeat.objects.filter(pk__in=[c.pk for c in contingent_seats]).update(state=state)


def withdraw_seats(contingent, seat_ids=None, count=None, now=None):
    """Ask for places of `contingent` back (R2): places not exported yet return to sale at
    once; exported ones become “to take back” and return to sale only once the reseller
    confirms it has not sold them (the next export). Returns (released, to take back)."""
    now = now or timezone.now()
    with transaction.atomic():
        lock_places(performance_ids=[contingent.performance_id])
        qs = contingent.seats.filter(state__in=(S.TO_EXPORT, S.EXPORTED)).order_by("-pk")
        if seat_ids is not None:
            qs = qs.filter(seat_id__in=[int(s) for s in seat_ids])
        chosen = list(qs[:count] if count else qs)
        fresh = [c for c in chosen if c.state == S.TO_EXPORT]
        release(fresh, S.RETURNED, now)
        exported = [c.pk for c in chosen if c.state == S.EXPORTED]
        ContingentSeat.objects.filter(pk__in=exported).update(state=S.TO_TAKE_BACK)
    return len(fresh), len(exported)


def counts(contingent):
    """Seed 004's columns: allotted, exported, to export, to take back."""
    by_state = {s: 0 for s in S.values}
    for state in contingent.seats.values_list("state", flat=True):
        by_state[state] += 1
    return {
        "allotted": sum(by_state[s] for s in ContingentSeat.LIVE),
        "exported": by_state[S.EXPORTED] + by_state[S.TO_TAKE_BACK] + by_state[S.SOLD],
        "to_export": by_state[S.TO_EXPORT],
        "to_take_back": by_state[S.TO_TAKE_BACK],
        "sold": by_state[S.SOLD],
    }
