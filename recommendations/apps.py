from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecommendationsConfig(AppConfig):
    name = "recommendations"
    verbose_name = _("Recommendations")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from recommendations import data_version, languages

        data_version.connect_signals()
        # Connected here, not on the first request: a sign-in can come before it (tests).
        languages.connect_signals()
