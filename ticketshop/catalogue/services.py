"""Catalogue rules: state changes of products and performances."""

from django.db import transaction

from ticketshop.catalogue.models import Performance, Product
from ticketshop.catalogue.states import check_state_change


def change_state(item, new_state):
    """Move a product or performance to `new_state`, checking the transition under a row lock."""
    model = type(item)
    if model not in (Product, Performance):
        raise TypeError(f"{model.__name__} has no state")
    with transaction.atomic():
        current = model.objects.select_for_update().get(pk=item.pk)
        check_state_change(current.state, new_state)
        current.state = new_state
        current.save(update_fields=["state", "updated_at"])
    item.state = new_state
    return item
