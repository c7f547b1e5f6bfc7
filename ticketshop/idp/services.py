"""The IdP's rules, called by its views: signing in with a password under the lockout (S1),
and the forgotten-password link (S1)."""

from dataclasses import dataclass

from django.urls import reverse

from ticketshop.contacts.accounts import active_contact_by_email
from ticketshop.contacts.models import Contact
from ticketshop.contacts.tokens import contact_token_query
from ticketshop.idp import attributes, limits, saml, session
from ticketshop.idp.metadata import parse_sp_metadata
from ticketshop.idp.models import ServiceProvider
from ticketshop.organisation import mail


@dataclass(frozen=True)
class SignInAttempt:
    contact: Contact | None = None  # set when the password was right
    locked: bool = False  # too many failures: the attempt was not even checked, or is the last
    retry_after: int = 0  # seconds the account's back-off still lasts (across addresses)


def attempt_sign_in(organisation_code, email, password, ip):
    """Check an email and password under the lockout (see `session.is_locked_out`): a locked-out
    pair is refused without checking; a failure is counted and may lock it; a success clears
    the failures. Signing the browser in is left to the caller."""
    if session.is_locked_out(email, ip):
        return SignInAttempt(locked=True)
    wait = limits.account_retry_after(email)
    if wait:
        return SignInAttempt(locked=True, retry_after=wait)
    contact = session.authenticate_contact(organisation_code, email, password)
    if contact is None:
        session.record_failure(email, ip)
        limits.record_account_failure(email)
        wait = limits.account_retry_after(email)
        return SignInAttempt(
            locked=session.is_locked_out(email, ip) or bool(wait), retry_after=wait
        )
    session.clear_failures(email, ip)
    limits.clear_account_failures(email)
    return SignInAttempt(contact=contact)


def password_reset_url(contact):
    return f"{saml.ticketshop_url()}{reverse('idp:password_reset')}?{contact_token_query(contact)}"


def send_password_reset_link(organisation_code, email):
    """Email the active contact with this address a link to choose a new password. Says nothing
    about whether the address is known (the caller answers the same either way)."""
    contact = active_contact_by_email(organisation_code, email)
    if contact is not None:
        mail.send_password_reset(contact, password_reset_url(contact))


def register_bundled_website():
    """Register (or refresh) the bundled website in the registry from its endpoints and
    KEYS_DIR/sp.crt. A switched-off entry stays off; its released attributes are kept.
    The website wants the response AND the assertion signed (S2, pinned by
    tests/ticketshop/idp/test_saml_signatures.py), so its entry always has sign_response.
    Returns (provider, created)."""
    xml = saml.bundled_website_metadata_xml()
    parsed = parse_sp_metadata(xml)
    provider = ServiceProvider.objects.filter(entity_id=parsed.entity_id).first()
    if provider is None:
        provider = ServiceProvider(
            entity_id=parsed.entity_id,
            name="The CUBE website",
            bundled=True,
            released_attributes=list(attributes.NAMES),
            sign_response=True,
        )
        created = True
    else:
        created = False
        if provider.metadata_xml == xml and provider.sign_response:
            return provider, False
    provider.metadata_xml = xml
    provider.sign_response = True
    provider.save()
    return provider, created
