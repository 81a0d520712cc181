"""Shapes of the API. Related rows are named by their natural keys where they have one
(state codes, body acronyms, theme slugs, organisation names, usernames), by id otherwise.

Serializers only parse and format: writes go through the services (see views.py), which run
the model's validation and keep statuses current.
"""

from django.contrib.auth import get_user_model
from django.core.validators import RegexValidator
from django.db import models
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import PolymorphicProxySerializer, extend_schema_field
from rest_framework import serializers
from rest_framework.fields import empty
from rest_framework.relations import MANY_RELATION_KWARGS
from rest_framework.reverse import reverse

from recommendations import visibility
from recommendations.choices import (
    DeadlineRule,
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
    SustainableDevelopmentGoal,
    Target,
    Theme,
    UprSession,
)
from recommendations.selectors import StatusChange, status_summary

User = get_user_model()

SET_ON_CREATION = _("Set on creation; cannot change.")

# Dates and times as DRF's fields write them (the settings' formats, the current time zone),
# for the representations built directly from the rows below.
DATE = serializers.DateField()
DATETIME = serializers.DateTimeField()


# DRF converts what it is given: 5 becomes the string "5", 2.9 the id 2, {"a": 1} an empty
# list of related rows, "" a null relation. The fields below take only what the schema
# says, so that a client's mistake is a 400 naming the field, not a different write.


class StringOnlyMixin:
    """A string field that refuses numbers rather than writing them as text."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class StringField(StringOnlyMixin, serializers.CharField):
    pass


class SlugStringField(StringOnlyMixin, serializers.SlugField):
    pass


class URLStringField(StringOnlyMixin, serializers.URLField):
    pass


class RelatedRows(serializers.ManyRelatedField):
    """Several related rows: a JSON array, not any iterable (an object's keys)."""

    def to_internal_value(self, data):
        if not isinstance(data, list):
            self.fail("not_a_list", input_type=type(data).__name__)
        return super().to_internal_value(data)


class StrictRelatedMixin:
    """A related row named by a value of one JSON type; null, where allowed, is the only
    way to name none (DRF would take "" for null)."""

    key_type: type = str

    def run_validation(self, data=empty):
        if data == "":
            self.fail("empty")
        return super().run_validation(data)

    def to_internal_value(self, data):
        if not isinstance(data, self.key_type) or isinstance(data, bool):
            self.fail("incorrect_type", data_type=type(data).__name__)
        return super().to_internal_value(data)

    @classmethod
    def many_init(cls, *args, **kwargs):
        related_rows = {key: kwargs[key] for key in kwargs if key in MANY_RELATION_KWARGS}
        return RelatedRows(child_relation=cls(*args, **kwargs), **related_rows)


class IdField(StrictRelatedMixin, serializers.PrimaryKeyRelatedField):
    """A related row by its id: a JSON integer. Not 2.9, which the database would read as
    2, nor "2" or true."""

    key_type = int
    default_error_messages = {
        **serializers.PrimaryKeyRelatedField.default_error_messages,
        "incorrect_type": _("Expected an integer id, received {data_type}."),
        "empty": _("An empty string names nothing."),
    }


class NaturalKeyField(StrictRelatedMixin, serializers.SlugRelatedField):
    """A related row by its natural key, a string; NUL characters are refused before the
    database."""

    default_error_messages = {
        **serializers.SlugRelatedField.default_error_messages,
        "incorrect_type": _("Expected a string, received {data_type}."),
        "empty": _("An empty string names nothing."),
        "null_characters": _("Null characters are not allowed."),
    }

    def to_internal_value(self, data):
        if isinstance(data, str) and "\x00" in data:
            self.fail("null_characters")
        return super().to_internal_value(data)


# The base of every model serializer here: the fields it generates take only what the schema
# says. (A comment, not a docstring: the schema would show a docstring as the description of
# every serializer that has none of its own.)
# Who reads the answer, and the private documents, read once per answer: the context is
# shared by every serializer of one answer. (A comment, not a docstring: the schema would
# describe every serializer with it.)
class ReaderMixin:
    def reader(self):
        request = self.context.get("request")
        return request.user if request else None

    def private_documents(self) -> visibility.PrivateDocuments:
        if "private_documents" not in self.context:
            self.context["private_documents"] = visibility.private_documents()
        return self.context["private_documents"]

    def shown(self, instance):
        """`instance` as the reader may see it (visibility.redacted)."""
        return visibility.redacted([instance], self.reader(), self.private_documents())[0]


class TrackerModelSerializer(ReaderMixin, serializers.ModelSerializer):
    serializer_related_field = IdField
    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.CharField: StringField,
        models.TextField: StringField,
        models.SlugField: SlugStringField,
        models.URLField: URLStringField,
    }

    # What the reader may see (recommendations/visibility.py): for anyone but staff, no
    # staff-only field (never even read: the public's querysets do not fetch them), and
    # references to private rows empty.
    @property
    def _readable_fields(self):
        hidden = (
            ()
            if visibility.sees_private(self.reader())
            else visibility.staff_only_fields(self.Meta.model)
        )
        for field in super()._readable_fields:
            if field.field_name not in hidden:
                yield field

    def to_representation(self, instance):
        return self.withhold(instance, super().to_representation(instance))

    def withhold(self, instance, data: dict) -> dict:
        """`data`, the representation of `instance`, with what the reader may not see empty."""
        if visibility.sees_private(self.reader()):
            return data
        # The private documents are read only for rows that may name one.
        private = (
            self.private_documents() if visibility.references_documents(type(instance)) else None
        )
        for field, blank in visibility.withheld(instance, self.reader(), private).items():
            if field in data:
                data[field] = blank
        return data


