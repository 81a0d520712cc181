import re
from datetime import date

from django.conf import settings
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, validate_email
from django.db import models
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Left
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from recommendations import search, state_names
from recommendations.choices import (
    BodyKind,
    DeadlineRule,
    Digest,
    DocumentKind,
    EventKind,
    GradeScale,
    Implementation,
    ImportFormat,
    ImportJobStatus,
    Position,
    ReminderStatus,
    ReminderTrigger,
    TargetStatus,
)
from recommendations.status import status_on

__all__ = [
    "AffectedGroup",
    "Assessment",
    "Body",
    "DataVersion",
    "Document",
    "Event",
    "GradeMapping",
    "ImportJob",
    "Organization",
    "Recommendation",
    "Reminder",
    "ReminderPreference",
    "ReminderRule",
    "Response",
    "State",
    "SustainableDevelopmentGoal",
    "Target",
    "Theme",
    "UprReview",
    "UprSession",
]


# Recommendations are quoted in English; the full-text index and the API's `q` both stem
# in this configuration (English after unaccent, migration 0030), and must use the same
# expression for PostgreSQL to use the index.
SEARCH_CONFIG = search.SEARCH_CONFIG


# PostgreSQL refuses a tsvector whose lexemes pass 1 MB ("string is too long for tsvector").
# A lexeme takes at most 8 bytes per character of text: 4 for a UTF-8 character, twice over
# when a hyphenated word is indexed whole and in parts ("𠀀𠀁-𠀂𠀃"). Measured on PostgreSQL 15:
# 200,000 characters of such distinct words make 1,204,242 bytes; so the vector reads the
# first 120,000 characters (at most 960,000 bytes), and words past them are not searchable.
SEARCH_VECTOR_MAX_CHARS = 120_000


class TextSearchVector(SearchVector):
    """The recommendation's text as PostgreSQL indexes it (migration 0014 names this class)."""


def recommendation_search_vector() -> SearchVector:
    """The text, weighted A, then what the metadata says it is about (themes, affected groups:
    C) and who issued it, to whom, where (D): a match in the text ranks first."""
    return (
        TextSearchVector(Left("text", SEARCH_VECTOR_MAX_CHARS), config=SEARCH_CONFIG, weight="A")
        + TextSearchVector("search_topics", config=SEARCH_CONFIG, weight="C")
        + TextSearchVector("search_parties", config=SEARCH_CONFIG, weight="D")
    )


def text_max_chars() -> int:
    return settings.TRACKER_TEXT_MAX_CHARS


# One limit for every long text, whatever writes it: the API's serializers and the admin's
# forms take model validators, and the importers run them on each row (importers.validation).
text_length_validator = MaxLengthValidator(text_max_chars)


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
    for _link in range(CHAIN_MAX_LINKS):
        if current is None or current in seen:
            # The chain ends, or loops among other rows (stored before this check existed).
            return False
        if current == row_pk:
            return True
        seen.add(current)
        current = model.objects.filter(pk=current).values_list(column, flat=True).first()
    return current is not None


