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
    # A special procedure's letter to a government, which asks for a reply within 60 days.
    COMMUNICATION = "communication", _("Communication (special procedures)")
    OTHER = "other", _("Other")


class Position(models.TextChoices):
    SUPPORTED = "supported", _("Supported")
    PARTIALLY_SUPPORTED = "partially_supported", _("Partially supported")
    NOTED = "noted", _("Noted")
    REJECTED = "rejected", _("Rejected")
    OTHER = "other", _("Other")
    # How a UN agency or office answers an NGO: none of the UPR's words fits.
    ACKNOWLEDGED = "acknowledged", _("Acknowledged without commitment")
    DECLINED = "declined", _("Declined")
    NO_SUBSTANTIVE_REPLY = "no_substantive_reply", _("No substantive reply")


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
    ACKNOWLEDGED = Position.ACKNOWLEDGED.value, Position.ACKNOWLEDGED.label
    DECLINED = Position.DECLINED.value, Position.DECLINED.label
    NO_SUBSTANTIVE_REPLY = (
        Position.NO_SUBSTANTIVE_REPLY.value,
        Position.NO_SUBSTANTIVE_REPLY.label,
    )
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
    SUBMISSIONS = "submissions", _("Stakeholder submissions due")


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


# The UN calendar (calendar.py): the rule that produced a target's due date, stored beside it.


class DeadlineRule(models.TextChoices):
    EDITOR = "editor", _("Set by an editor")
    IMPORTED = "imported", _("Given by an imported file")
    LETTER_DEADLINE = "letter_deadline", _("The deadline the letter sets")
    SPECIAL_PROCEDURE_REPLY = (
        "special_procedure_reply",
        _("Special procedure communication: reply within 60 days"),
    )
    TREATY_BODY_FOLLOW_UP = (
        "treaty_body_follow_up",
        _("Treaty body follow-up: the period from the concluding observations' date"),
    )
    TREATY_BODY_FOLLOW_UP_DATE = (
        "treaty_body_follow_up_date",
        _("Treaty body follow-up: the date the concluding observations set"),
    )
    UPR_MID_TERM_REPORT = (
        "upr_mid_term_report",
        _("UPR: voluntary mid-term report, 2.5 years after the Working Group session"),
    )


class GradeScale(models.TextChoices):
    """The scale an assessment was graded on; GradeMapping says what each grade means."""

    TREATY_BODY_FOLLOW_UP = "treaty_body_follow_up", _("Treaty body follow-up grades (A–E)")
    UPR_INFO = "upr_info", _("UPR Info implementation levels")
    OWN = "own", _("Our own assessment")