class CreateOnlyFieldsMixin:
    """Fields in `create_only_fields` are read-only once the object exists.

    Moving a response to another target would leave the first target's status stale.
    """

    create_only_fields: tuple[str, ...] = ()

    def get_fields(self):
        fields = super().get_fields()
        if self.instance is not None:
            for name in self.create_only_fields:
                fields[name].read_only = True
        return fields


def natural_key(model, slug_field: str, **kwargs) -> NaturalKeyField:
    return NaturalKeyField(slug_field=slug_field, queryset=model.objects.all(), **kwargs)


def identity_url(context: dict, view_name: str, pk) -> str:
    """An object's URL by its id, reversed once per answer and view rather than once per
    object: a page of fifty recommendations links some two hundred rows. The context is the
    outermost serializer's, shared by every nested one."""
    templates = context.setdefault("identity_link_templates", {})
    if view_name not in templates:
        url = reverse(
            view_name, kwargs={"pk": IdentityLink.PLACEHOLDER}, request=context.get("request")
        )
        templates[view_name] = url.split(str(IdentityLink.PLACEHOLDER))
    before, after = templates[view_name]
    return f"{before}{pk}{after}"


class IdentityLink(serializers.HyperlinkedIdentityField):
    """An object's URL by its id (identity_url)."""

    PLACEHOLDER = 987654321987654321

    def get_url(self, obj, view_name, request, format):
        if obj.pk is None or format:
            return super().get_url(obj, view_name, request, format)
        return identity_url(self.context, view_name, obj.pk)


def staff_users():
    return User.objects.filter(is_staff=True)


class StateSerializer(TrackerModelSerializer):
    api_url = serializers.HyperlinkedIdentityField(
        view_name="api:state-detail", lookup_field="code"
    )
    code = StringField(
        max_length=3,
        validators=[
            RegexValidator(r"^[A-Z]{3}$", _("An ISO 3166-1 alpha-3 code: three capital letters."))
        ],
    )
    other_names = serializers.ListField(
        child=StringField(max_length=255),
        required=False,
        help_text=_("Other names the state goes by, such as UN short names."),
    )

    class Meta:
        model = State
        fields = ["code", "api_url", "name", "official_name", "other_names"]


