"""Links between contacts (F1) and friends and family (F4)."""

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ticketshop.contacts.accounts import find_contact_by_email
from ticketshop.contacts.models import Contact, ContactLink, RelationKind
from ticketshop.contacts.rules import check_link, normalise_name
from ticketshop.contacts.tokens import activation_url, link_accept_url, pending_link_from_token
from ticketshop.organisation import mail

DEFAULT_LINK_KIND_CODE = "FRIEND_FAMILY"
LINK_ATTEMPTS_LIMIT = 20  # additions tried per visitor…
LINK_ATTEMPTS_WINDOW_SECONDS = 60 * 60  # …per hour, so "already in use" cannot probe emails


def create_link(parent, child, kind):
    """Link `child` to `parent` (directional: parent → child)."""
    with transaction.atomic():
        check_link(parent, child)
        return ContactLink.objects.create(parent=parent, child=child, kind=kind)


def remove_link(parent, child):
    """Remove the link parent → child. Returns True when there was one."""
    deleted, _detail = ContactLink.objects.filter(parent=parent, child=child).delete()
    return bool(deleted)


def default_link_kind(organisation):
    kind, _created = RelationKind.objects.get_or_create(
        organisation=organisation,
        code=DEFAULT_LINK_KIND_CODE,
        defaults={
            "name_en": "Friends and family",
            "name_fr": "Amis et famille",
            "name_de": "Freunde und Familie",
            "name_es": "Amigos y familiares",
        },
    )
    return kind


def _check_link_rate(parent):
    key = f"contacts:link-attempts:{parent.pk}"
    cache.add(key, 0, LINK_ATTEMPTS_WINDOW_SECONDS)
    try:
        attempts = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, LINK_ATTEMPTS_WINDOW_SECONDS)
        attempts = 1
    if attempts > LINK_ATTEMPTS_LIMIT:
        raise ValidationError(
            _("Too many contacts added in a short time. Please try again later."),
            code="rate_limited",
        )


def accept_link(token):
    """The child accepts a pending link. Returns the link, or None for a bad or used token."""
    link = pending_link_from_token(token)
    if link is None:
        return None
    ContactLink.objects.filter(pk=link.pk, accepted_at__isnull=True).update(
        accepted_at=timezone.now()
    )
    link.refresh_from_db()
    return link


def usable_links(parent):
    """Links a visitor may use (e.g. to book for): accepted ones only."""
    return parent.child_links.filter(accepted_at__isnull=False).select_related("child", "kind")


def link_contact(parent, email, first_name, last_name, kind=None, consent_required=False):
    """F4: link a friend or family member to `parent` (the visitor is the parent).

    - a new email creates the contact (same organisation, no usable password), links it and
      emails them a link to choose their password;
    - an existing email (case ignored) whose names match creates the link;
    - an existing email with other names raises ValidationError and changes nothing.
    With `consent_required` (a point of sales option), an existing contact must accept: the link
    stays pending and they get an email to accept it.
    Returns (link, created) where `created` tells whether a contact was created."""
    email = (email or "").strip()
    first_name = " ".join((first_name or "").split())
    last_name = " ".join((last_name or "").split())
    if not email or not first_name or not last_name:
        raise ValidationError(_("Email address, first name and last name are required."))
    validate_email(email)
    _check_link_rate(parent)
    organisation = parent.organisation
    with transaction.atomic():
        kind = kind or default_link_kind(organisation)
        child = find_contact_by_email(organisation, email)
        created = child is None
        if created:
            child = Contact(
                organisation=organisation,
                email=email,
                first_name=first_name,
                last_name=last_name,
                language=parent.language,
            )
            child.save()  # save() gives an unusable password and a contact number
        else:
            if child.pk == parent.pk:
                raise ValidationError(_("You cannot add yourself to your friends and family."))
            if normalise_name(child.first_name) != normalise_name(first_name) or normalise_name(
                child.last_name
            ) != normalise_name(last_name):
                raise ValidationError(
                    _("This email address is already in use and does not match the name entered."),
                    code="name_mismatch",
                )
            if ContactLink.objects.filter(parent=parent, child=child).exists():
                raise ValidationError(_("This person is already in your friends and family."))
        link = create_link(parent, child, kind)
        if created:
            transaction.on_commit(
                lambda: mail.send_account_created(child, parent, activation_url(child))
            )
        elif consent_required:
            ContactLink.objects.filter(pk=link.pk).update(accepted_at=None)
            link.accepted_at = None
            transaction.on_commit(lambda: mail.send_link_request(link, link_accept_url(link)))
    return link, created


def unlink_contact(parent, link_id):
    """Remove one of `parent`'s own links. Returns False when `parent` has no such link."""
    deleted, _detail = ContactLink.objects.filter(parent=parent, pk=link_id).delete()
    return bool(deleted)


def friends_and_family_enabled(point_of_sales, contact):
    """F4: the point of sales allows buying for friends and family, for its own contacts."""
    return bool(
        point_of_sales
        and point_of_sales.allow_purchase_for_friends_family
        and point_of_sales.channel.organisation_id == contact.organisation_id
    )
