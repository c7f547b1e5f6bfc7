from django.urls import path

from ticketshop.idp import views

app_name = "idp"

urlpatterns = [
    path("metadata/", views.metadata, name="metadata"),
    path("sso/redirect/", views.sso_redirect, name="sso_redirect"),
    path("sso/post/", views.sso_post, name="sso_post"),
    path("slo/redirect/", views.slo_redirect, name="slo_redirect"),
    path("slo/post/", views.slo_post, name="slo_post"),
    path("login/", views.login, name="login"),
    path("logout/", views.logout, name="logout"),
    path("password/forgot/", views.password_forgot, name="password_forgot"),
    path("password/reset/", views.password_reset, name="password_reset"),
]