class BodySerializer(TrackerModelSerializer):
    api_url = serializers.HyperlinkedIdentityField(
        view_name="api:body-detail", lookup_field="acronym"
    )
    parent = natural_key(Body, "acronym", allow_null=True, required=False)

    class Meta:
        model = Body
        fields = ["acronym", "api_url", "name", "kind", "parent"]


class ThemeSerializer(TrackerModelSerializer):
    api_url = serializers.HyperlinkedIdentityField(
        view_name="api:theme-detail", lookup_field="slug"
    )

    class Meta:
        model = Theme
        fields = ["slug", "api_url", "name", "uhri_code"]


class OrganizationSerializer(TrackerModelSerializer):
    api_url = IdentityLink(view_name="api:organization-detail")
    country = natural_key(State, "code", allow_null=True, required=False)

    class Meta:
        model = Organization
        fields = ["id", "api_url", "name", "acronym", "country", "contact_name", "contact_email"]


class DocumentSerializer(TrackerModelSerializer):
    api_url = IdentityLink(view_name="api:document-detail")
    body = natural_key(Body, "acronym", allow_null=True, required=False)
    state = natural_key(State, "code", allow_null=True, required=False)
    organizations = natural_key(Organization, "name", many=True, required=False)
    follow_up_paragraphs = serializers.ListField(
        child=StringField(max_length=50),
        required=False,
        help_text=_(
            "Concluding observations: the paragraphs the committee asks follow-up "
            'information on, e.g. ["12", "18", "36"].'
        ),
    )

    class Meta:
        model = Document
        fields = [
            "id",
            "api_url",
            "symbol",
            "title",
            "kind",
            "body",
            "state",
            "organizations",
            "date",
            "url",
            "response_by",
            "response_within_days",
            "follow_up_paragraphs",
            "follow_up_within_months",
            "follow_up_by",
            "public",
        ]


class DocumentSummarySerializer(TrackerModelSerializer):
    api_url = IdentityLink(view_name="api:document-detail")

    class Meta:
        model = Document
        fields = ["id", "api_url", "symbol", "title", "kind", "date", "url"]


class LatestResponseSerializer(serializers.Serializer):
    position = serializers.ChoiceField(choices=Position.choices)
    date = serializers.DateField()
    document = serializers.CharField(allow_null=True, help_text=_("The document's symbol."))


class LatestAssessmentSerializer(serializers.Serializer):
    implementation = serializers.ChoiceField(choices=Implementation.choices)
    assessed_on = serializers.DateField()


