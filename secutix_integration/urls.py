"""The plugin's public URLs (the site includes them, e.g. at "secutix/")."""

from django.urls import path

from secutix_integration import views

urlpatterns = [
    path("availability/", views.availability, name="secutix_availability"),
]
