"""A contact's own account: registration and profile (L3), email confirmation and choosing a
password from an emailed link (S1)."""

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from ticketshop.contacts.models import Contact
from ticketshop.contacts.tokens import activation_url
from ticketshop.organisation import mail


def find_contact_by_email(organisation, email):
    return Contact.objects.filter(
        organisation=organisation, email__iexact=(email or "").strip()
    ).first()


def create_contact(*, contact_number=None, password=None, **fields):
    """Create a contact as a data import gives it (the demo): its own number when given (the
    caller reserves the numbers it hands out, see `numbering`), else the next one; the password
    when given, else none usable until the contact chooses one. Sends nothing."""
    contact = Contact(**fields)
    if contact_number:
        contact.contact_number = str(contact_number)
    if password:
        contact.set_password(password)
    contact.save()
    return contact


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
        transaction.on_commit(
            lambda: mail.send_email_confirmation(contact, activation_url(contact))
        )
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


def confirm_email(contact):
    """The contact opened a link sent to their address: it is confirmed (once)."""
    if not contact.email_confirmed:
        contact.email_confirmed = True
        contact.save(update_fields=["email_confirmed"])
    return contact


def choose_password(contact, raw_password):
    """Set the password chosen from an emailed link; the link reaching their mailbox also
    confirms the address. Earlier links stop working (their token covered the old hash)."""
    contact.set_password(raw_password)
    contact.email_confirmed = True
    contact.save(update_fields=["password", "email_confirmed"])
    return contact


def active_contact_by_email(organisation_code, email):
    """The active contact of the organisation with this address (case ignored), or None."""
    return Contact.objects.filter(
        email__iexact=(email or "").strip(),
        is_active=True,
        organisation__code=organisation_code,
    ).first()
