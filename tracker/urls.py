from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from recommendations.languages import language_set
from tracker.health import healthz, readyz

admin.site.site_header = _("UN recommendations tracker")
admin.site.site_title = _("Recommendations tracker")
admin.site.index_title = _("Recommendations, targets, responses and assessments")

urlpatterns = [
    path("admin/", admin.site.urls),
    # The language switcher posts here: Django's set_language, which also keeps a signed-in
    # staff member's choice as their preference (recommendations/languages.py).
    path("i18n/setlang/", language_set, name="set_language"),
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
    path("api/", include("recommendations.api.urls")),
    path("campaigns/", include("campaigns.urls")),
    path("watchlists/", include("watchlists.urls")),
    path("", include("website.urls")),
]

# JSON under /api/, Django's HTML pages elsewhere.
handler400 = "recommendations.api.exception_handlers.bad_request"
handler404 = "recommendations.api.exception_handlers.page_not_found"
handler500 = "recommendations.api.exception_handlers.server_error"