class TargetSerializer(CreateOnlyFieldsMixin, TrackerModelSerializer):
    """One addressee of a recommendation, a state or a body, with its status."""

    api_url = IdentityLink(view_name="api:target-detail")
    recommendation = IdField(queryset=Recommendation.objects.all(), help_text=SET_ON_CREATION)
    state = natural_key(
        State, "code", allow_null=True, required=False, help_text=_("Addressee state (ISO code).")
    )
    body = natural_key(
        Body, "acronym", allow_null=True, required=False, help_text=_("Addressee body (acronym).")
    )
    status = serializers.ChoiceField(
        choices=TargetStatus.choices,
        source="current_status",
        read_only=True,
        help_text=_("Derived by the status rule, as it is today."),
    )
    addressee_type = serializers.SerializerMethodField()
    addressee = serializers.SerializerMethodField()
    addressee_name = serializers.SerializerMethodField()
    response_due_rule = serializers.ChoiceField(
        choices=DeadlineRule.choices,
        allow_blank=True,
        read_only=True,
        help_text=_("The rule that set the response due date; editor: set by hand; empty: none."),
    )
    follow_up_due_rule = serializers.ChoiceField(
        choices=DeadlineRule.choices,
        allow_blank=True,
        read_only=True,
        help_text=_("The rule that set the follow-up due date; editor: set by hand; empty: none."),
    )
    latest_response = serializers.SerializerMethodField()
    latest_assessment = serializers.SerializerMethodField()

    create_only_fields = ("recommendation",)

    class Meta:
        model = Target
        fields = [
            "id",
            "api_url",
            "recommendation",
            "state",
            "body",
            "addressee_type",
            "addressee",
            "addressee_name",
            "status",
            "response_due",
            "response_due_rule",
            "response_due_overridden",
            "follow_up_due",
            "follow_up_due_rule",
            "follow_up_due_overridden",
            "latest_response",
            "latest_assessment",
        ]
        # The model's own validation (run by the service) checks the addressee and the
        # unique constraints; DRF's would demand a state even of a target addressed to a body.
        validators: list = []
        extra_kwargs = {
            "response_due_overridden": {
                "help_text": _(
                    "True when an editor set the response due date; false hands it back to "
                    "the rule."
                )
            },
            "follow_up_due_overridden": {
                "help_text": _(
                    "True when an editor set the follow-up due date; false hands it back to "
                    "the rule."
                )
            },
        }

    # A page of recommendations shows hundreds of targets: each is built directly, in
    # Meta.fields' order, rather than field by field through DRF's fields, which took most of
    # the list's time. tests/api/test_representation.py holds both ways to the same JSON.
    def to_representation(self, target: Target) -> dict:
        return {
            "id": target.pk,
            "api_url": identity_url(self.context, "api:target-detail", target.pk),
            "recommendation": target.recommendation_id,
            "state": target.state.code if target.state_id else None,
            "body": target.body.acronym if target.body_id else None,
            "addressee_type": self.get_addressee_type(target),
            "addressee": self.get_addressee(target),
            "addressee_name": self.get_addressee_name(target),
            "status": str(target.current_status()),
            "response_due": DATE.to_representation(target.response_due),
            "response_due_rule": target.response_due_rule,
            "response_due_overridden": target.response_due_overridden,
            "follow_up_due": DATE.to_representation(target.follow_up_due),
            "follow_up_due_rule": target.follow_up_due_rule,
            "follow_up_due_overridden": target.follow_up_due_overridden,
            "latest_response": self.get_latest_response(target),
            "latest_assessment": self.get_latest_assessment(target),
        }

    @extend_schema_field({"type": "string", "enum": ["state", "body"]})
    def get_addressee_type(self, target: Target) -> str:
        return "state" if target.state_id else "body"

    def get_addressee(self, target: Target) -> str:
        return target.state.code if target.state_id else target.body.acronym

    def get_addressee_name(self, target: Target) -> str:
        """In the request's language: ISO 3166's names for states (pycountry's catalogues),
        the names kept on the body for bodies; English where there is none."""
        addressee = target.state if target.state_id else target.body
        return addressee.localized_name()

    @extend_schema_field(LatestResponseSerializer(allow_null=True))
    def get_latest_response(self, target: Target) -> dict | None:
        if target.latest_position is None:
            return None
        reader = self.reader()
        # Staff see every symbol: the private documents are not even read for them.
        private = None if visibility.sees_private(reader) else self.private_documents()
        return {
            "position": target.latest_position,
            "date": target.latest_response_date,
            "document": visibility.shown_symbol(target.latest_response_document, reader, private),
        }

    @extend_schema_field(LatestAssessmentSerializer(allow_null=True))
    def get_latest_assessment(self, target: Target) -> dict | None:
        if target.latest_implementation is None:
            return None
        return {
            "implementation": target.latest_implementation,
            "assessed_on": target.latest_assessed_on,
        }


class UserSummarySerializer(TrackerModelSerializer):
    class Meta:
        model = User
        fields = ["username", "email"]


def _user_summary(user) -> dict:
    """A user as UserSummarySerializer shows one."""
    return {"username": user.username, "email": user.email}


STATUS_SUMMARY_SCHEMA = {
    "type": "object",
    "description": "How many of its targets have each status.",
    "additionalProperties": {"type": "integer"},
    "example": {"rejected": 1, "awaiting_response": 2},
}


