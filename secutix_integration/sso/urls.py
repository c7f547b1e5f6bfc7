from django.urls import include, path

from secutix_integration.sso import views

urlpatterns = [
    path("signout/", views.sign_out, name="sso_sign_out"),
    path("acs/", views.AcsView.as_view(), name="saml2_acs"),
    path("", include("djangosaml2.urls")),
]
