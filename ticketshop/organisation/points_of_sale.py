"""Which point of sales a request to this ticketshop is served for.

One ticketshop deployment serves one point of sales: the one whose code is
`TICKETSHOP["POINT_OF_SALES_CODE"]` (ticketshop/conf.py). Every channel asks this module, so they all agree."""

from django.core.cache import cache

from ticketshop import conf
from ticketshop.organisation.models import Organisation, PointOfSales, SalesChannel


def _key(code):
    return f"ticketshop:point-of-sales:{code}"


def current_point_of_sales(cached_for=0):
    """The point of sales named by the `POINT_OF_SALES_CODE` setting, with its channel and
    organisation loaded; None when no point of sales has that code (never another one).

    A page that cannot work without it answers 404 (the shop, the registration page); one that
    can, goes on with defaults (the account area's links, the public availability).

    `cached_for` seconds: kept that long in Django's cache (a read-only answer that is itself
    cached as long, the public availability: reading the point of sales cost as much as
    computing 100 products' availability). Saving or deleting a point of sales, a channel or an
    organisation forgets it at once (`forget`)."""
    code = conf.get("POINT_OF_SALES_CODE")
    if not code:
        return None
    if cached_for:
        pos = cache.get(_key(code))
        if pos is not None:
            return pos
    pos = PointOfSales.objects.select_related("channel__organisation").filter(code=code).first()
    if cached_for and pos is not None:
        cache.set(_key(code), pos, cached_for)
    return pos


def forget(**kwargs):
    code = conf.get("POINT_OF_SALES_CODE")
    if code:
        cache.delete(_key(code))


def connect_signals():
    from django.db.models.signals import post_delete, post_save

    for model in (PointOfSales, SalesChannel, Organisation):
        post_save.connect(forget, sender=model, dispatch_uid=f"forget-pos-{model.__name__}")
        post_delete.connect(forget, sender=model, dispatch_uid=f"forget-pos-d-{model.__name__}")
