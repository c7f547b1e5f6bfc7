"""The real-time reseller's own records (RealtimeSale): written from the ticketshop API's
answers by `realtime_reseller_sandbox`, read back by the venue over HTTP (realtime_sales.py)."""

from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from reseller_sandbox.models import REALTIME_SALES, RealtimeSale, SandboxInstance, ServiceUser

SALES_PASSWORD = "sales-secret"  # the demo's: <instance>-sales / sales-secret


def ensure_instance(slug, name=None):
    """The real-time reseller's sandbox instance and its sales reader `<slug>-sales`
    (idempotent: an existing instance keeps its data and mode)."""
    with transaction.atomic():
        instance, created = SandboxInstance.objects.get_or_create(
            slug=slug,
            defaults={"name": name or slug.title(), "manager_code": f"{slug.upper()[:20]}-RT"},
        )
        user, _c = ServiceUser.objects.get_or_create(instance=instance, username=f"{slug}-sales")
        if not user.check_password(SALES_PASSWORD) or user.services != [REALTIME_SALES]:
            user.set_password(SALES_PASSWORD)
            user.services = [REALTIME_SALES]
            user.save()
    return instance, created


def record(instance, lines, at=None):
    """Keep these lines (realtime.sale_lines) in the reseller's records; a line kept already
    (same line id and kind) is not written twice. Returns how many were new."""
    at = at or timezone.now()
    rows = [
        RealtimeSale(instance=instance, at=at, **{**line, "price": Decimal(str(line["price"]))})
        for line in lines
    ]
    with transaction.atomic():
        existing = set(
            RealtimeSale.objects.filter(
                instance=instance, line_id__in=[r.line_id for r in rows]
            ).values_list("line_id", "kind")
        )
        new = [r for r in rows if (r.line_id, r.kind) not in existing]
        RealtimeSale.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)
