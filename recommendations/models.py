from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from recommendations.choices import (
    BodyKind,
    DocumentKind,
    Implementation,
    ImportFormat,
    ImportJobStatus,
    Position,
    TargetStatus,
)

__all__ = [
    "AffectedGroup",
    "Assessment",
    "Body",
    "Document",
    "ImportJob",
    "Organization",
    "Recommendation",
    "Response",
    "State",
    "Target",
    "Theme",
]


def normalize_name(name: str) -> str:
    """The form names are compared in: case, spacing, '&', typographic apostrophes and a
    leading 'the' do not tell two names apart ('the Gambia', 'Côte d’Ivoire')."""
    words = name.replace("&", " and ").replace("\u2019", "'").replace("\u2018", "'")
    words = words.casefold().split()
    if words[:1] == ["the"] and len(words) > 1:
        words = words[1:]
    return " ".join(words)


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

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["-issued_on", "-pk"]
        indexes = [
            models.Index(fields=["issued_on"], name="recommendation_issued_on"),
            models.Index(fields=["document", "paragraph"], name="recommendation_doc_para"),
        ]

    def __str__(self) -> str:
        where = " ".join(part for part in (str(self.document or ""), self.paragraph) if part)
        return f"{where}: {self.excerpt()}" if where else self.excerpt()

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
