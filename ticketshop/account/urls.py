from django.urls import path

from ticketshop.account import views

app_name = "account"

urlpatterns = [
    path("", views.home, name="home"),
    path("offers/", views.empty_page, {"section": "offers"}, name="offers"),
    path("tickets/", views.empty_page, {"section": "tickets"}, name="tickets"),
    path("resale/", views.empty_page, {"section": "resale"}, name="resale"),
    path("orders/", views.empty_page, {"section": "orders"}, name="orders"),
    path("subscriptions/", views.empty_page, {"section": "subscriptions"}, name="subscriptions"),
    path("edit/", views.profile, name="profile"),
    path("password/", views.password, name="password"),
    path("addresses/", views.addresses, name="addresses"),
    path("friends/", views.friends, name="friends"),
    path("friends/add/", views.friend_add, name="friend_add"),
    path("friends/<int:link_id>/remove/", views.friend_remove, name="friend_remove"),
    path("activate/", views.activate, name="activate"),
    path("register/", views.register, name="register"),
]
