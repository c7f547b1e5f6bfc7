from django.urls import path

from reseller_sandbox.realtime_sales import sales_view
from reseller_sandbox.soap import service_view

app_name = "reseller_sandbox"

urlpatterns = [
    path("<slug:instance>/realtime/sales/", sales_view, name="realtime_sales"),
    path("<slug:instance>/<str:service>/", service_view, name="service"),
]
