"""Keep the interfaces' django-q2 schedules in step with the interfaces (R5)."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from ticketshop.resellers.models import ResellerInterface
from ticketshop.resellers.schedules import delete_schedules, sync_schedules


@receiver(post_save, sender=ResellerInterface, dispatch_uid="reseller-schedules-save")
def interface_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        sync_schedules(instance)


@receiver(post_delete, sender=ResellerInterface, dispatch_uid="reseller-schedules-delete")
def interface_deleted(sender, instance, **kwargs):
    delete_schedules(instance)
