from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

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
    path("backoffice/", admin.site.urls),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("i18n/", include("django.conf.urls.i18n")),
]

if settings.DEBUG:
    from django.conf.urls.static import static
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns += i18n_patterns(path("", include(wagtail_urls)), prefix_default_language=True)
