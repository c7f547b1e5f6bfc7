"""The life of a product or performance: its states and the changes allowed between them (C1).

Below both the models (whose clean() checks a change) and the services (which make one under a
row lock), so neither imports the other."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


class State(models.TextChoices):
    PREPARING = "PREPARING", gettext_lazy("Preparing")
    VALIDATED = "VALIDATED", gettext_lazy("Validated")
    RUNNING = "RUNNING", gettext_lazy("Running")
    SUSPENDED = "SUSPENDED", gettext_lazy("Suspended")
    CANCELED = "CANCELED", gettext_lazy("Cancelled")
    CLOSED = "CLOSED", gettext_lazy("Closed")


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
