"""django-q2 task functions (R5), resolvable by dotted path:
`ticketshop.resellers.tasks.export_contingents` / `.integrate_sales`, one interface id each."""

from ticketshop.catalogue.models import Product
from ticketshop.resellers import services
from ticketshop.resellers.models import ResellerInterface


def _active(interface_id):
    return ResellerInterface.objects.filter(
        pk=interface_id, status=ResellerInterface.Status.ACTIVE
    ).first()


def export_contingents(interface_id):
    interface = _active(interface_id)
    if interface is None:
        return "inactive"
    return services.export_contingents(interface).state


def integrate_sales(interface_id, product_id=None):
    interface = _active(interface_id)
    if interface is None:
        return "inactive"
    product = Product.objects.filter(pk=product_id).first() if product_id else None
    return services.integrate_sales(interface, product=product).state
