"""The API's filters, one FilterSet per resource.

A value that names nothing (`state=XXX`, `theme=no-such-theme`, `status=nonsense`) is a 400
naming the parameter, never an empty list: a typo must not look like "no recommendations".

One FilterSet per model, NetBox-style, shared filters in base classes. The recommendations
and targets lists share one vocabulary: RecommendationFilters describe the recommendation
(who issued it, its themes, its document), TargetFilters a target (its addressee, status,
latest response and assessment, due date): a recommendation matches when one of its
targets meets all the target parameters at once, so `state=CHN&status=rejected` means
"China rejected it", not "China is an addressee and somebody rejected it".
"""

from django import forms
from django.db.models import ManyToOneRel, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from django_filters.constants import EMPTY_VALUES
from django_filters.fields import BaseCSVField
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from campaigns.models import Campaign
from recommendations import selectors
from recommendations.choices import (
    BodyKind,
    DocumentKind,
    EventKind,
    GradeScale,
    Implementation,
    Position,
    TargetStatus,
)
from recommendations.models import (
    Assessment,
    Body,
    Document,
    Event,
    GradeMapping,
    Organization,
    Recommendation,
    Response,
    State,
    Target,
    Theme,
    validate_sdg_code,
)
from recommendations.status import not_overdue, overdue, status_in

ID_MAX = 2**63 - 1


class NaturalKeysCSVField(BaseCSVField):
    """Comma-separated natural keys (codes, acronyms, slugs), checked in one query.

    Cleans to the primary keys of the rows named, or fails naming the keys that match none.
    """

    def __init__(
        self, *, queryset, key_fields: tuple[str, ...], missing_message, normalize=None, **kwargs
    ):
        self.queryset = queryset
        self.key_fields = key_fields
        # One whole sentence per kind of row, with a %(missing)s placeholder: translators
        # order its words themselves (docs/i18n.md).
        self.missing_message = missing_message
        self.normalize = normalize
        super().__init__(**kwargs)

    def clean(self, value):
        keys = [key for key in super().clean(value) or [] if key not in self.empty_values]
        if not keys:
            return None
        if self.normalize:
            keys = [self.normalize(key) for key in keys]
        matches = Q()
        for key_field in self.key_fields:
            matches |= Q(**{f"{key_field}__in": keys})
        rows = list(self.queryset.filter(matches).values_list("pk", *self.key_fields))
        found = {str(key) for row in rows for key in row[1:]}
        missing = [str(key) for key in keys if str(key) not in found]
        if missing:
            raise forms.ValidationError(
                self.missing_message,
                code="invalid_choice",
                params={"missing": ", ".join(missing)},
            )
        return [row[0] for row in rows]


@extend_schema_field(OpenApiTypes.STR)
class NaturalKeysFilter(filters.BaseCSVFilter):
    """Rows whose `field_name` is one of the named rows.

    `many=True` for a many-to-many or reverse relation: matched through a subquery, so a
    row matching twice is still listed once.
    """

    base_field_class = NaturalKeysCSVField
    field_class = forms.CharField

    def __init__(self, *args, many: bool = False, **kwargs):
        self.many = many
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if not value:
            return qs
        if self.many:
            return qs.filter(pk__in=self.members(qs.model, value))
        return qs.filter(**{f"{self.field_name}__in": value})

    def members(self, model, value) -> QuerySet:
        """With `many`: the ids of the `model` rows related to those `value` names."""
        return _related_to(model, self.field_name, value)


def _related_to(model, field_name: str, ids) -> QuerySet:
    """The ids of the `model` rows whose `field_name` is one of `ids`. A many-to-many of the
    model's own, or a reverse foreign key, is read from the related table alone: a join to
    the model's table for every row linked made the filtered list's query twice as long at
    a million."""
    related = getattr(model, field_name, None)
    through = getattr(related, "through", None)
    if through is not None and through._meta.auto_created and not related.reverse:
        # The table Django made: a column per model, named after it (ManyToManyField.through).
        other = related.field.related_model
        if other is not model:
            return through.objects.filter(**{f"{other._meta.model_name}__in": ids}).values(
                model._meta.model_name
            )
    relation, _, rest = field_name.partition("__")
    reverse = model._meta.get_field(relation) if rest else None
    if isinstance(reverse, ManyToOneRel) and reverse.get_related_field().primary_key:
        # A reverse foreign key to the model's key (a campaign's links): its column is the id.
        return reverse.related_model.objects.filter(**{f"{rest}__in": ids}).values(
            reverse.field.name
        )
    return model.objects.filter(**{f"{field_name}__in": ids}).values("pk")