class RecommendationSerializer(TrackerModelSerializer):
    """A recommendation, verbatim, with every addressee's status."""

    api_url = IdentityLink(view_name="api:recommendation-detail")
    status_url = IdentityLink(view_name="api:recommendation-status")
    document = DocumentSummarySerializer(allow_null=True, read_only=True)
    issued_by = serializers.SlugRelatedField(slug_field="acronym", read_only=True, allow_null=True)
    recommending_states = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    organizations = serializers.SlugRelatedField(slug_field="name", many=True, read_only=True)
    themes = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    sdgs = serializers.ListField(
        child=serializers.CharField(),
        source="sdg_codes",
        read_only=True,
        help_text=_("Sustainable Development Goals and targets, by code (16, 16.10)."),
    )
    targets = TargetSerializer(many=True, read_only=True, source="listed_targets")
    status_summary = serializers.SerializerMethodField()
    search_excerpt = serializers.SerializerMethodField(
        help_text=_(
            "With q: where the text matched, as HTML (the text escaped, the matches in "
            "<mark> tags); null without q."
        )
    )
    owner = UserSummarySerializer(allow_null=True, read_only=True, help_text=_("Staff only."))
    watchers = UserSummarySerializer(many=True, read_only=True, help_text=_("Staff only."))

    class Meta:
        model = Recommendation
        fields = [
            "id",
            "api_url",
            "status_url",
            "text",
            "search_excerpt",
            "document",
            "paragraph",
            "issued_by",
            "recommending_states",
            "organizations",
            "themes",
            "sdgs",
            "issued_on",
            "reiterates",
            "targets",
            "status_summary",
            "owner",
            "watchers",
            "internal_note",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(STATUS_SUMMARY_SCHEMA)
    def get_status_summary(self, recommendation: Recommendation) -> dict[str, int]:
        return status_summary(recommendation.listed_targets)

    @cached_property
    def target_shape(self) -> TargetSerializer:
        return TargetSerializer(context=self.context)

    # Built directly from the prefetched rows, in Meta.fields' order, as TargetSerializer
    # is (see there); staff-only fields left out and private references withheld as
    # TrackerModelSerializer does.
    def to_representation(self, recommendation: Recommendation) -> dict:
        document = recommendation.document
        targets = recommendation.listed_targets
        data = {
            "id": recommendation.pk,
            "api_url": identity_url(self.context, "api:recommendation-detail", recommendation.pk),
            "status_url": identity_url(
                self.context, "api:recommendation-status", recommendation.pk
            ),
            "text": recommendation.text,
            "search_excerpt": self.get_search_excerpt(recommendation),
            "document": None
            if document is None
            else {
                "id": document.pk,
                "api_url": identity_url(self.context, "api:document-detail", document.pk),
                "symbol": document.symbol,
                "title": document.title,
                "kind": document.kind,
                "date": DATE.to_representation(document.date),
                "url": document.url,
            },
            "paragraph": recommendation.paragraph,
            "issued_by": recommendation.issued_by.acronym if recommendation.issued_by_id else None,
            "recommending_states": recommendation.recommending_state_codes,
            "organizations": recommendation.organization_names,
            "themes": recommendation.theme_slugs,
            "sdgs": None
            if recommendation.sdg_codes is None
            else [str(code) for code in recommendation.sdg_codes],
            "issued_on": DATE.to_representation(recommendation.issued_on),
            "reiterates": recommendation.reiterates_id,
            "targets": [self.target_shape.to_representation(target) for target in targets],
            "status_summary": status_summary(targets),
        }
        if visibility.sees_private(self.reader()):
            owner = recommendation.owner
            data["owner"] = None if owner is None else _user_summary(owner)
            data["watchers"] = [_user_summary(user) for user in recommendation.watchers.all()]
            data["internal_note"] = recommendation.internal_note
        data["created_at"] = DATETIME.to_representation(recommendation.created_at)
        data["updated_at"] = DATETIME.to_representation(recommendation.updated_at)
        return self.withhold(recommendation, data)

    def get_search_excerpt(self, recommendation: Recommendation) -> str | None:
        return getattr(recommendation, "search_excerpt", None)


class RecommendationWriteSerializer(TrackerModelSerializer):
    """A recommendation as written: related rows by natural key, the document by id."""

    issued_by = natural_key(
        Body, "acronym", allow_null=True, required=False, help_text=_("Issuing body (acronym).")
    )
    recommending_states = natural_key(
        State, "code", many=True, required=False, help_text=_("UPR recommending states (codes).")
    )
    organizations = natural_key(
        Organization, "name", many=True, required=False, help_text=_("Issuing organisations.")
    )
    themes = natural_key(Theme, "slug", many=True, required=False)
    sdgs = natural_key(
        SustainableDevelopmentGoal,
        "code",
        many=True,
        required=False,
        help_text=_("Sustainable Development Goals and targets, by code (16, 16.10)."),
    )
    owner = NaturalKeyField(
        slug_field="username", queryset=staff_users(), allow_null=True, required=False
    )
    watchers = NaturalKeyField(
        slug_field="username", queryset=staff_users(), many=True, required=False
    )

    class Meta:
        model = Recommendation
        fields = [
            "text",
            "document",
            "paragraph",
            "issued_by",
            "recommending_states",
            "organizations",
            "themes",
            "sdgs",
            "issued_on",
            "reiterates",
            "owner",
            "watchers",
            "internal_note",
        ]


class ResponseSerializer(CreateOnlyFieldsMixin, TrackerModelSerializer):
    api_url = IdentityLink(view_name="api:response-detail")
    target = IdField(queryset=Target.objects.all(), help_text=SET_ON_CREATION)

    late_by_days = serializers.IntegerField(
        source="days_late",
        read_only=True,
        allow_null=True,
        help_text=_(
            "Days after the target's response due date it came; null when in time or "
            "nothing was due."
        ),
    )

    create_only_fields = ("target",)

    class Meta:
        model = Response
        fields = [
            "id",
            "api_url",
            "target",
            "position",
            "date",
            "late_by_days",
            "text",
            "document",
            "paragraph",
        ]


class AssessmentSerializer(CreateOnlyFieldsMixin, TrackerModelSerializer):
    api_url = IdentityLink(view_name="api:assessment-detail")
    target = IdField(queryset=Target.objects.all(), help_text=SET_ON_CREATION)
    author = serializers.SlugRelatedField(
        slug_field="username",
        read_only=True,
        allow_null=True,
        help_text=_("Who recorded it (the writer, set by the server). Staff only."),
    )

    create_only_fields = ("target",)

    class Meta:
        model = Assessment
        fields = [
            "id",
            "api_url",
            "target",
            "implementation",
            "scale",
            "raw_grade",
            "assessed_on",
            "summary",
            "source_document",
            "source_url",
            "source_public",
            "author",
        ]
        extra_kwargs = {
            "implementation": {
                "required": False,
                "help_text": _(
                    "The common level. Optional with a grade: the grade's mapping sets it."
                ),
            },
            "scale": {"help_text": _("The scale the source graded on; give it with raw_grade.")},
            "raw_grade": {
                "help_text": _(
                    "The grade as the source gives it ('B'); must be a grade of the scale."
                )
            },
        }

    def validate(self, attrs):
        if self.instance is None and not attrs.get("implementation") and not attrs.get("raw_grade"):
            raise serializers.ValidationError(
                {"implementation": [_("Give the implementation, or a scale and a grade.")]}
            )
        return attrs


class UprSessionSerializer(TrackerModelSerializer):
    api_url = serializers.HyperlinkedIdentityField(
        view_name="api:upr-session-detail", lookup_field="number"
    )

    class Meta:
        model = UprSession
        fields = [
            "number",
            "api_url",
            "first_day",
            "last_day",
            "cycle",
            "estimated",
            "source",
            "stakeholder_deadline",
            "stakeholder_deadline_source",
        ]


class EventSerializer(TrackerModelSerializer):
    api_url = IdentityLink(view_name="api:event-detail")
    states = serializers.SlugRelatedField(
        slug_field="code", many=True, read_only=True, help_text=_("ISO 3166-1 alpha-3 codes.")
    )
    bodies = serializers.SlugRelatedField(
        slug_field="acronym", many=True, read_only=True, help_text=_("The bodies' acronyms.")
    )
    upr_session = serializers.SlugRelatedField(
        slug_field="number",
        read_only=True,
        allow_null=True,
        help_text=_("The UPR session it was computed from, by number."),
    )

    class Meta:
        model = Event
        fields = [
            "id",
            "api_url",
            "name",
            "kind",
            "date",
            "estimated",
            "states",
            "bodies",
            "upr_session",
        ]


class GradeMappingSerializer(TrackerModelSerializer):
    api_url = IdentityLink(view_name="api:grade-mapping-detail")

    class Meta:
        model = GradeMapping
        fields = ["id", "api_url", "scale", "raw_grade", "meaning", "implementation", "source"]


class ResponseEventSerializer(TrackerModelSerializer):
    kind = serializers.SerializerMethodField()
    api_url = IdentityLink(view_name="api:response-detail")
    document = serializers.SlugRelatedField(
        slug_field="symbol", read_only=True, allow_null=True, help_text=_("The document's symbol.")
    )

    class Meta:
        model = Response
        fields = ["kind", "date", "id", "api_url", "position", "text", "document", "paragraph"]

    @extend_schema_field({"type": "string", "enum": ["response"]})
    def get_kind(self, response) -> str:
        return "response"


class AssessmentEventSerializer(TrackerModelSerializer):
    kind = serializers.SerializerMethodField()
    date = serializers.DateField(source="assessed_on")
    api_url = IdentityLink(view_name="api:assessment-detail")
    source_document = serializers.SlugRelatedField(
        slug_field="symbol", read_only=True, allow_null=True, help_text=_("The evidence's symbol.")
    )

    class Meta:
        model = Assessment
        fields = [
            "kind",
            "date",
            "id",
            "api_url",
            "implementation",
            "summary",
            "source_document",
            "source_url",
        ]

    @extend_schema_field({"type": "string", "enum": ["assessment"]})
    def get_kind(self, assessment) -> str:
        return "assessment"


class StatusChangeEventSerializer(serializers.Serializer):
    kind = serializers.SerializerMethodField()
    date = serializers.DateField(
        help_text=_(
            "The day it happened in the world: the response's or assessment's date, or the "
            "day after an unanswered due date."
        )
    )
    status = serializers.ChoiceField(choices=TargetStatus.choices)
    previous_status = serializers.ChoiceField(
        choices=TargetStatus.choices,
        allow_null=True,
        help_text=_("Null for the status the target was created with."),
    )
    recorded_at = serializers.DateTimeField(
        allow_null=True,
        help_text=_("When the tracker stored this status; null when it never stored it as such."),
    )

    @extend_schema_field({"type": "string", "enum": ["status_change"]})
    def get_kind(self, change) -> str:
        return "status_change"


EVENT_SERIALIZERS = {
    Response: ResponseEventSerializer,
    Assessment: AssessmentEventSerializer,
    StatusChange: StatusChangeEventSerializer,
}


@extend_schema_field(
    PolymorphicProxySerializer(
        component_name="TimelineEvent",
        serializers={
            "response": ResponseEventSerializer,
            "assessment": AssessmentEventSerializer,
            "status_change": StatusChangeEventSerializer,
        },
        resource_type_field_name="kind",
        many=True,
    )
)
class TimelineField(serializers.Field):
    """Responses, assessments and recorded status changes, in date order."""

    def __init__(self, **kwargs):
        super().__init__(read_only=True, **kwargs)

    def to_representation(self, events):
        return timeline_representation(events, self.context)


def timeline_representation(events, context: dict) -> list[dict]:
    """The events as their serializers show them: one serializer per kind of event and
    answer, whose fields DRF builds once, rather than one per event."""
    shapes = context.setdefault("timeline_event_shapes", {})
    answer = []
    for event in events:
        kind = type(event)
        if kind not in shapes:
            shapes[kind] = EVENT_SERIALIZERS[kind](context=context)
        answer.append(shapes[kind].to_representation(event))
    return answer


class TargetTimelineSerializer(TargetSerializer):
    timeline = TimelineField()

    class Meta(TargetSerializer.Meta):
        fields = [*TargetSerializer.Meta.fields, "timeline"]

    def to_representation(self, target: Target) -> dict:
        return {
            **super().to_representation(target),
            "timeline": timeline_representation(target.timeline, self.context),
        }


class RecommendationStatusSerializer(serializers.Serializer):
    """Every target's status, and how it got there."""

    id = serializers.IntegerField(source="recommendation.pk")
    api_url = serializers.HyperlinkedRelatedField(
        source="recommendation", view_name="api:recommendation-detail", read_only=True
    )
    status_summary = serializers.SerializerMethodField()
    targets = TargetTimelineSerializer(many=True)

    @extend_schema_field(STATUS_SUMMARY_SCHEMA)
    def get_status_summary(self, status) -> dict[str, int]:
        return status_summary(status["targets"])


class StatusCountSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=TargetStatus.choices)
    recommendations = serializers.IntegerField()
    targets = serializers.IntegerField()


