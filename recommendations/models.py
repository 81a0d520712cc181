import re
from datetime import date

from django.conf import settings
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import models
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from simple_history.models import HistoricalRecords

from recommendations.choices import (
    BodyKind,
    Digest,
    DocumentKind,
    EventKind,
    Implementation,
    ImportFormat,
    ImportJobStatus,
    Position,
    ReminderStatus,
    ReminderTrigger,
    TargetStatus,
)

__all__ = [
    "AffectedGroup",
    "Assessment",
    "Body",
    "DataVersion",
    "Document",
    "Event",
    "ImportJob",
    "Organization",
    "Recommendation",
    "Reminder",
    "ReminderPreference",
    "ReminderRule",
    "Response",
    "State",
    "Target",
    "Theme",
]


# Recommendations are quoted in English; the full-text index and the API's `q` both stem
# in this configuration, and must use the same expression for PostgreSQL to use the index.
SEARCH_CONFIG = "english"


class TextSearchVector(SearchVector):
    """The recommendation's text as PostgreSQL indexes it (migration 0014 names this class)."""


def normalize_name(name: str) -> str:
    """The form names are compared in: case, spacing, '&', typographic apostrophes and a
    leading 'the' do not tell two names apart ('the Gambia', 'Côte d’Ivoire')."""
    words = name.replace("&", " and ").replace("\u2019", "'").replace("\u2018", "'")
    words = words.casefold().split()
    if words[:1] == ["the"] and len(words) > 1:
        words = words[1:]
    return " ".join(words)


# How many links of a chain of parents or reiterations a write follows to find a cycle. Real
# chains are a few links long; the bound keeps the check finite whatever is stored.
CHAIN_MAX_LINKS = 100


def chain_reaches(model: type[models.Model], *, field: str, start, row_pk) -> bool:
    """Whether following `field` from the row `start` (an id, or None) comes back to the row
    `row_pk`: one primary-key lookup per link. A chain of more than CHAIN_MAX_LINKS counts
    as reaching it, since it cannot be followed to its end."""
    column = f"{field}_id"
    seen = set()
    current = start
    for _ in range(CHAIN_MAX_LINKS):
        if current is None or current in seen:
            # The chain ends, or loops among other rows (stored before this check existed).
            return False
        if current == row_pk:
            return True
        seen.add(current)
        current = model.objects.filter(pk=current).values_list(column, flat=True).first()
    return current is not None


class Body(models.Model):
    """A UN body or mechanism: a treaty body, the UPR, a special procedure, an office."""

    name = models.CharField(max_length=255)
    acronym = models.CharField(max_length=50, unique=True)
    kind = models.CharField(max_length=32, choices=BodyKind.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )

    class Meta:
        ordering = ["acronym"]
        verbose_name_plural = "bodies"

    def __str__(self) -> str:
        return self.acronym

    def clean(self) -> None:
        # A new row has no id yet: nothing can point at it, so it closes no cycle.
        if self.pk and chain_reaches(Body, field="parent", start=self.parent_id, row_pk=self.pk):
            raise ValidationError(
                {"parent": "A body cannot be its own parent, directly or through its parents."}
            )


class StateQuerySet(models.QuerySet):
    def by_name(self) -> dict[str, "State"]:
        """Every state under each name it goes by, normalised, for importers and lookups."""
        names: dict[str, State] = {}
        for state in self:
            for name in state.all_names():
                names.setdefault(normalize_name(name), state)
        return names


class State(models.Model):
    """A state by its ISO 3166-1 alpha-3 code; all of them are loaded from pycountry."""

    code = models.CharField(max_length=3, unique=True)
    name = models.CharField(max_length=255)
    official_name = models.CharField(max_length=255, blank=True)
    other_names = models.JSONField(
        default=list,
        blank=True,
        help_text="Other names the state goes by, such as UN short names ('DPR Korea').",
    )

    objects = StateQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def all_names(self) -> list[str]:
        return [self.code, self.name, self.official_name, *self.other_names]


class Organization(models.Model):
    """A civil-society group that authors or signs demands."""

    name = models.CharField(max_length=255, unique=True)
    acronym = models.CharField(max_length=50, blank=True)
    country = models.ForeignKey(
        State,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="organizations",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.acronym})" if self.acronym else self.name


