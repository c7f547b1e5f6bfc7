"""The product's URLs plus a trivial view: the checkout bench's baseline through the same
gunicorn workers, middleware included (bench/bench_checkout.py)."""

from django.http import HttpResponse
from django.urls import path

from website.urls import urlpatterns as product_urls


def trivial(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench/trivial", trivial), *product_urls]
handler400 = "website.views.bad_request"
handler403 = "website.views.permission_denied"
handler404 = "website.views.page_not_found"
handler500 = "website.views.server_error"