@extend_schema_field(OpenApiTypes.INT)
class IdsFilter(NaturalKeysFilter):
    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", ID_MAX)
        kwargs.setdefault("key_fields", ("pk",))
        super().__init__(*args, **kwargs)


class ChoicesFilter(filters.BaseInFilter, filters.ChoiceFilter):
    """One or more of the choices, comma-separated; anything else is a 400."""


class StrictBooleanField(forms.Field):
    """true or false; forms' NullBooleanField would quietly read a typo as "not given"."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if str(value).lower() in {"true", "1"}:
            return True
        if str(value).lower() in {"false", "0"}:
            return False
        raise forms.ValidationError(_("Enter true or false."), code="invalid")


class StrictBooleanFilter(filters.BooleanFilter):
    field_class = StrictBooleanField

    def __init__(self, *args, **kwargs):
        # DRF's BooleanWidget turns anything but true/false into "not given" before cleaning.
        kwargs.setdefault("widget", forms.TextInput)
        super().__init__(*args, **kwargs)


class SdgCodesCSVField(BaseCSVField, forms.CharField):
    """Comma-separated SDG codes (16, 16.10, 5.c); a code that is not one is a 400."""

    def clean(self, value):
        codes = [code.strip() for code in super().clean(value) or [] if code.strip()]
        for code in codes:
            validate_sdg_code(code)
        return codes or None


@extend_schema_field(OpenApiTypes.STR)
class SdgFilter(filters.Filter):
    """Recommendations tagged with one of the SDG codes; a goal ("16") also matches its
    targets ("16.10"). Through a subquery, so a recommendation is listed once."""

    field_class = SdgCodesCSVField

    def filter(self, qs, value):
        if not value:
            return qs
        matches = Q(sdgs__code__in=value)
        for code in value:
            if "." not in code:
                matches |= Q(sdgs__code__startswith=f"{code}.")
        return qs.filter(pk__in=qs.model.objects.filter(matches).values("pk"))


class RawGradesCSVField(BaseCSVField, forms.CharField):
    def clean(self, value):
        grades = [grade.strip() for grade in super().clean(value) or [] if grade.strip()]
        return grades or None


@extend_schema_field(OpenApiTypes.STR)
class RawGradesFilter(filters.Filter):
    """One or more grades as sources give them (B, B1), comma-separated, any case."""

    field_class = RawGradesCSVField

    def filter(self, qs, value):
        if not value:
            return qs
        matches = Q()
        for grade in value:
            matches |= Q(**{f"{self.field_name}__iexact": grade})
        return qs.filter(matches)


def states(**kwargs):
    return NaturalKeysFilter(
        queryset=State.objects.all(),
        key_fields=("code",),
        missing_message=_("No state with the code %(missing)s."),
        normalize=str.upper,
        **kwargs,
    )


def bodies(**kwargs):
    return NaturalKeysFilter(
        queryset=Body.objects.all(),
        key_fields=("acronym",),
        missing_message=_("No body with the acronym %(missing)s."),
        **kwargs,
    )


def ids(model, missing_message, **kwargs):
    return IdsFilter(queryset=model.objects.all(), missing_message=missing_message, **kwargs)


class RecommendationFilters(filters.FilterSet):
    """What a recommendation is: field names from Recommendation."""

    body = bodies(field_name="issued_by", help_text=_("Issuing body, by acronym (CAT, COI-DPRK)."))
    body_kind = ChoicesFilter(
        field_name="issued_by__kind", choices=BodyKind.choices, help_text=_("Issuing body's kind.")
    )
    theme = NaturalKeysFilter(
        field_name="themes",
        many=True,
        queryset=Theme.objects.all(),
        key_fields=("slug",),
        missing_message=_("No theme with the slug %(missing)s."),
        help_text=_("Theme slug (non-refoulement); several match any of them."),
    )
    recommending_state = states(
        field_name="recommending_states",
        many=True,
        help_text=_("UPR recommending state, by ISO 3166-1 alpha-3 code."),
    )
    organization = NaturalKeysFilter(
        field_name="organizations",
        many=True,
        queryset=Organization.objects.all(),
        key_fields=("acronym", "name"),
        missing_message=_("No organization with the acronym or name %(missing)s."),
        help_text=_("Issuing organisation, by acronym or name."),
    )
    # Public campaigns only: a private one names nothing here, for anybody.
    campaign = NaturalKeysFilter(
        field_name="campaign_links__campaign",
        many=True,
        queryset=Campaign.objects.filter(public=True),
        key_fields=("slug",),
        missing_message=_("No public campaign with the slug %(missing)s."),
        help_text=_("Recommendations a public campaign follows, by its slug."),
    )
    document = NaturalKeysFilter(
        field_name="document",
        queryset=Document.objects.exclude(symbol=""),
        key_fields=("symbol",),
        missing_message=_("No document with the symbol %(missing)s."),
        help_text=_("Document symbol (A/HRC/25/CRP.1)."),
    )
    sdg = SdgFilter(
        help_text=_(
            "Sustainable Development Goal or target code (16, 16.10); a goal also matches its "
            "targets; several match any of them."
        ),
    )
    issued_on_after = filters.DateFilter(
        field_name="issued_on", lookup_expr="gte", help_text=_("Issued on or after (YYYY-MM-DD).")
    )
    issued_on_before = filters.DateFilter(
        field_name="issued_on", lookup_expr="lte", help_text=_("Issued on or before (YYYY-MM-DD).")
    )
    q = filters.CharFilter(
        method="filter_search",
        help_text=_(
            "Full-text search of the text and of the themes, affected groups, bodies and "
            "states: stemmed, plurals, spellings and abbreviations folded, accents ignored, "
            'ranked; "a phrase", -word or NOT word, OR, a prefix*; Korean and Chinese terms '
            "searched in English (the Search-Terms header says how)."
        ),
    )

    class Meta:
        model = Recommendation
        fields: list[str] = []

    def filter_search(self, queryset, name, value):
        return selectors.recommendations_search(queryset, value)


class TargetFilters(filters.FilterSet):
    """What one target is: field names from Target. Status and overdue are the status
    rule's (status.status_in()), as it is on the day asked."""

    state = states(
        field_name="state", help_text=_("Addressed to this state (ISO code: CHN); several: any.")
    )
    addressee_body = bodies(field_name="body", help_text=_("Addressed to this body (UNHCR)."))
    status = ChoicesFilter(
        choices=TargetStatus.choices,
        method="filter_status",
        help_text=_("The status on the day asked, as the status rule derives it."),
    )
    position = ChoicesFilter(
        choices=Position.choices,
        method="filter_position",
        help_text=_("The latest response's position."),
    )
    implementation = ChoicesFilter(
        choices=Implementation.choices,
        method="filter_implementation",
        help_text=_("The latest assessment's implementation."),
    )
    latest_grade = RawGradesFilter(
        method="filter_latest_grade",
        help_text=_("The latest assessment's grade as its source gave it (B); several: any."),
    )
    response_due_after = filters.DateFilter(
        field_name="response_due", lookup_expr="gte", help_text=_("Response due on or after.")
    )
    response_due_before = filters.DateFilter(
        field_name="response_due", lookup_expr="lte", help_text=_("Response due on or before.")
    )
    overdue = StrictBooleanFilter(
        method="filter_overdue",
        help_text=_("true: the status is response_overdue; false: any other status."),
    )

    class Meta:
        model = Target
        fields: list[str] = []

    def filter_status(self, queryset, name, value):
        return queryset.filter(status_in(value, today=timezone.localdate()))

    def filter_position(self, queryset, name, value):
        return selectors.targets_with_latest_in(queryset, Response, "position", value)

    def filter_implementation(self, queryset, name, value):
        return selectors.targets_with_latest_in(queryset, Assessment, "implementation", value)

    def filter_latest_grade(self, queryset, name, value):
        alias = "filter_latest_raw_grade"
        queryset = queryset.alias(**{alias: selectors.latest_value(Assessment, "raw_grade")})
        matches = Q()
        for grade in value:
            matches |= Q(**{f"{alias}__iexact": grade})
        return queryset.filter(matches)

    def filter_overdue(self, queryset, name, value):
        today = timezone.localdate()
        return queryset.filter(overdue(today=today) if value else not_overdue(today=today))