class Document(models.Model):
    """Where a recommendation or a response is written: a UN report, a resolution, a letter."""

    symbol = models.CharField(
        max_length=100, blank=True, help_text="UN symbol, e.g. A/HRC/25/CRP.1"
    )
    title = models.CharField(max_length=500)
    kind = models.CharField(max_length=32, choices=DocumentKind.choices)
    body = models.ForeignKey(
        Body, null=True, blank=True, on_delete=models.PROTECT, related_name="documents"
    )
    organizations = models.ManyToManyField(
        Organization,
        blank=True,
        related_name="documents",
        help_text="Authors and signatories.",
    )
    date = models.DateField(null=True, blank=True)
    url = models.URLField(max_length=500, blank=True)

    class Meta:
        ordering = ["-date", "symbol"]
        constraints = [
            models.UniqueConstraint(
                fields=["symbol"],
                condition=~Q(symbol=""),
                name="document_symbol_unique_when_present",
                violation_error_code="unique",
                violation_error_message="A document with this symbol already exists.",
            ),
        ]

    def __str__(self) -> str:
        return self.symbol or self.title


class Theme(models.Model):
    name = models.CharField(max_length=255)
    slug = models.SlugField(max_length=100, unique=True)
    uhri_code = models.CharField(
        "UHRI code",
        max_length=10,
        blank=True,
        help_text="Universal Human Rights Index theme code.",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class AffectedGroup(models.Model):
    """People a recommendation concerns, as UHRI and OHCHR name them ('children', 'migrants')."""

    name = models.CharField(max_length=255, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Recommendation(models.Model):
    """One recommendation or demand, quoted verbatim, from a body, states or organisations."""

    text = models.TextField(help_text="The recommendation, verbatim.")
    document = models.ForeignKey(
        Document,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="recommendations",
    )
    paragraph = models.CharField(max_length=50, blank=True, help_text="e.g. 1221 (a) or 28.212")
    issued_by = models.ForeignKey(
        Body,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="recommendations",
        help_text="The body that issued it.",
    )
    recommending_states = models.ManyToManyField(
        State,
        blank=True,
        related_name="recommendations_made",
        help_text="UPR recommending states.",
    )
    organizations = models.ManyToManyField(
        Organization,
        blank=True,
        related_name="recommendations",
        help_text="Organisations that issued it (civil-society demands).",
    )
    themes = models.ManyToManyField(Theme, blank=True, related_name="recommendations")
    affected_groups = models.ManyToManyField(
        AffectedGroup,
        blank=True,
        related_name="recommendations",
        help_text="The people it concerns ('affected persons' in UHRI and OHCHR matrices).",
    )
    issued_on = models.DateField(null=True, blank=True)
    reiterates = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reiterated_by",
        help_text="An earlier recommendation this one repeats.",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_recommendations",
    )
    watchers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="watched_recommendations"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Provenance: the import that created it or last changed it; blank when typed in.
    source_file = models.CharField(max_length=255, blank=True, editable=False)
    source_format = models.CharField(
        max_length=20, choices=ImportFormat.choices, blank=True, editable=False
    )
    source_row = models.PositiveIntegerField(
        null=True, blank=True, editable=False, help_text="Its first row in the file (header: 1)."
    )
    imported_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Stored, so that ranking a search's matches reads each vector instead of parsing each
    # text again: at a million recommendations that is the difference between 0.1 s and 1 s.
    search_vector = models.GeneratedField(
        expression=TextSearchVector("text", config=SEARCH_CONFIG),
        output_field=SearchVectorField(),
        db_persist=True,
    )

    history = HistoricalRecords(excluded_fields=["updated_at", "search_vector"])

    class Meta:
        ordering = ["-issued_on", "-pk"]
        indexes = [
            models.Index(fields=["issued_on"], name="recommendation_issued_on"),
            models.Index(fields=["document", "paragraph"], name="recommendation_doc_para"),
            models.Index(fields=["paragraph"], name="recommendation_paragraph"),
            # The full-text search has a GIN index on search_vector, created by migration
            # 0014 outside the migration state.
        ]

    def __str__(self) -> str:
        where = " ".join(part for part in (str(self.document or ""), self.paragraph) if part)
        return f"{where}: {self.excerpt()}" if where else self.excerpt()

    def clean(self) -> None:
        # A new row has no id yet: nothing can point at it, so it closes no cycle.
        if self.pk and chain_reaches(
            Recommendation, field="reiterates", start=self.reiterates_id, row_pk=self.pk
        ):
            raise ValidationError(
                {
                    "reiterates": (
                        "A recommendation cannot reiterate itself, directly or through the "
                        "recommendations it reiterates."
                    )
                }
            )

    def excerpt(self, length: int = 80) -> str:
        return self.text if len(self.text) <= length else self.text[: length - 1].rstrip() + "…"

    @staticmethod
    def validate_issuers(*, issued_by, recommending_states, organizations) -> None:
        """A recommendation comes from somebody: a body, a recommending state or an organisation."""
        if not issued_by and not recommending_states and not organizations:
            raise ValidationError(
                {
                    "issued_by": (
                        "A recommendation needs an issuer: a body, a recommending state "
                        "or an organisation."
                    )
                }
            )


class Target(models.Model):
    """One addressee of a recommendation, a state or a UN body, with its own status."""

    recommendation = models.ForeignKey(
        Recommendation, on_delete=models.CASCADE, related_name="targets"
    )
    state = models.ForeignKey(
        State, null=True, blank=True, on_delete=models.PROTECT, related_name="targets"
    )
    body = models.ForeignKey(
        Body, null=True, blank=True, on_delete=models.PROTECT, related_name="targets"
    )
    response_due = models.DateField(null=True, blank=True)
    follow_up_due = models.DateField(null=True, blank=True)
    status = models.CharField(
        max_length=32,
        choices=TargetStatus.choices,
        default=TargetStatus.AWAITING_RESPONSE,
        editable=False,
        db_index=True,
        help_text="Derived by the status rule; never typed in.",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["recommendation_id", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(state__isnull=False, body__isnull=True)
                    | Q(state__isnull=True, body__isnull=False)
                ),
                name="target_state_xor_body",
                violation_error_message="A target is addressed to a state or to a body, not both.",
            ),
            models.UniqueConstraint(fields=["recommendation", "state"], name="target_unique_state"),
            models.UniqueConstraint(fields=["recommendation", "body"], name="target_unique_body"),
        ]
        indexes = [
            models.Index(fields=["state", "status"], name="target_state_status"),
            models.Index(fields=["body", "status"], name="target_body_status"),
            # The reminder sweep's response_due_soon and response_overdue triggers
            # (reminders.py) range-scan the due dates that are set.
            models.Index(
                fields=["response_due"],
                condition=Q(response_due__isnull=False),
                name="target_response_due_set",
            ),
            # The reminder sweep's follow_up_due trigger.
            models.Index(
                fields=["follow_up_due"],
                condition=Q(follow_up_due__isnull=False),
                name="target_follow_up_due_set",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.addressee} — {self.recommendation}"

    @property
    def addressee(self) -> State | Body | None:
        return self.state or self.body

    def clean(self) -> None:
        if self.state_id and self.body_id:
            raise ValidationError({"body": "Choose a state or a body, not both."})
        if not self.state_id and not self.body_id:
            raise ValidationError({"state": "Choose the state or the body this is addressed to."})

    def is_response_overdue(self, today: date) -> bool:
        return bool(self.response_due and self.response_due < today)

    def latest_response(self) -> "Response | None":
        return self.responses.order_by(*Response.LATEST_FIRST).first()

    def latest_assessment(self) -> "Assessment | None":
        return self.assessments.order_by(*Assessment.LATEST_FIRST).first()


class Response(models.Model):
    """What an addressee said: its position, in its own words, and where."""

    # On one date, the later-created row (higher pk) is the latest.
    LATEST_FIRST = ("-date", "-pk")

    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="responses")
    position = models.CharField(max_length=32, choices=Position.choices)
    text = models.TextField(blank=True)
    date = models.DateField()
    document = models.ForeignKey(
        Document,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="responses",
    )
    paragraph = models.CharField(max_length=50, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["target_id", "date", "pk"]
        indexes = [models.Index(fields=["target", "date"], name="response_target_date")]

    def __str__(self) -> str:
        return f"{self.get_position_display()} ({self.date})"


class Assessment(models.Model):
    """How far a target's recommendation is implemented, with the evidence."""

    LATEST_FIRST = ("-assessed_on", "-pk")

    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="assessments")
    implementation = models.CharField(max_length=32, choices=Implementation.choices)
    summary = models.TextField(blank=True)
    source_document = models.ForeignKey(
        Document,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assessments",
    )
    source_url = models.URLField(max_length=500, blank=True)
    assessed_on = models.DateField()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assessments",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["target_id", "assessed_on", "pk"]
        indexes = [models.Index(fields=["target", "assessed_on"], name="assessment_target_date")]

    def __str__(self) -> str:
        return f"{self.get_implementation_display()} ({self.assessed_on})"


