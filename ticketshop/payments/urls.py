from django.urls import path

from ticketshop.payments import views

app_name = "payments"

urlpatterns = [
    path("testcard/pay/", views.testcard_page, name="testcard_page"),
    path("testcard/cancel/", views.testcard_cancel, name="testcard_cancel"),
    path("testcard/operations/", views.testcard_operations, name="testcard_operations"),
]
