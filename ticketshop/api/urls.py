"""The ticketshop's public web APIs (SOAP, JSON, redirects). Filled in by the APIs issue."""

urlpatterns = []