class Event(models.Model):
    """A session, review or deadline where recommendations to some states or bodies come up."""

    name = models.CharField(
        max_length=255, help_text="e.g. China, Universal Periodic Review, 4th cycle"
    )
    kind = models.CharField(max_length=16, choices=EventKind.choices)
    date = models.DateField()
    states = models.ManyToManyField(
        State, blank=True, related_name="events", help_text="The states it concerns."
    )
    bodies = models.ManyToManyField(
        Body, blank=True, related_name="events", help_text="The bodies it concerns."
    )

    class Meta:
        ordering = ["-date", "name"]
        # The reminder sweep's event_soon trigger looks up the events of the coming days.
        indexes = [models.Index(fields=["date"], name="event_date")]

    def __str__(self) -> str:
        return f"{self.name} ({self.date})"

    @staticmethod
    def validate_concerns(*, states, bodies) -> None:
        if not states and not bodies:
            raise ValidationError({"states": "Choose the states or the bodies the event concerns."})


class ReminderRule(models.Model):
    """When campaign staff hear about a target: what triggers, which targets, who receives."""

    name = models.CharField(max_length=255, unique=True)
    trigger = models.CharField(max_length=32, choices=ReminderTrigger.choices)
    days = models.PositiveIntegerField(
        help_text=(
            "N: days before the response is due, the follow-up is due or the event; days "
            "without an assessment; for 'response overdue', days after the due date of the "
            "first reminder (1: the day after)."
        )
    )
    repeat_days = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="M: for 'response overdue' only, the days between reminders.",
    )
    body_kinds = models.JSONField(
        default=list,
        blank=True,
        help_text=(
            "Only recommendations issued by, or addressed to, a body of these kinds. Empty: all."
        ),
    )
    states = models.ManyToManyField(
        State,
        blank=True,
        related_name="reminder_rules",
        help_text="Only targets addressed to these states. Empty: all.",
    )
    themes = models.ManyToManyField(
        Theme,
        blank=True,
        related_name="reminder_rules",
        help_text="Only recommendations about these themes. Empty: all.",
    )
    send_to_owner = models.BooleanField(
        default=True, help_text="The recommendation's owner receives it."
    )
    send_to_watchers = models.BooleanField(
        default=True, help_text="The recommendation's watchers receive it."
    )
    send_to_addresses = models.TextField(
        blank=True, help_text="Other e-mail addresses, one per line or separated by commas."
    )
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def addresses(self) -> list[str]:
        return [address for address in re.split(r"[\s,;]+", self.send_to_addresses) if address]

    def clean(self) -> None:
        errors: dict[str, str] = {}
        overdue = self.trigger == ReminderTrigger.RESPONSE_OVERDUE
        if overdue and not self.repeat_days:
            errors["repeat_days"] = "Required for 'response overdue': the days between reminders."
        if not overdue and self.repeat_days:
            errors["repeat_days"] = "Only 'response overdue' repeats; leave this empty."
        needs_a_day = (ReminderTrigger.RESPONSE_OVERDUE, ReminderTrigger.NO_ASSESSMENT)
        if self.trigger in needs_a_day and self.days == 0:
            errors["days"] = "Must be at least 1 for this trigger."
        unknown_kinds = sorted(set(self.body_kinds or []) - set(BodyKind.values))
        if not isinstance(self.body_kinds, list) or unknown_kinds:
            errors["body_kinds"] = f"Unknown body kinds: {', '.join(map(str, unknown_kinds))}."
        for address in self.addresses():
            try:
                validate_email(address)
            except ValidationError:
                errors["send_to_addresses"] = f"{address!r} is not an e-mail address."
                break
        if not (self.send_to_owner or self.send_to_watchers or self.addresses()):
            errors.setdefault(
                "send_to_addresses",
                "Nobody would receive it: tick the owner or the watchers, or list addresses.",
            )
        if errors:
            raise ValidationError(errors)

    def scope(self, targets: QuerySet["Target"]) -> QuerySet["Target"]:
        """The targets this rule covers; an empty scope field covers everything.

        Reads `states` and `themes` through `.all()`, so a prefetched rule costs no query.
        """
        if self.body_kinds:
            targets = targets.filter(
                Q(body__kind__in=self.body_kinds)
                | Q(recommendation__issued_by__kind__in=self.body_kinds)
            )
        state_ids = [state.pk for state in self.states.all()]
        if state_ids:
            targets = targets.filter(state__in=state_ids)
        theme_ids = [theme.pk for theme in self.themes.all()]
        if theme_ids:
            about_a_theme = Recommendation.themes.through.objects.filter(
                recommendation_id=OuterRef("recommendation_id"), theme_id__in=theme_ids
            )
            targets = targets.filter(Exists(about_a_theme))
        return targets


