"""The ticketshop's own contact session (not Django's auth users, which belong to the website)."""

from django.core.cache import cache
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext_lazy as _

from ticketshop.contacts.models import Contact
from ticketshop.idp.limits import setting

SESSION_KEY = "ticketshop_contact"
SESSION_SPS_KEY = "ticketshop_contact_sps"

# Defaults of the settings IDP_MAX_FAILURES (one email from one address),
# IDP_MAX_FAILURES_PER_ADDRESS (any emails from one address) and IDP_LOCKOUT_SECONDS.
MAX_FAILED_ATTEMPTS = 5
MAX_FAILED_ATTEMPTS_PER_ADDRESS = 50
LOCKOUT_SECONDS = 15 * 60
LOCKED_MESSAGE = _(
    "Too many failed sign-in attempts. For your security, please wait 15 minutes or "
    "reset your password."
)


def _password_fingerprint(contact):
    return salted_hmac("ticketshop.idp.session", contact.password).hexdigest()


def sign_in(request, contact):
    request.session.cycle_key()  # no session fixation
    request.session[SESSION_KEY] = {"id": contact.pk, "fp": _password_fingerprint(contact)}
    contact.last_login = timezone.now()
    contact.save(update_fields=["last_login"])


def signed_in_contact(request):
    """The contact signed in on this browser, or None (a changed password ends the session)."""
    data = request.session.get(SESSION_KEY)
    if not data:
        return None
    contact = Contact.objects.filter(pk=data.get("id"), is_active=True).first()
    if contact is None or not constant_time_compare(
        data.get("fp", ""), _password_fingerprint(contact)
    ):
        request.session.pop(SESSION_KEY, None)
        return None
    return contact


def sign_out(request):
    request.session.pop(SESSION_KEY, None)
    return request.session.pop(SESSION_SPS_KEY, [])


def remember_sp(request, sp_entity_id):
    sps = request.session.get(SESSION_SPS_KEY, [])
    if sp_entity_id not in sps:
        request.session[SESSION_SPS_KEY] = [*sps, sp_entity_id]


# --- failed attempts -------------------------------------------------------------------------


def _attempts_key(email, ip):
    return f"idp:failed-sign-in:{(email or '').strip().lower()}:{ip}"


def _address_key(ip):
    return f"idp:failed-sign-in-from:{ip}"


def is_locked_out(email, ip):
    """5 failures for one email from one address, or 50 from one address whatever the emails
    (password spraying), lock the sign-in out for 15 minutes."""
    return cache.get(_attempts_key(email, ip), 0) >= setting(
        "IDP_MAX_FAILURES", MAX_FAILED_ATTEMPTS
    ) or cache.get(_address_key(ip), 0) >= setting(
        "IDP_MAX_FAILURES_PER_ADDRESS", MAX_FAILED_ATTEMPTS_PER_ADDRESS
    )


def _increment(key):
    seconds = setting("IDP_LOCKOUT_SECONDS", LOCKOUT_SECONDS)
    if cache.add(key, 1, seconds):
        return
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, 1, seconds)


def record_failure(email, ip):
    _increment(_attempts_key(email, ip))
    _increment(_address_key(ip))


def clear_failures(email, ip):
    cache.delete(_attempts_key(email, ip))


def authenticate_contact(organisation_code, email, password):
    contact = (
        Contact.objects.filter(
            email__iexact=(email or "").strip(),
            is_active=True,
            organisation__code=organisation_code,
        )
        .select_related("organisation")
        .first()
    )
    if contact is None:
        Contact(password="").check_password(password)  # same work either way (timing)
        return None
    if contact.has_usable_password() and contact.check_password(password):
        return contact
    return None
