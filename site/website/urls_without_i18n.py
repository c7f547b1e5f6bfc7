"""An URLconf without i18n_patterns: what the locale middleware is told for a view's real 404,
so that it does not redirect to /<lang>/<path> (which Wagtail's catch-all would accept)."""

urlpatterns = []
