from django.urls import path

from campaigns import views

app_name = "campaigns"

urlpatterns = [
    path("<slug:slug>/", views.campaign_page, name="campaign"),
    path("<slug:slug>/brief/", views.brief_page, name="brief"),
    path("<slug:slug>/brief.docx", views.brief_download, name="brief-docx"),
]
