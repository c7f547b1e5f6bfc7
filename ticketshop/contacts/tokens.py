"""Signed links sent to contacts by email: confirm the address / choose a password, accept a
link (F4, S1, L3). The one place that finds a contact from a number and a token."""

from urllib.parse import urlencode

from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core import signing

from ticketshop import conf
from ticketshop.contacts.models import Contact, ContactLink


class ContactTokenGenerator(PasswordResetTokenGenerator):
    """Signed, expiring tokens for a contact (choose a password, confirm the email address).

    The hash covers the password hash and the email address, so a token stops working once a
    password is chosen with it (or the address changes). The sign-in time is left out: a new
    account is signed in right after the confirmation email is sent."""

    key_salt = "ticketshop.contacts.ContactTokenGenerator"

    def _make_hash_value(self, contact, timestamp):
        return f"{contact.pk}{contact.password}{timestamp}{contact.email.lower()}"


contact_tokens = ContactTokenGenerator()


def contact_token_query(contact):
    """`contactNumber=…&token=…`, the query string of every link that proves a mailbox."""
    return urlencode(
        {"contactNumber": contact.contact_number, "token": contact_tokens.make_token(contact)}
    )


def contact_from_token(number, token):
    """The active contact `number` designates when `token` is still valid for it, or None."""
    contact = Contact.objects.filter(contact_number=number or "", is_active=True).first()
    if contact is None or not contact_tokens.check_token(contact, token or ""):
        return None
    return contact


def _ticketshop_base():
    return conf.public_url()


def activation_url(contact):
    """The absolute link, sent by email, that lets a contact confirm and choose a password."""
    return f"{_ticketshop_base()}/account/activate/?{contact_token_query(contact)}"


# --- accepting a link (F4 with consent) --------------------------------------------------------

LINK_ACCEPT_SALT = "ticketshop.contacts.accept-link"
LINK_ACCEPT_MAX_AGE = 14 * 24 * 3600


def link_accept_url(link):
    token = signing.dumps({"link": link.pk, "child": link.child_id}, salt=LINK_ACCEPT_SALT)
    return f"{_ticketshop_base()}/account/friends/accept/?{urlencode({'token': token})}"


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