class RecommendationsAndTargetsFilterSet(RecommendationFilters, TargetFilters):
    """One vocabulary for the recommendations and the targets lists: each filter applies to
    the model whose FilterSet declares it. A recommendation matches when it meets the
    RecommendationFilters and one of its targets meets every other filter (TargetFilters and
    the list's own); a target, when it meets those and its recommendation matches."""

    def _given(self, names) -> list[str]:
        return [name for name in names if self.form.cleaned_data.get(name) not in EMPTY_VALUES]

    def _apply(self, queryset: QuerySet, names) -> QuerySet:
        for name in names:
            queryset = self.filters[name].filter(queryset, self.form.cleaned_data.get(name))
        return queryset

    def recommendation_filter_names(self) -> list[str]:
        return self._given(RecommendationFilters.base_filters)

    def target_filter_names(self) -> list[str]:
        others = set(self.filters) - set(RecommendationFilters.base_filters) - {"ordering"}
        return self._given(sorted(others))

    def matching_recommendations(self, recommendations: QuerySet) -> QuerySet:
        names, target_filters = self.recommendation_filter_names(), self.target_filter_names()
        if not target_filters:
            return self._apply(recommendations, names)
        # A theme, a recommending state...: given to the selector as sets of ids, which it
        # reads by the ids the targets leave when they are few.
        memberships = [name for name in names if getattr(self.filters[name], "many", False)]
        return selectors.recommendations_with_a_target_in(
            self._apply(recommendations, [name for name in names if name not in memberships]),
            self._apply(Target.objects.all(), target_filters),
            members_of=[
                self.filters[name].members(recommendations.model, self.form.cleaned_data[name])
                for name in memberships
            ],
        )

    def matching_targets(self, targets: QuerySet) -> QuerySet:
        """The targets that meet the target parameters, of recommendations that match."""
        targets = self._apply(targets, self.target_filter_names())
        if self.recommendation_filter_names():
            targets = targets.filter(
                recommendation__in=self.matching_recommendations(Recommendation.objects.all())
            )
        return targets

    def _ordered(self, queryset: QuerySet) -> QuerySet:
        if self.form.cleaned_data.get("ordering"):
            return self.filters["ordering"].filter(queryset, self.form.cleaned_data["ordering"])
        return queryset


