from django.core.exceptions import SuspiciousOperation
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.views.decorators.cache import never_cache
from djangosaml2.views import AssertionConsumerServiceView, _get_subject_id

from secutix_integration import conf
from secutix_integration.sso.config import website_url


class AcsView(AssertionConsumerServiceView):
    """djangosaml2's ACS, with the destination and the assertion's statement checked before
    anything is trusted (pysaml2 only raises on those later, as a server error)."""

    def custom_validation(self, response):
        expected = f"{website_url()}/saml2/acs/"
        if response.response.destination != expected:
            raise SuspiciousOperation("SAML response sent to another destination")
        response.session_info()  # raises when recipient, audience or time window are wrong


@never_cache
def sign_out(request):
    """The header's "Sign out": SAML single logout when signed in through the IdP, otherwise
    the ticketshop's own sign-out (the visitor may be signed in there only)."""
    if request.user.is_authenticated and _get_subject_id(request.saml_session):
        return HttpResponseRedirect(reverse("saml2_logout"))
    return HttpResponseRedirect(f"{conf.base_url()}/idp/logout/")
