"""Counting places (B2): what a performance or an undated product has live (sold, or held and
not expired), and whether released places could be taken again. Below both the lifecycle
(a late payment retakes its places) and the holds (which count before they take)."""

from collections import defaultdict

from django.db.models import Q, Sum

from ticketshop.sales.models import SeatReservation


def release_expired_of(performance_ids, now, product_ids=()):
    where = Q(performance_id__in=performance_ids)
    if product_ids:
        where |= Q(product_id__in=product_ids, performance__isnull=True)
    return SeatReservation.objects.filter(
        where, status=SeatReservation.Status.HELD, expires_at__lte=now
    ).update(status=SeatReservation.Status.RELEASED, updated_at=now)


def quota_taken(performance, now, product=None):
    where = Q(performance=performance) if performance else Q(product=product, performance=None)
    return (
        SeatReservation.objects.filter(
            Q(status=SeatReservation.Status.SOLD)
            | Q(status=SeatReservation.Status.HELD)
            & (Q(expires_at__gt=now) | Q(expires_at__isnull=True)),
            where,
        ).aggregate(n=Sum("quantity"))["n"]
        or 0
    )


def free_for(lines, now):
    """Whether the places of `lines` (released) could be taken again: their seats free, their
    quotas not full. Called under the places' locks (a late payment's confirmation)."""
    performance_ids = {line.performance_id for line in lines if line.performance_id}
    product_ids = {line.product_id for line in lines if line.performance_id is None}
    release_expired_of(performance_ids, now, product_ids)
    seats = [line.reservation.seat_id for line in lines if line.reservation.seat_id]
    if seats and live(now).filter(seat_id__in=seats, performance_id__in=performance_ids).exists():
        return False
    wanted = defaultdict(int)
    for line in lines:
        if line.reservation.seat_id is None:
            wanted[(line.performance, line.product)] += line.reservation.quantity
    for (performance, product), count in wanted.items():
        quota = product.quota if performance is None else performance.product.quota
        if quota - quota_taken(performance, now, product=product) < count:
            return False
    return True


def live(now):
    return SeatReservation.objects.filter(
        Q(status=SeatReservation.Status.SOLD)
        | Q(status=SeatReservation.Status.HELD)
        & (Q(expires_at__gt=now) | Q(expires_at__isnull=True))
    )
