"""Contact rules: contact numbers and links between contacts."""

import unicodedata
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ticketshop.contacts.models import (
    FIRST_CONTACT_NUMBER,
    Contact,
    ContactLink,
    ContactNumberCounter,
    RelationKind,
)


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


# --- Friends and family (F4) -------------------------------------------------------------------

DEFAULT_LINK_KIND_CODE = "FRIEND_FAMILY"
LINK_ATTEMPTS_LIMIT = 20  # additions tried per visitor…
LINK_ATTEMPTS_WINDOW_SECONDS = 60 * 60  # …per hour, so "already in use" cannot probe emails


class ContactTokenGenerator(PasswordResetTokenGenerator):
    """Signed, expiring tokens for a contact (choose a password, confirm the email address).

    The hash covers the password hash and the email address, so a token stops working once a
    password is chosen with it (or the address changes). The sign-in time is left out: a new
    account is signed in right after the confirmation email is sent."""

    key_salt = "ticketshop.contacts.ContactTokenGenerator"

    def _make_hash_value(self, contact, timestamp):
        return f"{contact.pk}{contact.password}{timestamp}{contact.email.lower()}"


contact_tokens = ContactTokenGenerator()


def normalise_name(value):
    """Names as people compare them: case, accents and surrounding/double spaces ignored."""
    decomposed = unicodedata.normalize("NFKD", value or "")
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(stripped.casefold().split())


def find_contact_by_email(organisation, email):
    return Contact.objects.filter(
        organisation=organisation, email__iexact=(email or "").strip()
    ).first()


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


def activation_url(contact):
    """The absolute link, sent by email, that lets a contact confirm and choose a password."""
    base = settings.SECUTIX["API_BASE_URL"].rstrip("/")
    query = urlencode(
        {"contactNumber": contact.contact_number, "token": contact_tokens.make_token(contact)}
    )
    return f"{base}/account/activate/?{query}"


def send_account_created_email(contact, created_by):
    """Tell a contact created by someone else that they have an account (in their language)."""
    with translation.override(contact.language):
        subject = _("An account has been created for you")
        body = _(
            "Hello %(first_name)s,\n\n"
            "%(parent)s has added you to their friends and family at %(organisation)s, "
            "so an account has been created for you.\n\n"
            "To confirm your email address and choose your password, open this link:\n"
            "%(url)s\n\n"
            "If you did not expect this email, you can ignore it.\n"
        ) % {
            "first_name": contact.first_name,
            "parent": f"{created_by.first_name} {created_by.last_name}",
            "organisation": contact.organisation.name,
            "url": activation_url(contact),
        }
    send_mail(subject, body, None, [contact.email])


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


LINK_ACCEPT_SALT = "ticketshop.contacts.accept-link"
LINK_ACCEPT_MAX_AGE = 14 * 24 * 3600


def link_accept_url(link):
    token = signing.dumps({"link": link.pk, "child": link.child_id}, salt=LINK_ACCEPT_SALT)
    base = settings.SECUTIX["API_BASE_URL"].rstrip("/")
    return f"{base}/account/friends/accept/?{urlencode({'token': token})}"


def send_link_request_email(link):
    """Ask an existing contact to accept being linked (the point of sales wants consent)."""
    child, parent = link.child, link.parent
    with translation.override(child.language):
        subject = _("%(name)s wants to add you to their friends and family") % {
            "name": f"{parent.first_name} {parent.last_name}"
        }
        body = _(
            "Hello %(first_name)s,\n\n"
            "%(parent)s would like to add you to their friends and family at %(organisation)s, "
            "to book tickets for you.\n\n"
            "To accept, open this link (valid 14 days):\n%(url)s\n\n"
            "If you do not accept, nothing is shared and nothing changes.\n"
        ) % {
            "first_name": child.first_name,
            "parent": f"{parent.first_name} {parent.last_name}",
            "organisation": child.organisation.name,
            "url": link_accept_url(link),
        }
    send_mail(subject, body, None, [child.email])