class ReminderQuerySet(models.QuerySet):
    def claimable(self, *, claim: str, stale_before) -> "ReminderQuerySet":
        """Rows a delivery may take: waiting, already its own (a retry of the same task), or
        claimed by a delivery that died before `stale_before`."""
        return self.filter(
            Q(status=ReminderStatus.PENDING)
            | Q(status=ReminderStatus.SENDING, claimed_by=claim)
            | Q(status=ReminderStatus.SENDING, claimed_at__lt=stale_before)
        )


class Reminder(models.Model):
    """One reminder of one rule about one target, for one recipient and one occurrence.

    The database is the queue: the sweep records each due reminder once (the unique
    constraint), a delivery claims it, sends it and records the outcome.
    """

    rule = models.ForeignKey(ReminderRule, on_delete=models.CASCADE, related_name="reminders")
    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="reminders")
    recipient = models.EmailField()
    occurrence = models.DateField(
        help_text="The date this occurrence is for: the due date, the event, the repeat."
    )
    reason = models.CharField(max_length=500, help_text="Why it is due, as the e-mail says.")
    status = models.CharField(
        max_length=16, choices=ReminderStatus.choices, default=ReminderStatus.PENDING
    )
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    claimed_at = models.DateTimeField(null=True, blank=True, editable=False)
    claimed_by = models.CharField(max_length=255, blank=True, editable=False)
    sent_at = models.DateTimeField(null=True, blank=True)

    objects = ReminderQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "recipient", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "target", "recipient", "occurrence"],
                name="reminder_unique_occurrence",
            ),
        ]
        indexes = [
            # The sweep picks the pending reminders to deliver, by recipient.
            models.Index(
                fields=["recipient"],
                condition=Q(status=ReminderStatus.PENDING),
                name="reminder_pending_recipient",
            ),
            # The sweep releases claims of deliveries that died (status sending, claim old).
            models.Index(
                fields=["claimed_at"],
                condition=Q(status=ReminderStatus.SENDING),
                name="reminder_sending_claimed_at",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rule} — {self.recipient} ({self.occurrence})"


class ReminderPreference(models.Model):
    """A staff member's choice: reminders or none, every day or in a weekly digest."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="reminder_preference",
    )
    reminders_enabled = models.BooleanField(
        "send me reminders",
        default=True,
        help_text="Off: no reminder is recorded or sent to your address.",
    )
    digest = models.CharField(
        max_length=16,
        choices=Digest.choices,
        default=Digest.DAILY,
        help_text="Daily: after each sweep. Weekly: on Mondays, or once a reminder has waited "
        "a week.",
    )

    class Meta:
        verbose_name = "reminder preference"

    def __str__(self) -> str:
        return f"{self.user}: {self.get_digest_display() if self.reminders_enabled else 'off'}"


class ImportJob(models.Model):
    """A file uploaded in the admin: checked by a dry run, then imported once confirmed.

    The file itself is stored here, not on a disk, so whichever worker runs the job reads it;
    the page polls `status`, `rows_done` and the reports.
    """

    file_name = models.CharField(max_length=255)
    content = models.BinaryField()
    format = models.CharField(
        max_length=20,
        choices=ImportFormat.choices,
        blank=True,
        help_text="Leave blank to recognise it from the file.",
    )
    state_under_review = models.ForeignKey(
        State,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="OHCHR matrices: the state under review, when the file does not say.",
    )
    report_symbol = models.CharField(
        max_length=100,
        blank=True,
        help_text="OHCHR matrices: the Working Group report's symbol, e.g. A/HRC/40/6.",
    )
    upr_session = models.PositiveSmallIntegerField(
        "UPR session",
        null=True,
        blank=True,
        help_text="OHCHR matrices: the UPR session, when the file does not say.",
    )
    status = models.CharField(
        max_length=20, choices=ImportJobStatus.choices, default=ImportJobStatus.CHECKING
    )
    rows_total = models.PositiveIntegerField(default=0)
    rows_done = models.PositiveIntegerField(default=0)
    preview = models.JSONField(null=True, blank=True, help_text="The dry run's report.")
    report = models.JSONField(null=True, blank=True, help_text="The import's report.")
    error = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="import_jobs",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    MAX_BYTES = 50 * 2**20
    # The page lists this many bad rows; the command prints them all.
    ERRORS_SHOWN = 500

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_status_display()})"

    def runs_inline(self) -> bool:
        """Small files run within the request; larger ones go to a worker."""
        return len(self.content) <= settings.IMPORT_INLINE_MAX_BYTES

    def is_running(self) -> bool:
        return self.status in (ImportJobStatus.CHECKING, ImportJobStatus.IMPORTING)


class DataVersion(models.Model):
    """A token that changes after every committed write to the tracker's records: cached
    reads (the dashboard's counts) are keyed on it, so a write makes them stale at once."""

    token = models.CharField(max_length=32)

    def __str__(self) -> str:
        return self.token
