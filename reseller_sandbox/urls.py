from django.urls import path

from reseller_sandbox.soap import service_view

app_name = "reseller_sandbox"

urlpatterns = [
    path("<slug:instance>/<str:service>/", service_view, name="service"),
]