class RecommendationFilterSet(RecommendationsAndTargetsFilterSet):
    ordering = filters.OrderingFilter(
        fields=(
            ("issued_on", "issued_on"),
            ("id", "id"),
            ("document__symbol", "document"),
            ("paragraph", "paragraph"),
        ),
        help_text=_("Sort order; '-' for descending. Default: newest first, or best match with q."),
    )

    class Meta:
        model = Recommendation
        fields: list[str] = []

    def filter_queryset(self, queryset):
        queryset = self.matching_recommendations(queryset)
        if not self.form.cleaned_data.get("ordering") and (
            "search_rank" in queryset.query.annotations
        ):
            return queryset.order_by(selectors.RANKED, *Recommendation._meta.ordering)
        return self._ordered(queryset)


class TargetFilterSet(RecommendationsAndTargetsFilterSet):
    """The recommendations' parameters, matching targets instead, and `recommendation` (id)."""

    recommendation = ids(
        Recommendation, _("No recommendation with the pk %(missing)s."), field_name="recommendation"
    )
    ordering = filters.OrderingFilter(
        fields=(
            ("id", "id"),
            ("response_due", "response_due"),
            ("follow_up_due", "follow_up_due"),
            ("status", "status"),
            ("recommendation__issued_on", "issued_on"),
        ),
        help_text=_("Sort order; '-' for descending. Default: by recommendation, then id."),
    )

    class Meta:
        model = Target
        fields: list[str] = []

    def filter_queryset(self, queryset):
        return self._ordered(self.matching_targets(queryset))


