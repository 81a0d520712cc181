"""The Celery app: configured from the Django settings (CELERY_*), tasks found in each app."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")

app = Celery("tracker")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# The importers' tasks live beside the importers, in a package of the app.
app.autodiscover_tasks(["recommendations.importers"])
