from django.db import models
from django.utils.translation import gettext_lazy as _


class Mention(models.TextChoices):
    YES = "yes", _("Mentions it")
    PARTLY = "partly", _("Partly")
    NO = "no", _("Silent")


class SuggestionVerdict(models.TextChoices):
    ACCEPTED = "accepted", _("Accepted")
    DISMISSED = "dismissed", _("Dismissed")