class DocumentFilterSet(filters.FilterSet):
    symbol = filters.CharFilter(help_text=_("Exact symbol (A/HRC/25/CRP.1)."))
    kind = ChoicesFilter(choices=DocumentKind.choices)
    body = bodies(field_name="body", help_text=_("Authoring body, by acronym."))
    organization = NaturalKeysFilter(
        field_name="organizations",
        many=True,
        queryset=Organization.objects.all(),
        key_fields=("acronym", "name"),
        missing_message=_("No organization with the acronym or name %(missing)s."),
        help_text=_("Authoring or signing organisation, by acronym or name."),
    )
    date_after = filters.DateFilter(field_name="date", lookup_expr="gte")
    date_before = filters.DateFilter(field_name="date", lookup_expr="lte")

    class Meta:
        model = Document
        fields: list[str] = []


class BodyFilterSet(filters.FilterSet):
    kind = ChoicesFilter(choices=BodyKind.choices)
    parent = bodies(field_name="parent", help_text=_("Parent body, by acronym."))

    class Meta:
        model = Body
        fields: list[str] = []


class StateFilterSet(filters.FilterSet):
    name = filters.CharFilter(lookup_expr="icontains", help_text=_("Part of the name."))

    class Meta:
        model = State
        fields: list[str] = []


class ThemeFilterSet(filters.FilterSet):
    name = filters.CharFilter(lookup_expr="icontains", help_text=_("Part of the name."))
    uhri_code = filters.CharFilter(help_text=_("Universal Human Rights Index code."))

    class Meta:
        model = Theme
        fields: list[str] = []


class OrganizationFilterSet(filters.FilterSet):
    acronym = filters.CharFilter()
    country = states(field_name="country", help_text=_("Country, by ISO code."))

    class Meta:
        model = Organization
        fields: list[str] = []


class TargetRowFilterSet(filters.FilterSet):
    """Filters on the target a row (a response, an assessment) is about."""

    target = ids(Target, _("No target with the pk %(missing)s."), field_name="target")
    recommendation = ids(
        Recommendation,
        _("No recommendation with the pk %(missing)s."),
        field_name="target__recommendation",
    )


class ResponseFilterSet(TargetRowFilterSet):
    state = states(field_name="target__state", help_text=_("The responding state, by ISO code."))
    position = ChoicesFilter(choices=Position.choices)
    date_after = filters.DateFilter(field_name="date", lookup_expr="gte")
    date_before = filters.DateFilter(field_name="date", lookup_expr="lte")
    answered_late = StrictBooleanFilter(
        method="filter_answered_late",
        help_text=_(
            "true: given after the target's response due date; false: in time or none was due."
        ),
    )

    class Meta:
        model = Response
        fields: list[str] = []

    def filter_answered_late(self, queryset, name, value):
        if value:
            return selectors.responses_answered_late(queryset)
        return selectors.responses_answered_in_time(queryset)


class AssessmentFilterSet(TargetRowFilterSet):
    state = states(field_name="target__state", help_text=_("The assessed state, by ISO code."))
    implementation = ChoicesFilter(choices=Implementation.choices)
    scale = ChoicesFilter(choices=GradeScale.choices, help_text=_("The scale graded on."))
    raw_grade = RawGradesFilter(
        field_name="raw_grade",
        help_text=_("The grade as the source gave it (B), any case; several: any."),
    )
    assessed_on_after = filters.DateFilter(field_name="assessed_on", lookup_expr="gte")
    assessed_on_before = filters.DateFilter(field_name="assessed_on", lookup_expr="lte")

    class Meta:
        model = Assessment
        fields: list[str] = []


class EventFilterSet(filters.FilterSet):
    kind = ChoicesFilter(choices=EventKind.choices)
    state = states(field_name="states", many=True, help_text=_("A state it concerns, by ISO code."))
    body = bodies(field_name="bodies", many=True, help_text=_("A body it concerns, by acronym."))
    date_after = filters.DateFilter(field_name="date", lookup_expr="gte")
    date_before = filters.DateFilter(field_name="date", lookup_expr="lte")
    estimated = StrictBooleanFilter(
        help_text=_("true: dates OHCHR has not announced yet; false: announced dates.")
    )

    class Meta:
        model = Event
        fields: list[str] = []


class GradeMappingFilterSet(filters.FilterSet):
    scale = ChoicesFilter(choices=GradeScale.choices)
    implementation = ChoicesFilter(choices=Implementation.choices)

    class Meta:
        model = GradeMapping
        fields: list[str] = []
