"""Small contact rules below both the models and the services (models never import services)."""

import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def check_link(parent, child, exclude_pk=None):
    """Raise ValidationError unless `parent` may be linked to `child` (F1): not themself, same
    organisation, not linked already (`exclude_pk`: the link being edited)."""
    if parent.pk == child.pk:
        raise ValidationError(_("A contact cannot be linked to themself."))
    if parent.organisation_id != child.organisation_id:
        raise ValidationError(_("Both contacts must belong to the same organisation."))
    existing = parent.child_links.filter(child=child)
    if exclude_pk:
        existing = existing.exclude(pk=exclude_pk)
    if existing.exists():
        raise ValidationError(_("These contacts are already linked."))


def normalise_name(value):
    """Names as people compare them: case, accents and surrounding/double spaces ignored."""
    decomposed = unicodedata.normalize("NFKD", value or "")
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(stripped.casefold().split())
