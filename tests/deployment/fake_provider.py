"""A stand-in for a real card provider's configuration (the production check's tests)."""

from ticketshop.payments.providers import PaymentProvider


class AcmePay(PaymentProvider):
    code = "acme"
