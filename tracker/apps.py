from django.contrib.admin.apps import AdminConfig


class TrackerAdminConfig(AdminConfig):
    """Django's admin, with the tracker's site as `admin.site` (tracker/admin_site.py)."""

    default_site = "tracker.admin_site.TrackerAdminSite"
