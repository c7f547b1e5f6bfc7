"""Contact numbers (F1): one counter that only grows, so a number is never handed out twice.

Below the Contact model (whose save() takes the next number) and the services (a data import
reserves the numbers it gives explicitly): models never import services."""

from django.db import models, transaction
from django.db.models import F
from django.utils.translation import gettext_lazy as _

FIRST_CONTACT_NUMBER = 10000001000


class ContactNumberCounter(models.Model):
    """The last contact number handed out. Numbers only go up, so none is ever reused."""

    last_number = models.BigIntegerField(default=FIRST_CONTACT_NUMBER)

    class Meta:
        app_label = "contacts"
        verbose_name = _("contact number counter")


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