class Body(models.Model):
    """A UN body or mechanism: a treaty body, the UPR, a special procedure, an office.

    Its name in English is the UN's; the Chinese name is the UN's official one, the Korean
    the one the Korean government and NGOs use. They are data, with their source, not
    catalogue entries: nobody translates a body's name twice.
    """

    name = models.CharField(_("name"), max_length=255)
    name_ko = models.CharField(_("name in Korean"), max_length=255, blank=True)
    name_zh_hans = models.CharField(_("name in Simplified Chinese"), max_length=255, blank=True)
    name_source = models.CharField(
        _("source of the names"),
        max_length=500,
        blank=True,
        help_text=_("Where the Korean and Chinese names come from, e.g. UN Term (unterm.un.org)."),
    )
    acronym = models.CharField(_("acronym"), max_length=50, unique=True)
    kind = models.CharField(_("kind"), max_length=32, choices=BodyKind.choices)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        verbose_name=_("parent"),
    )

    # The field holding the name in each language other than English.
    NAME_FIELDS = {"ko": "name_ko", "zh-hans": "name_zh_hans"}

    class Meta:
        ordering = ["acronym"]
        verbose_name = _("body")
        verbose_name_plural = _("bodies")

    def __str__(self) -> str:
        return self.acronym

    def localized_name(self, language: str | None = None) -> str:
        """The name in `language` (the active one by default), else the English name."""
        field = self.NAME_FIELDS.get(language or translation.get_language() or "")
        return (getattr(self, field) if field else "") or self.name

    def clean(self) -> None:
        # A new row has no id yet: nothing can point at it, so it closes no cycle.
        if self.pk and chain_reaches(Body, field="parent", start=self.parent_id, row_pk=self.pk):
            raise ValidationError(
                {"parent": _("A body cannot be its own parent, directly or through its parents.")}
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

    code = models.CharField(_("code"), max_length=3, unique=True)
    name = models.CharField(_("name"), max_length=255)
    official_name = models.CharField(_("official name"), max_length=255, blank=True)
    other_names = models.JSONField(
        _("other names"),
        default=list,
        blank=True,
        help_text=_("Other names the state goes by, such as UN short names ('DPR Korea')."),
    )

    objects = StateQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("state")
        verbose_name_plural = _("states")

    def __str__(self) -> str:
        return self.name

    def localized_name(self, language: str | None = None) -> str:
        """The state's name in `language` (the active one by default) from pycountry's ISO
        3166 translations; the English name where there is none."""
        return state_names.state_name(self.code, language) or self.name

    def all_names(self) -> list[str]:
        return [self.code, self.name, self.official_name, *self.other_names]


class Organization(models.Model):
    """A civil-society group that authors or signs demands."""

    name = models.CharField(_("name"), max_length=255, unique=True)
    acronym = models.CharField(_("acronym"), max_length=50, blank=True)
    country = models.ForeignKey(
        State,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="organizations",
        verbose_name=_("country"),
    )
    contact_name = models.CharField(
        _("contact name"), max_length=255, blank=True, help_text=_("Staff only.")
    )
    contact_email = models.EmailField(_("contact e-mail"), blank=True, help_text=_("Staff only."))

    class Meta:
        ordering = ["name"]
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")

    def __str__(self) -> str:
        return f"{self.name} ({self.acronym})" if self.acronym else self.name


class Document(models.Model):
    """Where a recommendation or a response is written: a UN report, a resolution, a letter."""

    symbol = models.CharField(
        _("symbol"), max_length=100, blank=True, help_text=_("UN symbol, e.g. A/HRC/25/CRP.1")
    )
    title = models.CharField(_("title"), max_length=500)
    kind = models.CharField(_("kind"), max_length=32, choices=DocumentKind.choices)
    body = models.ForeignKey(
        Body,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="documents",
        verbose_name=_("body"),
    )
    organizations = models.ManyToManyField(
        Organization,
        blank=True,
        related_name="documents",
        help_text=_("Authors and signatories."),
        verbose_name=_("organizations"),
    )
    # A state speaks too: its statement at the Human Rights Council or at a review.
    state = models.ForeignKey(
        State,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="documents",
        verbose_name=_("state"),
        help_text=_("The state that authored it: a statement at the Council or a review."),
    )
    date = models.DateField(_("date"), null=True, blank=True)
    url = models.URLField(_("URL"), max_length=500, blank=True)
    # The deadlines the document sets (calendar.py computes its targets' due dates from them).
    response_by = models.DateField(
        _("reply by"),
        null=True,
        blank=True,
        help_text=_("Letters: the date by which the letter asks for an answer."),
    )
    response_within_days = models.PositiveSmallIntegerField(
        _("reply within (days)"),
        null=True,
        blank=True,
        help_text=_("Letters: the days from the letter's date it gives for an answer, e.g. 90."),
    )
    follow_up_paragraphs = models.JSONField(
        _("follow-up paragraphs"),
        default=list,
        blank=True,
        help_text=_(
            "Concluding observations: the paragraphs the committee asks follow-up "
            'information on, e.g. ["12", "18", "36"].'
        ),
    )
    follow_up_within_months = models.PositiveSmallIntegerField(
        _("follow-up within (months)"),
        null=True,
        blank=True,
        help_text=_(
            "Concluding observations: the period the document states; empty: the "
            "committee's usual period."
        ),
    )
    follow_up_by = models.DateField(
        _("follow-up by"),
        null=True,
        blank=True,
        help_text=_("Concluding observations: the date the document states, if it gives one."),
    )
    # visibility.py reads it: a private document is withheld from anonymous clients, while
    # what it records (a recommendation, a response, the status they give) stays public.
    public = models.BooleanField(
        _("public"),
        default=True,
        help_text=_(
            "Untick for a confidential letter or a source that could expose a person: staff "
            "see it; the public sees the recommendations and statuses it records, not it."
        ),
    )

    class Meta:
        ordering = ["-date", "symbol"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        constraints = [
            models.UniqueConstraint(
                fields=["symbol"],
                condition=~Q(symbol=""),
                name="document_symbol_unique_when_present",
                violation_error_code="unique",
                violation_error_message=_("A document with this symbol already exists."),
            ),
        ]
        # Every anonymous API answer reads the private documents (visibility.py): the few
        # of them from this index, not a scan of every document.
        indexes = [
            models.Index(
                fields=["id"],
                include=["symbol"],
                condition=Q(public=False),
                name="document_private",
            )
        ]

    def __str__(self) -> str:
        return self.symbol or self.title


class Theme(models.Model):
    name = models.CharField(_("name"), max_length=255)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    uhri_code = models.CharField(
        _("UHRI code"),
        max_length=10,
        blank=True,
        help_text=_("Universal Human Rights Index theme code."),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("theme")
        verbose_name_plural = _("themes")

    def __str__(self) -> str:
        return self.name


class AffectedGroup(models.Model):
    """People a recommendation concerns, as UHRI and OHCHR name them ('children', 'migrants')."""

    name = models.CharField(_("name"), max_length=255, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("affected group")
        verbose_name_plural = _("affected groups")

    def __str__(self) -> str:
        return self.name


SDG_CODE = re.compile(r"^(?P<goal>[1-9]|1[0-7])(?:\.(?:[1-9][0-9]?|[a-c]))?$")


def validate_sdg_code(code: str) -> None:
    if not SDG_CODE.match(code):
        raise ValidationError(
            _("%(code)s is not a Sustainable Development Goal (1 to 17) or one of its targets"),
            params={"code": code},
        )


class SustainableDevelopmentGoal(models.Model):
    """A Sustainable Development Goal ("16") or one of its targets ("16.10", "5.c"), as UHRI
    tags recommendations with them: a vocabulary of its own, beside the themes."""

    code = models.CharField(max_length=5, unique=True, validators=[validate_sdg_code])
    name = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("Sustainable Development Goal or target")
        verbose_name_plural = _("Sustainable Development Goals and targets")

    def __str__(self) -> str:
        return f"SDG {self.code}" + (f": {self.name}" if self.name else "")

    @property
    def goal(self) -> int:
        return int(self.code.split(".")[0])


class Recommendation(models.Model):
    """One recommendation or demand, quoted verbatim, from a body, states or organisations."""

    text = models.TextField(
        _("text"), help_text=_("The recommendation, verbatim."), validators=[text_length_validator]
    )
    document = models.ForeignKey(
        Document,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="recommendations",
        verbose_name=_("document"),
    )
    paragraph = models.CharField(
        _("paragraph"), max_length=50, blank=True, help_text=_("e.g. 1221 (a) or 28.212")
    )
    issued_by = models.ForeignKey(
        Body,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="recommendations",
        help_text=_("The body that issued it."),
        verbose_name=_("issued by"),
    )
    recommending_states = models.ManyToManyField(
        State,
        blank=True,
        related_name="recommendations_made",
        help_text=_("UPR recommending states."),
        verbose_name=_("recommending states"),
    )
    organizations = models.ManyToManyField(
        Organization,
        blank=True,
        related_name="recommendations",
        help_text=_("Organisations that issued it (civil-society demands)."),
        verbose_name=_("organizations"),
    )
    themes = models.ManyToManyField(
        Theme, blank=True, related_name="recommendations", verbose_name=_("themes")
    )
    affected_groups = models.ManyToManyField(
        AffectedGroup,
        blank=True,
        related_name="recommendations",
        help_text=_("The people it concerns ('affected persons' in UHRI and OHCHR matrices)."),
        verbose_name=_("affected groups"),
    )
    sdgs = models.ManyToManyField(
        SustainableDevelopmentGoal,
        blank=True,
        related_name="recommendations",
        verbose_name=_("SDGs"),
        help_text=_("The Sustainable Development Goals and targets UHRI tags it with."),
    )
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    reiterates = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reiterated_by",
        help_text=_("An earlier recommendation this one repeats."),
        verbose_name=_("reiterates"),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_recommendations",
        verbose_name=_("owner"),
    )
    watchers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="watched_recommendations",
        verbose_name=_("watchers"),
    )
    internal_note = models.TextField(
        _("internal note"),
        blank=True,
        validators=[text_length_validator],
        help_text=_("Staff only: never shown on the public site, the API or an export."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    # Provenance: the import that created it or last changed it; blank when typed in.
    source_file = models.CharField(_("source file"), max_length=255, blank=True, editable=False)
    source_format = models.CharField(
        _("source format"), max_length=20, choices=ImportFormat.choices, blank=True, editable=False
    )
    source_row = models.PositiveIntegerField(
        _("source row"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("Its first row in the file (header: 1)."),
    )
    imported_at = models.DateTimeField(_("imported at"), null=True, blank=True, editable=False)
    # The metadata's names as text for the search vector, kept by
    # services.recommendation_search_refresh() on every write of a relation or of a name
    # (a generated column reads only its own row).
    search_topics = models.TextField(default="", blank=True, editable=False)
    search_parties = models.TextField(default="", blank=True, editable=False)
    # Stored, so that ranking a search's matches reads each vector instead of parsing each
    # text again: at a million recommendations that is the difference between 0.1 s and 1 s.
    search_vector = models.GeneratedField(
        expression=recommendation_search_vector(),
        output_field=SearchVectorField(),
        db_persist=True,
    )

    # Read by the full-text search in SQL alone: the pages that read recommendations as rows
    # leave them out (QuerySet.defer), a vector being the widest value of a row.
    SEARCH_COLUMNS = ("search_topics", "search_parties", "search_vector")

    history = HistoricalRecords(excluded_fields=["updated_at", *SEARCH_COLUMNS])

    class Meta:
        ordering = ["-issued_on", "-pk"]
        verbose_name = _("recommendation")
        verbose_name_plural = _("recommendations")
        indexes = [
            # Newest first (Meta.ordering), the id too: a list walks it for its page's ids
            # without reading the table's wide rows (paginators.py).
            models.Index(fields=["issued_on", "id"], name="recommendation_newest"),
            models.Index(fields=["document", "paragraph"], name="recommendation_doc_para"),
            models.Index(fields=["paragraph"], name="recommendation_paragraph"),
            # The campaign page's silence table (campaigns/selectors._upr_words) reads the
            # document and issuer of tens of thousands of recommendations by id, and a state's
            # page sorts its targets by their recommendation's date: from this index alone,
            # not from the table's wide rows.
            models.Index(
                fields=["id"],
                include=["document", "issued_by", "issued_on"],
                name="recommendation_id_covering",
            ),
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
                    "reiterates": _(
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
                    "issued_by": gettext(
                        "A recommendation needs an issuer: a body, a recommending state "
                        "or an organisation."
                    )
                }
            )


class Target(models.Model):
    """One addressee of a recommendation, a state or a UN body, with its own status."""

    recommendation = models.ForeignKey(
        Recommendation,
        on_delete=models.CASCADE,
        related_name="targets",
        verbose_name=_("recommendation"),
        # Indexed with the status (Meta.indexes, target_recommendation_status).
        db_index=False,
    )
    state = models.ForeignKey(
        State,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="targets",
        verbose_name=_("state"),
    )
    body = models.ForeignKey(
        Body,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="targets",
        verbose_name=_("body"),
    )
    response_due = models.DateField(_("response due"), null=True, blank=True)
    follow_up_due = models.DateField(_("follow-up due"), null=True, blank=True)
    # Each due date with the rule that produced it (calendar.py). An editor's date overrides
    # the rule: recompute_deadlines and the importers' bulk writes keep it.
    response_due_rule = models.CharField(
        _("response due date's rule"),
        max_length=32,
        choices=DeadlineRule.choices,
        blank=True,
        editable=False,
    )
    response_due_overridden = models.BooleanField(
        _("response due date set by an editor"),
        default=False,
        help_text=_("Kept when deadlines are computed again; untick to let the rule set it."),
    )
    follow_up_due_rule = models.CharField(
        _("follow-up due date's rule"),
        max_length=32,
        choices=DeadlineRule.choices,
        blank=True,
        editable=False,
    )
    follow_up_due_overridden = models.BooleanField(
        _("follow-up due date set by an editor"),
        default=False,
        help_text=_("Kept when deadlines are computed again; untick to let the rule set it."),
    )
    status = models.CharField(
        _("status"),
        max_length=32,
        choices=TargetStatus.choices,
        default=TargetStatus.AWAITING_RESPONSE,
        editable=False,
        db_index=True,
        help_text=_("Derived by the status rule; never typed in."),
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["recommendation_id", "pk"]
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(state__isnull=False, body__isnull=True)
                    | Q(state__isnull=True, body__isnull=False)
                ),
                name="target_state_xor_body",
                violation_error_message=_(
                    "A target is addressed to a state or to a body, not both."
                ),
            ),
            models.UniqueConstraint(fields=["recommendation", "state"], name="target_unique_state"),
            models.UniqueConstraint(fields=["recommendation", "body"], name="target_unique_body"),
        ]
        indexes = [
            # Whether a recommendation has a target of a status (the admin's and the API's
            # filters by status, the stats triggers) from the index alone; and a
            # recommendation's targets, as the foreign key's own index found them.
            models.Index(fields=["recommendation", "status"], name="target_recommendation_status"),
            # An addressee's statuses as they read today (selectors.status_counts), the
            # recommendations whose target has an addressee and a status (the API's filters),
            # and a state's recommendations (the campaign page's silence table,
            # campaigns/selectors.upr_counts), from the index alone: whether an awaited
            # response is overdue is in its due date.
            models.Index(
                fields=["state", "status"],
                include=["response_due", "recommendation"],
                name="target_state_status",
            ),
            models.Index(
                fields=["body", "status"],
                include=["response_due", "recommendation"],
                name="target_body_status",
            ),
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
            raise ValidationError({"body": gettext("Choose a state or a body, not both.")})
        if not self.state_id and not self.body_id:
            raise ValidationError(
                {"state": gettext("Choose the state or the body this is addressed to.")}
            )

    def current_status(self, today: date | None = None) -> TargetStatus:
        """The status on `today` (the site's date by default): the stored one, or, while
        nobody answered, overdue once the due date has passed since it was stored."""
        return status_on(
            stored=self.status,
            response_due=self.response_due,
            today=today or timezone.localdate(),
        )

    def days_overdue(self, today: date | None = None) -> int | None:
        """How many days the response is overdue on `today` (the site's date by default), as
        the status rule says; None when it is not overdue."""
        today = today or timezone.localdate()
        if self.current_status(today) != TargetStatus.RESPONSE_OVERDUE:
            return None
        return (today - self.response_due).days

    def latest_response(self) -> "Response | None":
        return self.responses.order_by(*Response.LATEST_FIRST).first()

    def latest_assessment(self) -> "Assessment | None":
        return self.assessments.order_by(*Assessment.LATEST_FIRST).first()


class Response(models.Model):
    """What an addressee said: its position, in its own words, and where."""

    # On one date, the later-created row (higher pk) is the latest.
    LATEST_FIRST = ("-date", "-pk")

    target = models.ForeignKey(
        Target, on_delete=models.CASCADE, related_name="responses", verbose_name=_("target")
    )
    position = models.CharField(_("position"), max_length=32, choices=Position.choices)
    text = models.TextField(_("text"), blank=True, validators=[text_length_validator])
    date = models.DateField(_("date"))
    document = models.ForeignKey(
        Document,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="responses",
        verbose_name=_("document"),
    )
    paragraph = models.CharField(_("paragraph"), max_length=50, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["target_id", "date", "pk"]
        verbose_name = _("response")
        verbose_name_plural = _("responses")
        indexes = [models.Index(fields=["target", "date"], name="response_target_date")]

    def __str__(self) -> str:
        return f"{self.get_position_display()} ({self.date})"

    def late_by_days(self) -> int | None:
        """How many days after the target's response due date this answer came; None when it
        came in time or nothing was due. selectors.late_by_days() is the same as SQL."""
        due = self.target.response_due
        if due is None or self.date <= due:
            return None
        return (self.date - due).days


class Assessment(models.Model):
    """How far a target's recommendation is implemented, with the evidence."""

    LATEST_FIRST = ("-assessed_on", "-pk")

    target = models.ForeignKey(
        Target, on_delete=models.CASCADE, related_name="assessments", verbose_name=_("target")
    )
    implementation = models.CharField(
        _("implementation"), max_length=32, choices=Implementation.choices
    )
    summary = models.TextField(_("summary"), blank=True, validators=[text_length_validator])
    source_document = models.ForeignKey(
        Document,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assessments",
        verbose_name=_("source document"),
    )
    source_url = models.URLField(_("source URL"), max_length=500, blank=True)
    source_public = models.BooleanField(
        _("source public"),
        default=True,
        help_text=_(
            "Untick to show the source (its document and URL) to staff only; the grade and "
            "the status stay public."
        ),
    )
    assessed_on = models.DateField(_("assessed on"))
    # The grade as its source gave it; `implementation`, which the status rule reads, is
    # the common level GradeMapping maps it to.
    scale = models.CharField(_("scale"), max_length=32, choices=GradeScale.choices, blank=True)
    raw_grade = models.CharField(
        _("grade"),
        max_length=64,
        blank=True,
        help_text=_("As the source gives it: 'B', 'B1', 'partially implemented'."),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assessments",
        verbose_name=_("author"),
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["target_id", "assessed_on", "pk"]
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        indexes = [models.Index(fields=["target", "assessed_on"], name="assessment_target_date")]

    def __str__(self) -> str:
        return f"{self.get_implementation_display()} ({self.assessed_on})"


class Event(models.Model):
    """A session, review or deadline where recommendations to some states or bodies come up."""

    name = models.CharField(
        _("name"), max_length=255, help_text=_("e.g. China, Universal Periodic Review, 4th cycle")
    )
    kind = models.CharField(_("kind"), max_length=16, choices=EventKind.choices)
    date = models.DateField(_("date"))
    states = models.ManyToManyField(
        State,
        blank=True,
        related_name="events",
        help_text=_("The states it concerns."),
        verbose_name=_("states"),
    )
    bodies = models.ManyToManyField(
        Body,
        blank=True,
        related_name="events",
        help_text=_("The bodies it concerns."),
        verbose_name=_("bodies"),
    )
    # Events computed from the UPR calendar (services.upr_events_refresh) name their session.
    upr_session = models.ForeignKey(
        "UprSession",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="events",
        verbose_name=_("UPR session"),
    )
    estimated = models.BooleanField(
        _("estimated"), default=False, help_text=_("The date is an estimate, not announced.")
    )

    class Meta:
        ordering = ["-date", "name"]
        verbose_name = _("event")
        verbose_name_plural = _("events")
        # The reminder sweep's event_soon trigger looks up the events of the coming days.
        indexes = [models.Index(fields=["date"], name="event_date")]

    def __str__(self) -> str:
        return f"{self.name} ({self.date})"

    @staticmethod
    def validate_concerns(*, states, bodies) -> None:
        if not states and not bodies:
            raise ValidationError(
                {"states": gettext("Choose the states or the bodies the event concerns.")}
            )


class ReminderRule(models.Model):
    """When campaign staff hear about a target: what triggers, which targets, who receives."""

    name = models.CharField(_("name"), max_length=255, unique=True)
    trigger = models.CharField(_("trigger"), max_length=32, choices=ReminderTrigger.choices)
    days = models.PositiveIntegerField(
        _("days"),
        help_text=_(
            "N: days before the response is due, the follow-up is due or the event; days "
            "without an assessment; for 'response overdue', days after the due date of the "
            "first reminder (1: the day after)."
        ),
    )
    repeat_days = models.PositiveIntegerField(
        _("repeat days"),
        null=True,
        blank=True,
        help_text=_("M: for 'response overdue' only, the days between reminders."),
    )
    body_kinds = models.JSONField(
        _("body kinds"),
        default=list,
        blank=True,
        help_text=_(
            "Only recommendations issued by, or addressed to, a body of these kinds. Empty: all."
        ),
    )
    states = models.ManyToManyField(
        State,
        blank=True,
        related_name="reminder_rules",
        help_text=_("Only targets addressed to these states. Empty: all."),
        verbose_name=_("states"),
    )
    themes = models.ManyToManyField(
        Theme,
        blank=True,
        related_name="reminder_rules",
        help_text=_("Only recommendations about these themes. Empty: all."),
        verbose_name=_("themes"),
    )
    send_to_owner = models.BooleanField(
        _("send to owner"), default=True, help_text=_("The recommendation's owner receives it.")
    )
    send_to_watchers = models.BooleanField(
        _("send to watchers"),
        default=True,
        help_text=_("The recommendation's watchers receive it."),
    )
    send_to_addresses = models.TextField(
        _("send to addresses"),
        blank=True,
        help_text=_("Other e-mail addresses, one per line or separated by commas."),
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("reminder rule")
        verbose_name_plural = _("reminder rules")

    def __str__(self) -> str:
        return self.name

    def addresses(self) -> list[str]:
        return [address for address in re.split(r"[\s,;]+", self.send_to_addresses) if address]

    def clean(self) -> None:
        errors: dict[str, str] = {}
        overdue = self.trigger == ReminderTrigger.RESPONSE_OVERDUE
        if overdue and not self.repeat_days:
            errors["repeat_days"] = gettext(
                "Required for 'response overdue': the days between reminders."
            )
        if not overdue and self.repeat_days:
            errors["repeat_days"] = gettext("Only 'response overdue' repeats; leave this empty.")
        needs_a_day = (ReminderTrigger.RESPONSE_OVERDUE, ReminderTrigger.NO_ASSESSMENT)
        if self.trigger in needs_a_day and self.days == 0:
            errors["days"] = gettext("Must be at least 1 for this trigger.")
        unknown_kinds = sorted(set(self.body_kinds or []) - set(BodyKind.values))
        if not isinstance(self.body_kinds, list) or unknown_kinds:
            errors["body_kinds"] = gettext("Unknown body kinds: %(kinds)s.") % {
                "kinds": ", ".join(map(str, unknown_kinds))
            }
        for address in self.addresses():
            try:
                validate_email(address)
            except ValidationError:
                errors["send_to_addresses"] = gettext("%(address)r is not an e-mail address.") % {
                    "address": address
                }
                break
        if not (self.send_to_owner or self.send_to_watchers or self.addresses()):
            errors.setdefault(
                "send_to_addresses",
                gettext(
                    "Nobody would receive it: tick the owner or the watchers, or list addresses."
                ),
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

    rule = models.ForeignKey(
        ReminderRule, on_delete=models.CASCADE, related_name="reminders", verbose_name=_("rule")
    )
    target = models.ForeignKey(
        Target, on_delete=models.CASCADE, related_name="reminders", verbose_name=_("target")
    )
    recipient = models.EmailField(_("recipient"))
    occurrence = models.DateField(
        _("occurrence"),
        help_text=_("The date this occurrence is for: the due date, the event, the repeat."),
    )
    # Why it is due: the facts the e-mail's sentence is written from when it is sent, in the
    # recipient's words (reminders.reminder_reason()). Each trigger sets those it names.
    trigger = models.CharField(
        _("trigger"), max_length=32, choices=ReminderTrigger.choices, blank=True
    )
    due_on = models.DateField(
        _("due on"),
        null=True,
        blank=True,
        help_text=_(
            "The date it is about: the response or follow-up due date, the event's "
            "date, or the date of the response that supported the recommendation."
        ),
    )
    position = models.CharField(
        _("position"),
        max_length=32,
        choices=Position.choices,
        blank=True,
        help_text=_("No assessment: the supporting response's position."),
    )
    last_assessed_on = models.DateField(
        _("last assessed on"),
        null=True,
        blank=True,
        help_text=_("No assessment: the latest assessment, if any."),
    )
    event_name = models.CharField(_("event name"), max_length=255, blank=True)
    event_kind = models.CharField(
        _("event kind"), max_length=16, choices=EventKind.choices, blank=True
    )
    reason = models.CharField(
        _("reason"),
        max_length=500,
        blank=True,
        help_text=_("Why it was due, as written by sweeps that recorded no facts (before 0016)."),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=ReminderStatus.choices, default=ReminderStatus.PENDING
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True, editable=False)
    claimed_by = models.CharField(_("claimed by"), max_length=255, blank=True, editable=False)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    objects = ReminderQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "recipient", "pk"]
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
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


class ReminderSweep(models.Model):
    """One sweep that committed: the day it swept for and whether it read every target.

    The next sweep reads the latest: after one for yesterday or today, it reads only the
    targets written since and those whose dates crossed a threshold (reminders.py)."""

    swept_for = models.DateField(_("swept for"))
    full = models.BooleanField(
        _("full"), default=False, help_text=_("It read every target, not only what changed.")
    )
    started_at = models.DateTimeField(_("started at"), default=timezone.now, editable=False)
    due = models.PositiveIntegerField(_("due"), default=0)
    recorded = models.PositiveIntegerField(_("recorded"), default=0)

    class Meta:
        ordering = ["-pk"]
        verbose_name = _("reminder sweep")
        verbose_name_plural = _("reminder sweeps")

    def __str__(self) -> str:
        return f"{self.swept_for}"


class ReminderChange(models.Model):
    """A write since the last sweep that may make a reminder due: a target, or the targets
    of a recommendation, to read again; or, for a change that reaches any target (a rule,
    an event, a user's address, an opt-out, a body's kind), a full sweep.

    Written by database triggers (migration 0031), so that bulk writes, the importers and
    the admin are all seen; a sweep marks the rows it reads with itself and deletes them
    when it commits, so a write committed meanwhile waits for the next sweep."""

    target_id = models.BigIntegerField(_("target"), null=True, blank=True)
    recommendation_id = models.BigIntegerField(_("recommendation"), null=True, blank=True)
    full_sweep = models.BooleanField(_("full sweep"), default=False)
    sweep = models.ForeignKey(
        ReminderSweep,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="changes",
        verbose_name=_("sweep"),
    )

    class Meta:
        verbose_name = _("reminder change")
        verbose_name_plural = _("reminder changes")

    def __str__(self) -> str:
        if self.full_sweep:
            return "full sweep"
        if self.target_id:
            return f"target {self.target_id}"
        return f"recommendation {self.recommendation_id}"


class StatsCount(models.Model):
    """A part of the dashboard's counts: how many recommendations and targets fall in one
    bucket of one breakdown (a status, an addressee, an issuing body, a year, a theme), for
    an addressee how many it answered, late and by how many days, and for a grade how many
    assessments gave it.

    Kept by database triggers (migration 0033) on every write, bulk ones and imports
    included, as rows of changes that add up: a writer appends and never waits for another
    on a shared counter. stats_count_compact() sums them back to one row per bucket; the
    stats without a filter read the sums (selectors.recommendation_stats)."""

    dimension = models.CharField(_("dimension"), max_length=16)
    key = models.CharField(_("key"), max_length=255, blank=True)
    recommendations = models.BigIntegerField(_("recommendations"), default=0)
    targets = models.BigIntegerField(_("targets"), default=0)
    answered = models.BigIntegerField(_("answered"), default=0)
    answered_late = models.BigIntegerField(_("answered late"), default=0)
    days_late = models.BigIntegerField(_("days late"), default=0)
    assessments = models.BigIntegerField(_("assessments"), default=0)

    class Meta:
        verbose_name = _("stats count")
        verbose_name_plural = _("stats counts")

    def __str__(self) -> str:
        return f"{self.dimension} {self.key}"


class ReminderPreference(models.Model):
    """A staff member's choices: the language they read the tracker and its e-mails in;
    reminders or none, every day or in a weekly digest."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="reminder_preference",
        verbose_name=_("user"),
    )
    reminders_enabled = models.BooleanField(
        _("send me reminders"),
        default=True,
        help_text=_("Off: no reminder is recorded or sent to your address."),
    )
    digest = models.CharField(
        _("digest"),
        max_length=16,
        choices=Digest.choices,
        default=Digest.DAILY,
        help_text=_(
            "Daily: after each sweep. Weekly: on Mondays, or once a reminder has waited a week."
        ),
    )
    language = models.CharField(
        _("language"),
        max_length=16,
        choices=settings.LANGUAGES,
        blank=True,
        help_text=_(
            "The language of the tracker's pages and of your reminders. Blank: your "
            "browser's, or English for reminders."
        ),
    )

    class Meta:
        verbose_name = _("preferences")
        verbose_name_plural = _("preferences")

    def __str__(self) -> str:
        return str(self.user)


class ImportJob(models.Model):
    """A file uploaded in the admin: checked by a dry run, then imported once confirmed.

    The file itself is stored here, not on a disk, so whichever worker runs the job reads it;
    the page polls `status`, `rows_done` and the reports.
    """

    file_name = models.CharField(_("file name"), max_length=255)
    content = models.BinaryField(_("content"))
    format = models.CharField(
        _("format"),
        max_length=20,
        choices=ImportFormat.choices,
        blank=True,
        help_text=_("Leave blank to recognise it from the file."),
    )
    state_under_review = models.ForeignKey(
        State,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("OHCHR matrices: the state under review, when the file does not say."),
        verbose_name=_("state under review"),
    )
    report_symbol = models.CharField(
        _("report symbol"),
        max_length=100,
        blank=True,
        help_text=_("OHCHR matrices: the Working Group report's symbol, e.g. A/HRC/40/6."),
    )
    upr_session = models.PositiveSmallIntegerField(
        _("UPR session"),
        null=True,
        blank=True,
        help_text=_("OHCHR matrices: the UPR session, when the file does not say."),
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=ImportJobStatus.choices,
        default=ImportJobStatus.CHECKING,
    )
    rows_total = models.PositiveIntegerField(_("rows total"), default=0)
    rows_done = models.PositiveIntegerField(_("rows done"), default=0)
    preview = models.JSONField(
        _("preview"), null=True, blank=True, help_text=_("The dry run's report.")
    )
    report = models.JSONField(
        _("report"), null=True, blank=True, help_text=_("The import's report.")
    )
    error = models.TextField(_("error"), blank=True)
    # The same reason as the importers' message (importers.messages), shown in the reader's
    # language; `error` keeps it in English for the API and the logs.
    error_message = models.JSONField(_("error, as a message"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="import_jobs",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    # Deliveries of its task that began reading the file: a worker that died reading it has
    # its task delivered again (acks_late), and the job fails rather than kill another worker.
    attempts = models.PositiveSmallIntegerField(default=0, editable=False)

    # The page lists this many bad rows; the command prints them all.
    ERRORS_SHOWN = 500

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_status_display()})"

    def is_running(self) -> bool:
        return self.status in (ImportJobStatus.CHECKING, ImportJobStatus.IMPORTING)

    def failure(self) -> str:
        """Why the job failed, in the active language (English for a job failed before the
        reasons were kept as messages)."""
        from recommendations.importers.messages import Message

        return Message.from_data(self.error_message).render() if self.error_message else self.error


class DataVersion(models.Model):
    """A token that changes after every committed write to the tracker's records: cached
    reads (the dashboard's counts) are keyed on it, so a write makes them stale at once."""

    token = models.CharField(max_length=32)

    def __str__(self) -> str:
        return self.token


# The UN calendar: UPR sessions and reviews, and what the grades of each scale mean. Loaded
# by data migrations with a source per row; calendar.py holds the rules that read them.


class UprSession(models.Model):
    """A session of the UPR Working Group: two weeks in Geneva, about fourteen reviews."""

    number = models.PositiveSmallIntegerField(_("number"), unique=True)
    first_day = models.DateField(_("first day"))
    last_day = models.DateField(_("last day"))
    cycle = models.PositiveSmallIntegerField(_("cycle"))
    estimated = models.BooleanField(
        _("estimated"),
        default=False,
        help_text=_("The dates follow the pattern of past sessions; OHCHR has not announced them."),
    )
    source = models.CharField(_("source"), max_length=500)
    # OHCHR announces each session's deadline for stakeholders' submissions (NGOs, national
    # institutions) some months ahead; until it does, there is none.
    stakeholder_deadline = models.DateField(
        _("stakeholder submissions due"),
        null=True,
        blank=True,
        help_text=_("The deadline OHCHR announced for stakeholders' written submissions."),
    )
    stakeholder_deadline_source = models.CharField(
        _("source of the stakeholder deadline"), max_length=500, blank=True
    )

    class Meta:
        ordering = ["number"]
        verbose_name = _("UPR session")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(stakeholder_deadline__isnull=True)
                | ~models.Q(stakeholder_deadline_source=""),
                name="upr_session_stakeholder_deadline_sourced",
            ),
        ]

    def __str__(self) -> str:
        return f"UPR {self.number} ({self.first_day}–{self.last_day})"


class UprReview(models.Model):
    """A state's review at a session of the UPR Working Group, one per cycle."""

    state = models.ForeignKey(
        State, on_delete=models.PROTECT, related_name="upr_reviews", verbose_name=_("state")
    )
    session = models.ForeignKey(
        UprSession, on_delete=models.PROTECT, related_name="reviews", verbose_name=_("session")
    )
    source = models.CharField(_("source"), max_length=500, blank=True)

    class Meta:
        ordering = ["state", "session__number"]
        verbose_name = _("UPR review")
        constraints = [
            models.UniqueConstraint(fields=["state", "session"], name="upr_review_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.state} — UPR {self.session.number}"

    @property
    def cycle(self) -> int:
        return self.session.cycle


class GradeMapping(models.Model):
    """What a grade of a scale means in the common vocabulary the status rule reads."""

    scale = models.CharField(_("scale"), max_length=32, choices=GradeScale.choices)
    raw_grade = models.CharField(_("grade"), max_length=64)
    meaning = models.CharField(_("meaning"), max_length=500, blank=True)
    implementation = models.CharField(
        _("implementation"), max_length=32, choices=Implementation.choices
    )
    source = models.CharField(_("source"), max_length=500)

    class Meta:
        ordering = ["scale", "raw_grade"]
        verbose_name = _("grade mapping")
        constraints = [
            models.UniqueConstraint(
                fields=["scale", "raw_grade"], name="grade_mapping_unique_grade"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_scale_display()}: {self.raw_grade} → {self.get_implementation_display()}"
