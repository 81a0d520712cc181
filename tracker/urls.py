from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from tracker.health import healthz, readyz

admin.site.site_header = "UN recommendations tracker"
admin.site.site_title = "Recommendations tracker"
admin.site.index_title = "Recommendations, targets, responses and assessments"

urlpatterns = [
    path("", RedirectView.as_view(url="/admin/", permanent=False)),
    path("admin/", admin.site.urls),
    path("healthz", healthz, name="healthz"),
    path("readyz", readyz, name="readyz"),
    path("api/", include("recommendations.api.urls")),
]

# JSON under /api/, Django's HTML pages elsewhere.
handler400 = "recommendations.api.exception_handlers.bad_request"
handler404 = "recommendations.api.exception_handlers.page_not_found"
handler500 = "recommendations.api.exception_handlers.server_error"
