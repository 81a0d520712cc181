"""The tracker's URLs and error views, with two views that fail as a bug would: one under
/api/ (a DRF view), one outside it."""

from django.urls import path
from rest_framework.views import APIView

from tracker.urls import handler400, handler404, handler500, urlpatterns

__all__ = ["handler400", "handler404", "handler500", "urlpatterns"]


class FailingAPIView(APIView):
    def get(self, request):
        raise RuntimeError("a bug")


def failing_page(request):
    raise RuntimeError("a bug")


urlpatterns = [
    path("api/failing/", FailingAPIView.as_view()),
    path("failing/", failing_page),
    *urlpatterns,
]
