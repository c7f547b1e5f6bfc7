"""Demo means of payment: a gift voucher and the demo visitor's credit. Created once, never reset."""

from decimal import Decimal

from ticketshop.contacts.models import Contact
from ticketshop.organisation.models import Organisation
from ticketshop.payments.models import CreditAccount, GiftVoucher

DEMO_VOUCHER = "CUBE-GIFT-50"
DEMO_VISITOR = "michel.shapira@secutixtest.com"


def load_demo_payment_means(organisation_code="CUBE"):
    organisation = Organisation.objects.get(code=organisation_code)
    GiftVoucher.objects.get_or_create(
        code=DEMO_VOUCHER,
        defaults={"organisation": organisation, "balance": Decimal("50.00"), "currency": "EUR"},
    )
    visitor = Contact.objects.filter(organisation=organisation, email__iexact=DEMO_VISITOR).first()
    if visitor:
        CreditAccount.objects.get_or_create(contact=visitor, defaults={"balance": Decimal("20.00")})
