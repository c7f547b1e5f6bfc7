"""The ticketshop's public web APIs: SOAP (C2, C3), their JSON twins, redirects (L1), docs (L2)."""

from django.urls import path

from ticketshop.api import docs, json_views, paths, redirects, soap

urlpatterns = [
    path(paths.CATALOG_SOAP, soap.catalog_view, name="soap-catalog"),
    path(paths.AVAILABILITY_SOAP, soap.availability_view, name="soap-availability"),
    path(paths.SETUP_SOAP, soap.setup_view, name="soap-setup"),
    path(paths.ORDER_HISTORY_SOAP, soap.order_history_view, name="soap-order-history"),
    path(paths.AUTH_JSON, json_views.auth_view, name="json-auth"),
    path(
        "tnseb/backend-apis/<str:service>/v1_33/<str:method>",
        json_views.service_view,
        name="json-service",
    ),
    path("tnseb/backend-apis/<path:rest>", json_views.unknown_view, name="json-unknown"),
    path(
        paths.PUBLIC_AVAILABILITY, json_views.public_availability_view, name="public-availability"
    ),
    path("tnai/backend-apis/<path:rest>", json_views.unknown_view, name="json-auth-unknown"),
    path("api/1/", docs.docs_view, name="api-docs"),
    path("api/1/openapi.json", docs.openapi_view, name="api-openapi"),
    path("api/1/redirect/product", redirects.product_redirect, name="redirect-product"),
    path(
        "api/1/redirect/product/performance",
        redirects.performance_redirect,
        name="redirect-performance",
    ),
    path("api/1/redirect/account", redirects.account_redirect, name="redirect-account"),
    path("api/1/redirect/account/register", redirects.register_redirect, name="redirect-register"),
    path("api/1/redirect/account/edit", redirects.edit_redirect, name="redirect-edit"),
    path("api/1/redirect/account/activate", redirects.activate_redirect, name="redirect-activate"),
    path("api/1/redirect/cart", redirects.cart_redirect, name="redirect-cart"),
]
