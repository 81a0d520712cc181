from django.urls import path

from watchlists import views

app_name = "watchlists"

urlpatterns = [
    path("watch/", views.watch, name="watch"),
    path("confirm/<str:token>/", views.confirm, name="confirm"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("calendar/<str:token>.ics", views.calendar_feed, name="calendar"),
]
