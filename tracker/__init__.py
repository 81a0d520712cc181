# Loaded with Django, so `shared_task`s bind to this app and `transaction.on_commit` enqueues work.
from tracker.celery import app as celery_app

__all__ = ("celery_app",)
