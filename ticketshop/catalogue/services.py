"""Catalogue rules: state changes of products and performances."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ticketshop.catalogue.models import Performance, Product, State

ALLOWED_STATE_CHANGES = {
    State.PREPARING: {State.VALIDATED, State.CANCELED},
    State.VALIDATED: {State.PREPARING, State.RUNNING, State.CANCELED},
    State.RUNNING: {State.SUSPENDED, State.CLOSED, State.CANCELED},
    State.SUSPENDED: {State.RUNNING, State.CLOSED, State.CANCELED},
    State.CANCELED: set(),
    State.CLOSED: set(),
}


def check_state_change(old, new):
    """Raise ValidationError unless a product or performance may go from `old` to `new`."""
    if old == new:
        return
    if new not in ALLOWED_STATE_CHANGES[State(old)]:
        raise ValidationError(
            {
                "state": _("A %(old)s item cannot become %(new)s.")
                % {"old": State(old).label, "new": State(new).label}
            }
        )


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
