"""Keep the interfaces' django-q2 schedules in step with the interfaces (R5)."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from ticketshop.resellers import locks
from ticketshop.resellers.models import ResellerInterface, Run
from ticketshop.resellers.schedules import delete_schedules, sync_schedules


@receiver(post_save, sender=ResellerInterface, dispatch_uid="reseller-schedules-save")
def interface_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        sync_schedules(instance)


@receiver(post_delete, sender=ResellerInterface, dispatch_uid="reseller-schedules-delete")
def interface_deleted(sender, instance, **kwargs):
    delete_schedules(instance)


@receiver(post_save, sender=Run, dispatch_uid="reseller-run-heartbeat")
def run_saved(sender, instance, raw=False, **kwargs):
    """A run that records its progress renews its interface's lock (locks.beat)."""
    if not raw and instance.state == Run.State.RUNNING:
        locks.beat(instance.interface_id)
