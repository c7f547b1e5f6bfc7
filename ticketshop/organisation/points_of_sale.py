"""Which point of sales a request to this ticketshop is served for.

One ticketshop deployment serves one point of sales: the one whose code is
`SECUTIX["POINT_OF_SALES_CODE"]`. Every channel asks this module, so they all agree."""

from ticketshop import conf
from ticketshop.organisation.models import PointOfSales


def current_point_of_sales():
    """The point of sales named by the `POINT_OF_SALES_CODE` setting, with its channel and
    organisation loaded; None when no point of sales has that code (never another one).

    A page that cannot work without it answers 404 (the shop, the registration page); one that
    can, goes on with defaults (the account area's links, the public availability)."""
    code = conf.get("POINT_OF_SALES_CODE")
    if not code:
        return None
    return PointOfSales.objects.select_related("channel__organisation").filter(code=code).first()
