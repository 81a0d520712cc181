"""The vocabularies of the domain: body kinds, document kinds, positions, implementation, status."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class BodyKind(models.TextChoices):
    TREATY_BODY = "treaty_body", _("Treaty body")
    UPR = "upr", _("Universal Periodic Review")
    CHARTER_BODY = "charter_body", _("Charter body")
    SPECIAL_PROCEDURE = "special_procedure", _("Special procedure")
    INQUIRY = "inquiry", _("Commission of inquiry")
    OFFICE = "office", _("Office or agency")
    OTHER = "other", _("Other")


class DocumentKind(models.TextChoices):
    REPORT = "report", _("Report")
    CONCLUDING_OBSERVATIONS = "concluding_observations", _("Concluding observations")
    UPR_REPORT = "upr_report", _("UPR report")
    UPR_ADDENDUM = "upr_addendum", _("UPR addendum")
    RESOLUTION = "resolution", _("Resolution")
    LETTER = "letter", _("Letter")
    STATEMENT = "statement", _("Statement")
    SUBMISSION = "submission", _("Submission")
    PRESS_RELEASE = "press_release", _("Press release")
    OTHER = "other", _("Other")


class Position(models.TextChoices):
    SUPPORTED = "supported", _("Supported")
    PARTIALLY_SUPPORTED = "partially_supported", _("Partially supported")
    NOTED = "noted", _("Noted")
    REJECTED = "rejected", _("Rejected")
    OTHER = "other", _("Other")


class Implementation(models.TextChoices):
    NOT_IMPLEMENTED = "not_implemented", _("Not implemented")
    PARTIALLY_IMPLEMENTED = "partially_implemented", _("Partially implemented")
    IMPLEMENTED = "implemented", _("Implemented")
    REGRESSED = "regressed", _("Regressed")
    UNKNOWN = "unknown", _("Unknown")


class TargetStatus(models.TextChoices):
    """Every word the status rule can give: the response states, positions and implementations."""

    AWAITING_RESPONSE = "awaiting_response", _("Awaiting response")
    RESPONSE_OVERDUE = "response_overdue", _("Response overdue")
    SUPPORTED = Position.SUPPORTED.value, Position.SUPPORTED.label
    PARTIALLY_SUPPORTED = (
        Position.PARTIALLY_SUPPORTED.value,
        Position.PARTIALLY_SUPPORTED.label,
    )
    NOTED = Position.NOTED.value, Position.NOTED.label
    REJECTED = Position.REJECTED.value, Position.REJECTED.label
    OTHER = Position.OTHER.value, Position.OTHER.label
    NOT_IMPLEMENTED = (
        Implementation.NOT_IMPLEMENTED.value,
        Implementation.NOT_IMPLEMENTED.label,
    )
    PARTIALLY_IMPLEMENTED = (
        Implementation.PARTIALLY_IMPLEMENTED.value,
        Implementation.PARTIALLY_IMPLEMENTED.label,
    )
    IMPLEMENTED = Implementation.IMPLEMENTED.value, Implementation.IMPLEMENTED.label
    REGRESSED = Implementation.REGRESSED.value, Implementation.REGRESSED.label


class EventKind(models.TextChoices):
    SESSION = "session", _("Session")
    REVIEW = "review", _("Review")
    DEADLINE = "deadline", _("Deadline")


class ReminderTrigger(models.TextChoices):
    """What makes a reminder due; each has one function in reminders.py."""

    RESPONSE_DUE_SOON = "response_due_soon", _("Response due in N days")
    RESPONSE_OVERDUE = "response_overdue", _("Response overdue, then every M days")
    NO_ASSESSMENT = "no_assessment", _("Supported, no assessment for N days")
    FOLLOW_UP_DUE = "follow_up_due", _("Follow-up due in N days")
    EVENT_SOON = "event_soon", _("Event in N days")


class ReminderStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class Digest(models.TextChoices):
    DAILY = "daily", _("Daily")
    WEEKLY = "weekly", _("Weekly (Mondays)")


class ImportFormat(models.TextChoices):
    """The files the importers read; the values are the command's --format names."""

    UPR_INFO = "upr-info", _("UPR Info database export (CSV)")
    OHCHR_MATRIX = "ohchr-matrix", _("OHCHR matrix of UPR recommendations (.docx)")
    UHRI = "uhri", _("Universal Human Rights Index export (.xlsx)")
    CSV = "csv", _("Tracker export (CSV)")
    XLSX = "xlsx", _("Tracker export (XLSX)")


class ImportJobStatus(models.TextChoices):
    CHECKING = "checking", _("Checking (a dry run)")
    CHECKED = "checked", _("Checked: waiting for confirmation")
    IMPORTING = "importing", _("Importing")
    DONE = "done", _("Imported")
    FAILED = "failed", _("Failed")
