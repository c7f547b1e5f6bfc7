from django.urls import path

from ticketshop.shop import views

app_name = "shop"

urlpatterns = [
    path("<str:lang>/product/<int:product_id>/", views.product, name="product"),
    path("<str:lang>/performance/<int:performance_id>/", views.performance, name="performance"),
    path("<str:lang>/cart/", views.cart, name="cart"),
    path("<str:lang>/cart/remove/<int:line_id>/", views.cart_remove, name="cart_remove"),
    path("<str:lang>/cart/cancel/", views.cart_cancel, name="cart_cancel"),
    path("<str:lang>/cart/checkout/", views.checkout, name="checkout"),
    path("<str:lang>/payment/return/", views.payment_return, name="payment_return"),
    path("<str:lang>/order/<int:order_id>/", views.order, name="order"),
    path("payment/notify/", views.payment_notify, name="payment_notify"),
]