class StateCountSerializer(serializers.Serializer):
    state = serializers.CharField(help_text=_("ISO code."))
    name = serializers.CharField()
    recommendations = serializers.IntegerField()
    targets = serializers.IntegerField()


class BodyCountSerializer(serializers.Serializer):
    body = serializers.CharField(help_text=_("Acronym."))
    name = serializers.CharField()
    recommendations = serializers.IntegerField()
    targets = serializers.IntegerField()


class ThemeCountSerializer(serializers.Serializer):
    theme = serializers.CharField(help_text=_("Slug."))
    name = serializers.CharField()
    recommendations = serializers.IntegerField()
    targets = serializers.IntegerField()


class YearCountSerializer(serializers.Serializer):
    year = serializers.IntegerField(help_text=_("Year issued."))
    recommendations = serializers.IntegerField()
    targets = serializers.IntegerField()


class AddresseeLatenessSerializer(serializers.Serializer):
    addressee = serializers.CharField(help_text=_("State code or body acronym."))
    answered = serializers.IntegerField(help_text=_("Targets with a due date that answered."))
    answered_late = serializers.IntegerField(help_text=_("Of them, answered after the date."))
    average_days_late = serializers.FloatField(
        allow_null=True, help_text=_("Average days late of the late answers.")
    )


