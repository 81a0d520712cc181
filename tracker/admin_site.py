"""The admin site: its index opens on the editors' desk (recommendations/desk.py), and lists
the domain's apps before the plumbing (tokens, lockouts, periodic tasks, users).

Set as the default site by `tracker.apps.TrackerAdminConfig`, so every `admin.site.register`
and `@admin.register` of the apps registers here.
"""

from django.contrib import admin

from recommendations import desk

# The apps of the tracker's records, in this order; every other app is plumbing.
DOMAIN_APPS = ("recommendations", "campaigns")


def domain_first(app: dict) -> int:
    label = app["app_label"]
    return DOMAIN_APPS.index(label) if label in DOMAIN_APPS else len(DOMAIN_APPS)


class TrackerAdminSite(admin.AdminSite):
    index_template = "admin/desk_index.html"

    def get_app_list(self, request, app_label=None):
        # sorted() is stable: the plumbing keeps Django's alphabetical order.
        return sorted(super().get_app_list(request, app_label), key=domain_first)

    def index(self, request, extra_context=None):
        apps = self.get_app_list(request)
        viewable = {
            model
            for model, model_admin in self._registry.items()
            if model_admin.has_view_or_change_permission(request)
        }
        context = {
            "desk": desk.editors_desk(viewable=viewable),
            "domain_apps": [app for app in apps if app["app_label"] in DOMAIN_APPS],
            "plumbing_apps": [app for app in apps if app["app_label"] not in DOMAIN_APPS],
            **(extra_context or {}),
        }
        return super().index(request, context)
