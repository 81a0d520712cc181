from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WatchlistsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "watchlists"
    verbose_name = _("Watchlists")