class AnsweredLateSerializer(serializers.Serializer):
    answered = serializers.IntegerField(help_text=_("Targets with a due date that answered."))
    answered_late = serializers.IntegerField(
        help_text=_("Of them, first answered after the response due date.")
    )
    average_days_late = serializers.FloatField(
        allow_null=True, help_text=_("Average days late of the late answers.")
    )
    by_addressee = AddresseeLatenessSerializer(many=True)


class GradeCountSerializer(serializers.Serializer):
    scale = serializers.ChoiceField(choices=GradeScale.choices)
    raw_grade = serializers.CharField(help_text=_("The grade as the source gives it."))
    implementation = serializers.ChoiceField(
        choices=Implementation.choices, help_text=_("The common level the grade maps to.")
    )
    count = serializers.IntegerField(help_text=_("Assessments that gave this grade."))


class StatsSerializer(serializers.Serializer):
    """Counts of what the filters matched. Each bucket counts recommendations and targets
    (addressees); buckets without a key (no issuing body, no theme, no date) are left out."""

    recommendations = serializers.IntegerField()
    targets = serializers.IntegerField()
    by_status = StatusCountSerializer(many=True)
    by_state = StateCountSerializer(many=True, help_text=_("By addressee state."))
    by_addressee_body = BodyCountSerializer(many=True, help_text=_("By addressee body."))
    by_body = BodyCountSerializer(many=True, help_text=_("By issuing body."))
    by_theme = ThemeCountSerializer(many=True)
    by_year = YearCountSerializer(many=True)
    answered_late = AnsweredLateSerializer(
        help_text=_("Targets' first answers after their response due date.")
    )
    by_grade = GradeCountSerializer(
        many=True, help_text=_("Assessments of the matched targets, by scale and grade.")
    )