def pending_link_from_token(token):
    """The pending link a token (from the acceptance email) designates, or None."""
    try:
        data = signing.loads(token or "", salt=LINK_ACCEPT_SALT, max_age=LINK_ACCEPT_MAX_AGE)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict):
        return None
    return (
        ContactLink.objects.select_related("parent", "child")
        .filter(pk=data.get("link"), child_id=data.get("child"), accepted_at__isnull=True)
        .first()
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
            transaction.on_commit(lambda: send_account_created_email(child, parent))
        elif consent_required:
            ContactLink.objects.filter(pk=link.pk).update(accepted_at=None)
            link.accepted_at = None
            transaction.on_commit(lambda: send_link_request_email(link))
    return link, created


def unlink_contact(parent, link_id):
    """Remove one of `parent`'s own links. Returns False when `parent` has no such link."""
    deleted, _detail = ContactLink.objects.filter(parent=parent, pk=link_id).delete()
    return bool(deleted)


# --- Registration (L3) -------------------------------------------------------------------------


def send_activation_email(contact):
    """Ask a newly registered contact to confirm their email address (in their language)."""
    with translation.override(contact.language):
        subject = _("Confirm your email address")
        body = _(
            "Hello %(first_name)s,\n\n"
            "Welcome to %(organisation)s. To confirm your email address, open this link:\n"
            "%(url)s\n\n"
            "If you did not create this account, you can ignore this email.\n"
        ) % {
            "first_name": contact.first_name,
            "organisation": contact.organisation.name,
            "url": activation_url(contact),
        }
    send_mail(subject, body, None, [contact.email])


def register_contact(
    organisation,
    *,
    email,
    password,
    first_name,
    last_name,
    title="",
    phone="",
    language="en",
    address=None,
    interests=(),
    consents=None,
):
    """Create a contact from the registration form (L3) and send the email confirmation link.

    `address` is a dict of Address fields or None; `consents` maps LegalAuthorisation → bool."""
    email = (email or "").strip()
    validate_email(email)
    with transaction.atomic():
        if find_contact_by_email(organisation, email):
            raise ValidationError(
                _("A contact with this email address already exists."), code="email_taken"
            )
        contact = Contact(
            organisation=organisation,
            email=email,
            title=title or "",
            first_name=" ".join(first_name.split()),
            last_name=" ".join(last_name.split()),
            phone=phone or "",
            language=language,
        )
        contact.set_password(password)
        contact.save()
        if address:
            contact.addresses.create(is_default=True, **address)
        interests = [c for c in interests if c.organisation_id == organisation.id]
        if interests:
            contact.interests.set(interests)
        for authorisation, granted in (consents or {}).items():
            if authorisation.organisation_id == organisation.id:
                contact.consents.create(authorisation=authorisation, granted=bool(granted))
        transaction.on_commit(lambda: send_activation_email(contact))
    return contact


def update_contact_details(
    contact,
    *,
    first_name,
    last_name,
    title="",
    language=None,
    phone=None,
    address=False,
    interests=None,
    consents=None,
):
    """Save the profile sections the visitor was shown (L3 `/account/edit`).

    Arguments left at their default (phone=None, address=False, interests=None, consents=None)
    belong to hidden sections and are not touched; address=None removes the main address."""
    with transaction.atomic():
        contact.title = title or ""
        contact.first_name = " ".join(first_name.split())
        contact.last_name = " ".join(last_name.split())
        fields = ["title", "first_name", "last_name"]
        if language:
            contact.language = language
            fields.append("language")
        if phone is not None:
            contact.phone = phone
            fields.append("phone")
        contact.save(update_fields=fields)
        if address is None:
            contact.addresses.filter(is_default=True).delete()
        elif address:
            contact.addresses.update_or_create(is_default=True, defaults=address)
        if interests is not None:
            contact.interests.set(
                [c for c in interests if c.organisation_id == contact.organisation_id]
            )
        for authorisation, granted in (consents or {}).items():
            if authorisation.organisation_id == contact.organisation_id:
                contact.consents.update_or_create(
                    authorisation=authorisation, defaults={"granted": bool(granted)}
                )
    return contact
