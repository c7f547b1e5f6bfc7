"""The payment provider interface, and the bundled test card provider.

A provider hosts the card page (the shop never sees a card number), tells the shop the outcome
server to server (a signed notification), and sends the visitor back to the shop with the same
signed outcome. The shop accepts whichever arrives first; the other changes nothing.
"""

import hashlib
import hmac
import logging
import time
import urllib.request
from urllib.parse import urlencode

from django.conf import settings
from django.core import signing
from django.urls import reverse
from django.utils.crypto import constant_time_compare
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)

SUCCEEDED, REFUSED, ABANDONED = "SUCCEEDED", "REFUSED", "ABANDONED"
OUTCOMES = (SUCCEEDED, REFUSED, ABANDONED)


class InvalidNotification(ValueError):
    pass


class PaymentProvider:
    """What the shop needs of a card payment provider."""

    code = ""

    def start(self, payment, *, notify_url, return_url, cancel_url):
        """The URL of the provider's hosted payment page for `payment`."""
        raise NotImplementedError

    def verify(self, data):
        """(reference, outcome) of a signed notification or return; InvalidNotification."""
        raise NotImplementedError

    def refund(self, payment, amount):
        """Pay `amount` of the captured `payment` back to the card; the provider's reference of
        the refund. Raises on failure (the caller's transaction then changes nothing)."""
        raise NotImplementedError


def _secret():
    return hashlib.sha256(f"testcard:{settings.SECRET_KEY}".encode()).digest()


def sign(fields):
    message = "|".join(str(fields[k]) for k in ("reference", "outcome", "amount", "timestamp"))
    return hmac.new(_secret(), message.encode(), hashlib.sha256).hexdigest()


def http_post(url, data):
    """The server-to-server notification (a real HTTP POST)."""
    request = urllib.request.Request(url, data=urlencode(data).encode(), method="POST")
    with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310 - our own URL
        return response.status


class TestCardProvider(PaymentProvider):
    """Runs like a real provider over HTTP: a hosted page, a signed server-to-server callback.

    4242 4242 4242 4242 is accepted, 4000 0000 0000 0002 is refused, the cancel link abandons.
    """

    code = "testcard"
    SUCCESS_CARD = "4242424242424242"
    REFUSED_CARD = "4000000000000002"
    MAX_AGE_SECONDS = 3600
    transport = staticmethod(http_post)  # replaceable in tests

    def start(self, payment, *, notify_url, return_url, cancel_url):
        session = signing.dumps(
            {
                "reference": payment.reference,
                "amount": str(payment.amount),
                "currency": payment.currency,
                "notify": notify_url,
                "return": return_url,
                "cancel": cancel_url,
            },
            salt="payments.testcard.session",
        )
        return f"{reverse('payments:testcard_page')}?{urlencode({'session': session})}"

    def open_session(self, token):
        try:
            return signing.loads(
                token, salt="payments.testcard.session", max_age=self.MAX_AGE_SECONDS
            )
        except signing.BadSignature as exc:
            raise InvalidNotification("bad session") from exc

    def outcome_for_card(self, number):
        digits = "".join(ch for ch in number if ch.isdigit())
        if digits == self.SUCCESS_CARD:
            return SUCCEEDED
        if digits == self.REFUSED_CARD:
            return REFUSED
        return None

    def result(self, session, outcome):
        fields = {
            "reference": session["reference"],
            "outcome": outcome,
            "amount": session["amount"],
            "timestamp": int(time.time()),
        }
        return {**fields, "signature": sign(fields)}

    def notify(self, session, fields):
        try:
            self.transport(session["notify"], fields)
        except Exception:  # noqa: BLE001 - the visitor's return carries the outcome too
            logger.warning("test card provider: notification to %s failed", session["notify"])

    def refund(self, payment, amount):
        from ticketshop.payments.models import TestCardOperation

        operation = TestCardOperation.objects.create(
            kind=TestCardOperation.Kind.REFUND,
            payment_reference=payment.reference,
            amount=amount,
            currency=payment.currency,
        )
        return f"testcard-refund-{operation.pk}"

    def record_capture(self, session):
        from ticketshop.payments.models import TestCardOperation

        TestCardOperation.objects.create(
            kind=TestCardOperation.Kind.CAPTURE,
            payment_reference=session["reference"],
            amount=session["amount"],
            currency=session["currency"],
        )

    def verify(self, data):
        try:
            fields = {k: data[k] for k in ("reference", "outcome", "amount", "timestamp")}
            signature = data["signature"]
            age = time.time() - int(fields["timestamp"])
        except (KeyError, TypeError, ValueError) as exc:
            raise InvalidNotification("incomplete") from exc
        if not constant_time_compare(signature, sign(fields)):
            raise InvalidNotification("bad signature")
        if fields["outcome"] not in OUTCOMES or not -60 <= age <= self.MAX_AGE_SECONDS:
            raise InvalidNotification("bad outcome or too old")
        return fields["reference"], fields["outcome"], fields["amount"]


PROVIDERS = {TestCardProvider.code: TestCardProvider()}
DEFAULT_PROVIDER = TestCardProvider.code


def provider_codes():
    """The bundled provider and those of settings.PAYMENT_PROVIDERS ({code: class path})."""
    return {*PROVIDERS, *getattr(settings, "PAYMENT_PROVIDERS", {})}


def get_provider(code=None):
    code = code or getattr(settings, "PAYMENT_PROVIDER", DEFAULT_PROVIDER)
    if code not in PROVIDERS:
        PROVIDERS[code] = import_string(settings.PAYMENT_PROVIDERS[code])()
    return PROVIDERS[code]


def testcard_enabled():
    """The test card provider's pages answer only where it is the provider in use."""
    return getattr(settings, "PAYMENT_PROVIDER", DEFAULT_PROVIDER) == TestCardProvider.code
