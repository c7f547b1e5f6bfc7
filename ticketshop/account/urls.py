from django.urls import path

from ticketshop.account import booking_views, views

app_name = "account"

urlpatterns = [
    path("", views.home, name="home"),
    path("offers/", views.empty_page, {"section": "offers"}, name="offers"),
    path("tickets/", booking_views.tickets, name="tickets"),
    path("tickets/<int:ticket_id>/pdf/", booking_views.ticket_download, name="ticket_download"),
    path("tickets/<int:ticket_id>/holder/", booking_views.ticket_holder, name="ticket_holder"),
    path("resale/", booking_views.resale, name="resale"),
    path("orders/", booking_views.orders, name="orders"),
    path("orders/<int:order_id>/", booking_views.order_detail, name="order_detail"),
    path("subscriptions/", booking_views.subscriptions, name="subscriptions"),
    path("edit/", views.profile, name="profile"),
    path("password/", views.password, name="password"),
    path("addresses/", views.addresses, name="addresses"),
    path("friends/", views.friends, name="friends"),
    path("friends/add/", views.friend_add, name="friend_add"),
    path("friends/accept/", views.friend_accept, name="friend_accept"),
    path("friends/<int:link_id>/remove/", views.friend_remove, name="friend_remove"),
    path("activate/", views.activate, name="activate"),
    path("register/", views.register, name="register"),
]
