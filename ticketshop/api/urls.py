"""The ticketshop's public web APIs: SOAP (C2, C3), their JSON twins, redirects (L1), docs (L2)."""

from django.urls import path

from ticketshop.api import docs, json_views, paths, realtime_views, redirects, soap

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
    # The real-time reseller API (R9): ours, not SecuTix's; {code, message} errors.
    path(
        "api/1/resellers/performances",
        realtime_views.performances_view,
        name="realtime-performances",
    ),
    path(
        "api/1/resellers/performances/<int:performance_id>",
        realtime_views.performance_view,
        name="realtime-performance",
    ),
    path("api/1/resellers/baskets", realtime_views.hold_view, name="realtime-hold"),
    path(
        "api/1/resellers/baskets/<int:basket_id>",
        realtime_views.basket_view,
        name="realtime-basket",
    ),
    path(
        "api/1/resellers/baskets/<int:basket_id>/confirm",
        realtime_views.confirm_view,
        name="realtime-confirm",
    ),
    path(
        "api/1/resellers/baskets/<int:basket_id>/release",
        realtime_views.release_view,
        name="realtime-release",
    ),
    path("api/1/resellers/sales/<str:reference>", realtime_views.sale_view, name="realtime-sale"),
    path(
        "api/1/resellers/sales/<str:reference>/cancel",
        realtime_views.cancel_view,
        name="realtime-cancel",
    ),
    path("api/1/resellers/<path:rest>", realtime_views.unknown_view, name="realtime-unknown"),
]
