from django.urls import path

from website import views

app_name = "website"

urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.search, name="search"),
    path("recommendations/<int:pk>/", views.recommendation, name="recommendation"),
    path("states/<slug:code>/", views.state, name="state"),
    # Acronyms are data: an imported one may hold any character.
    path("bodies/<path:acronym>/", views.body, name="body"),
    path("documents/<int:pk>/", views.document, name="document"),
    path("charts/", views.charts, name="charts"),
    path("charts/<slug:kind>.svg", views.chart_svg, name="chart_svg"),
    path("embed/charts/<slug:kind>/", views.chart_embed, name="chart_embed"),
]
