"""Contact rules: contact numbers and links between contacts."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from ticketshop.contacts.models import FIRST_CONTACT_NUMBER, ContactLink, ContactNumberCounter


def next_contact_number():
    """Hand out the next contact number. The counter only grows, so numbers are never reused."""
    with transaction.atomic():
        counter, _created = ContactNumberCounter.objects.select_for_update().get_or_create(pk=1)
        ContactNumberCounter.objects.filter(pk=1).update(last_number=F("last_number") + 1)
        counter.refresh_from_db()
    return str(counter.last_number)


def reserve_contact_numbers_up_to(number):
    """Make sure numbers up to `number` (given explicitly, e.g. by a data import) are never handed out."""
    with transaction.atomic():
        counter, _created = ContactNumberCounter.objects.select_for_update().get_or_create(
            pk=1, defaults={"last_number": FIRST_CONTACT_NUMBER}
        )
        if counter.last_number < int(number):
            counter.last_number = int(number)
            counter.save(update_fields=["last_number"])


def check_link(parent, child, exclude_pk=None):
    if parent.pk == child.pk:
        raise ValidationError(_("A contact cannot be linked to themself."))
    if parent.organisation_id != child.organisation_id:
        raise ValidationError(_("Both contacts must belong to the same organisation."))
    existing = ContactLink.objects.filter(parent=parent, child=child)
    if exclude_pk:
        existing = existing.exclude(pk=exclude_pk)
    if existing.exists():
        raise ValidationError(_("These contacts are already linked."))


def create_link(parent, child, kind):
    """Link `child` to `parent` (directional: parent → child)."""
    with transaction.atomic():
        check_link(parent, child)
        return ContactLink.objects.create(parent=parent, child=child, kind=kind)


def remove_link(parent, child):
    """Remove the link parent → child. Returns True when there was one."""
    deleted, _detail = ContactLink.objects.filter(parent=parent, child=child).delete()
    return bool(deleted)
