from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from secutix_integration import admin_views


@hooks.register("register_admin_urls")
def import_urls():
    return [
        path("catalogue-imports/", admin_views.import_runs, name="secutix_import_runs"),
        path("catalogue-imports/run/", admin_views.run_import_now, name="secutix_run_import"),
    ]


class ImportMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(admin_views.PERMISSION)


@hooks.register("register_admin_menu_item")
def import_menu_item():
    return ImportMenuItem(
        _("Catalogue import"), reverse("secutix_import_runs"), icon_name="download", order=900
    )
