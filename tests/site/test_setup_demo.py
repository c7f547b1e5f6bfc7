"""The run command's set-up (`setup_demo`): everything the demo needs, idempotent."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from wagtail.models import Page

from reseller_sandbox.models import SandboxInstance
from ticketshop.api.models import ApiAccount
from ticketshop.catalogue.models import Product
from ticketshop.payments.models import CreditAccount, GiftVoucher

pytestmark = pytest.mark.django_db


def state():
    return (
        Product.objects.count(),
        Page.objects.count(),
        list(GiftVoucher.objects.values_list("code", "balance")),
        list(CreditAccount.objects.values_list("contact__email", "balance")),
        sorted(ApiAccount.objects.values_list("username", flat=True)),
        get_user_model().objects.count(),
    )


def test_setup_demo_prepares_everything_once(settings, tmp_path):
    settings.SECUTIX = {**settings.SECUTIX, "KEYS_DIR": tmp_path}
    settings.TICKETSHOP = {**settings.TICKETSHOP, "KEYS_DIR": tmp_path}
    out = StringIO()
    call_command("setup_demo", stdout=out)
    assert (tmp_path / "idp_metadata.xml").exists()
    products, pages, vouchers, credits, accounts, users = state()
    assert products >= 16 and pages > 20
    assert vouchers == [("CUBE-GIFT-50", 50)]
    assert credits == [("michel.shapira@secutixtest.com", 20)]
    # the website's account and the two real-time resellers' (R9)
    assert accounts == ["CUBE_CLASSICTIC", "CUBE_DIGITICK", "CUBE_WEBSITE"] and users == 1
    assert ApiAccount.objects.get(username="CUBE_WEBSITE").check_secret(
        settings.TICKETSHOP["API_PASSWORD"]
    )
    # The bundled reseller sandbox's three batch instances (issue 10, R8) and the two real-time
    # resellers' sales records (issue 11, R11), by its own command.
    assert "Reseller sandbox fnac (created)" in out.getvalue()
    assert sorted(SandboxInstance.objects.values_list("slug", flat=True)) == [
        "classictic",
        "digitick",
        "fnac",
        "secutix-file",
        "ticketnet",
    ]

    GiftVoucher.objects.update(balance=10)  # spent in the meantime: a new set-up keeps that
    call_command("setup_demo", stdout=StringIO())
    assert state() == (products, pages, [("CUBE-GIFT-50", 10)], credits, accounts, 1)
    assert SandboxInstance.objects.count() == 5
