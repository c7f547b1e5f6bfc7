"""The URLs this test folder needs (the project's own, without the parts other issues build)."""

from django.http import HttpResponse
from django.template.loader import render_to_string
from django.urls import include, path


def website_page(request):
    return HttpResponse(render_to_string("base.html", request=request))


urlpatterns = [
    path("idp/", include("ticketshop.idp.urls")),
    path("account/", include("ticketshop.account.urls")),
    path("saml2/", include("secutix_integration.sso.urls")),
    path("", website_page),
]
