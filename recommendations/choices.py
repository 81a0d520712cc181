"""The vocabularies of the domain: body kinds, document kinds, positions, implementation, status."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class BodyKind(models.TextChoices):
    TREATY_BODY = "treaty_body", "Treaty body"
    UPR = "upr", "Universal Periodic Review"
    CHARTER_BODY = "charter_body", "Charter body"
    SPECIAL_PROCEDURE = "special_procedure", "Special procedure"
    INQUIRY = "inquiry", "Commission of inquiry"
    OFFICE = "office", "Office or agency"
    OTHER = "other", "Other"


class DocumentKind(models.TextChoices):
    REPORT = "report", "Report"
    CONCLUDING_OBSERVATIONS = "concluding_observations", "Concluding observations"
    UPR_REPORT = "upr_report", "UPR report"
    UPR_ADDENDUM = "upr_addendum", "UPR addendum"
    RESOLUTION = "resolution", "Resolution"
    LETTER = "letter", "Letter"
    STATEMENT = "statement", "Statement"
    SUBMISSION = "submission", "Submission"
    PRESS_RELEASE = "press_release", "Press release"
    # A special procedure's letter to a government, which asks for a reply within 60 days.
    COMMUNICATION = "communication", _("Communication (special procedures)")
    OTHER = "other", "Other"


class Position(models.TextChoices):
    SUPPORTED = "supported", "Supported"
    PARTIALLY_SUPPORTED = "partially_supported", "Partially supported"
    NOTED = "noted", "Noted"
    REJECTED = "rejected", "Rejected"
    OTHER = "other", "Other"
    # How a UN agency or office answers an NGO: none of the UPR's words fits.
    ACKNOWLEDGED = "acknowledged", _("Acknowledged without commitment")
    DECLINED = "declined", _("Declined")
    NO_SUBSTANTIVE_REPLY = "no_substantive_reply", _("No substantive reply")


class Implementation(models.TextChoices):
    NOT_IMPLEMENTED = "not_implemented", "Not implemented"
    PARTIALLY_IMPLEMENTED = "partially_implemented", "Partially implemented"
    IMPLEMENTED = "implemented", "Implemented"
    REGRESSED = "regressed", "Regressed"
    UNKNOWN = "unknown", "Unknown"


class TargetStatus(models.TextChoices):
    """Every word the status rule can give: the response states, positions and implementations."""

    AWAITING_RESPONSE = "awaiting_response", "Awaiting response"
    RESPONSE_OVERDUE = "response_overdue", "Response overdue"
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
    SESSION = "session", "Session"
    REVIEW = "review", "Review"
    DEADLINE = "deadline", "Deadline"


class ReminderTrigger(models.TextChoices):
    """What makes a reminder due; each has one function in reminders.py."""

    RESPONSE_DUE_SOON = "response_due_soon", "Response due in N days"
    RESPONSE_OVERDUE = "response_overdue", "Response overdue, then every M days"
    NO_ASSESSMENT = "no_assessment", "Supported, no assessment for N days"
    FOLLOW_UP_DUE = "follow_up_due", "Follow-up due in N days"
    EVENT_SOON = "event_soon", "Event in N days"


class ReminderStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    SENDING = "sending", "Sending"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"


class Digest(models.TextChoices):
    DAILY = "daily", "Daily"
    WEEKLY = "weekly", "Weekly (Mondays)"


class ImportFormat(models.TextChoices):
    """The files the importers read; the values are the command's --format names."""

    UPR_INFO = "upr-info", "UPR Info database export (CSV)"
    OHCHR_MATRIX = "ohchr-matrix", "OHCHR matrix of UPR recommendations (.docx)"
    UHRI = "uhri", "Universal Human Rights Index export (.xlsx)"
    CSV = "csv", "Tracker export (CSV)"
    XLSX = "xlsx", "Tracker export (XLSX)"


class ImportJobStatus(models.TextChoices):
    CHECKING = "checking", "Checking (a dry run)"
    CHECKED = "checked", "Checked: waiting for confirmation"
    IMPORTING = "importing", "Importing"
    DONE = "done", "Imported"
    FAILED = "failed", "Failed"


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
