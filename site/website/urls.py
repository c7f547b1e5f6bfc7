from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path, re_path
from django.utils.translation import gettext_lazy as _
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from website import health, views

handler400 = "website.views.bad_request"
handler403 = "website.views.permission_denied"
handler404 = "website.views.page_not_found"
handler500 = "website.views.server_error"

admin.site.site_header = _("The CUBE — ticketshop back office")
admin.site.site_title = _("Ticketshop back office")
admin.site.index_title = _("Ticketshop")

urlpatterns = [
    path("", include("ticketshop.api.urls")),
    path("idp/", include("ticketshop.idp.urls")),
    path("account/", include("ticketshop.account.urls")),
    path("shop/", include("ticketshop.shop.urls")),
    path("payments/", include("ticketshop.payments.urls")),
    path("saml2/", include("secutix_integration.sso.urls")),
    path("reseller-sandbox/", include("reseller_sandbox.urls")),
    path("secutix/", include("secutix_integration.urls")),
    path("backoffice/", admin.site.urls),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("i18n/", include("django.conf.urls.i18n")),
    path("sitemap.xml", views.sitemap, name="sitemap"),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path("health/", health.health, name="health"),
]

if settings.DEBUG or getattr(settings, "SERVE_STATIC_FILES", False):
    # The embedded default serves its own files (DEBUG is a developer's opt-in there).
    from django.contrib.staticfiles.views import serve as serve_static
    from django.views.static import serve as serve_media

    urlpatterns += [
        re_path(r"^static/(?P<path>.*)$", serve_static, {"insecure": True}),
        re_path(r"^media/(?P<path>.*)$", serve_media, {"document_root": settings.MEDIA_ROOT}),
    ]

urlpatterns += i18n_patterns(path("", include(wagtail_urls)), prefix_default_language=True)
