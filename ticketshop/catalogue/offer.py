"""What is on sale (B1, C3, L1): the one rule the shop, the redirect API and the availability
read. A product or performance is ON OFFER (shown, linked to, measured) while RUNNING or
SUSPENDED, and BOOKABLE (places can be held) while RUNNING; a performance needs its product too.
"""

from ticketshop.catalogue.models import Performance, Product, State

ON_OFFER = (State.RUNNING, State.SUSPENDED)
BOOKABLE = (State.RUNNING,)


def products_on_offer(organisation_id=None):
    products = Product.objects.filter(state__in=ON_OFFER)
    if organisation_id is not None:
        products = products.filter(season__organisation_id=organisation_id)
    return products


def performances_on_offer(organisation_id=None):
    performances = Performance.objects.filter(state__in=ON_OFFER, product__state__in=ON_OFFER)
    if organisation_id is not None:
        performances = performances.filter(product__season__organisation_id=organisation_id)
    return performances


def is_bookable(item):
    """A product, or a performance (and its product), whose places can be held now."""
    if isinstance(item, Performance):
        return item.state in BOOKABLE and item.product.state in BOOKABLE
    return item.state in BOOKABLE
