"""The API's endpoints: declarative viewsets (NetBox style) that parse, call a selector or a
service, and format. No rule lives here."""

import json
import tempfile
from collections.abc import Callable
from urllib.parse import quote

from django.http import FileResponse, QueryDict, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from django_filters.utils import translate_validation
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import exceptions, viewsets
from rest_framework.decorators import action
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response as APIResponse
from rest_framework.utils.encoders import JSONEncoder

from recommendations import data_version, exports, selectors, services, visibility
from recommendations.api import filters, serializers
from recommendations.api.renderers import EXPORT_FORMATS, EXPORT_RENDERERS, CSVRenderer
from recommendations.api.throttles import ExpensiveReadThrottle
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
    UprSession,
)

# Natural keys may hold slashes or dots (an acronym, a symbol): any character but NUL, which
# PostgreSQL cannot store and would turn into a 500.
NATURAL_KEY = r"[^\x00]+"
ID = r"[0-9]+"


# The English terms a list's `q` searched (Korean and Chinese words mapped by the lexicon),
# percent-encoded as UTF-8: a header holds only ASCII.
SEARCH_TERMS_HEADER = "Search-Terms"


def search_terms_header(english: str) -> str:
    return quote(english, safe=" !\"#$&'()*+,/:;<=>?@[]^`{|}~")


def validated_filterset(view):
    """The view's FilterSet for this request; a value that names nothing is a 400."""
    filterset = DjangoFilterBackend().get_filterset(view.request, view.get_queryset(), view)
    if not filterset.is_valid():
        raise translate_validation(filterset.errors)
    return filterset


def export_response(targets, file_format: str, user):
    """The matching targets as a file, one row per target, never held whole in memory; the
    private documents' columns empty for anyone but staff."""
    withheld = frozenset() if visibility.sees_private(user) else visibility.private_document_ids()
    name = f"recommendations-{timezone.localdate().isoformat()}.{file_format}"
    if file_format == CSVRenderer.format:
        response = StreamingHttpResponse(
            exports.target_export_csv(targets, withheld), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    # A workbook is a zip, complete only at the end: build it in a temporary file, stream that.
    spreadsheet = tempfile.TemporaryFile()
    exports.target_export_xlsx(targets, spreadsheet, withheld)
    spreadsheet.seek(0)
    return FileResponse(spreadsheet, as_attachment=True, filename=name)


def read_for_anonymous(
    request, name: str, compute: Callable[[], dict], params: QueryDict | None = None
) -> dict:
    """compute(): for an anonymous reader, cached until the next write
    (data_version.cached_read), by language, URL and `params`. A page of the list or one
    recommendation costs Django and DRF many times its SQL; the public read them as they
    read the pages, which are cached the same way. Signed-in readers, staff with their
    private fields among them, get theirs computed.

    Without `params` the query is ignored: one entry per URL, however a crawler varies it.
    A list gives its query, which chooses its rows and is written into its links."""
    if request.user.is_authenticated:
        return compute()
    return data_version.cached_read(
        # Scheme and host too: the answer's links are absolute.
        f"api:{name}:{get_language()}:{request.build_absolute_uri(request.path)}",
        QueryDict() if params is None else params,
        # As JSON has it: a serializer's hyperlinks carry their model instances, which
        # have no place in the cache.
        lambda: json.loads(json.dumps(compute(), cls=JSONEncoder)),
    )


class MethodFirstMixin:
    """A method the endpoint does not take is a 405, whatever else is wrong with the
    request: DRF negotiates the format first, so `TRACE /api/targets/?format=csv` was a
    404 (only the list renders CSV)."""

    def initial(self, request, *args, **kwargs):
        if not hasattr(self, request.method.lower()):
            raise exceptions.MethodNotAllowed(request.method)
        super().initial(request, *args, **kwargs)


class ExpensiveReadMixin:
    """A full-text search (`q`) counts against the anonymous client's expensive reads
    (ExpensiveReadThrottle) as well as its reads; so does whatever the view passes to
    `expensive_read_check()` first, such as stats computed rather than cached."""

    expensive_read_counted = False

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        # django-filter ignores an empty value, so `q=` searches nothing.
        if request.query_params.get("q"):
            self.expensive_read_check()

    def expensive_read_check(self) -> None:
        """Count this request as expensive, once; a 429 past the rate."""
        if self.expensive_read_counted:
            return
        self.expensive_read_counted = True
        throttle = ExpensiveReadThrottle()
        if not throttle.allow_request(self.request, self):
            self.throttled(self.request, throttle.wait())


class ServiceWriteMixin:
    """Serializers validate; `perform_create` and `perform_update` hand the validated data to
    a service (the model's validation, history, statuses derived under the target's lock, in
    one transaction). The answer has the read shape, reloaded with everything it shows."""

    write_serializer_class = None

    def get_serializer_class(self):
        if self.write_serializer_class and self.action in ("create", "update", "partial_update"):
            return self.write_serializer_class
        return self.serializer_class

    def create_row(self, data: dict):
        return services.row_create(model=self.queryset.model, user=self.request.user, **data)

    def update_row(self, row, data: dict):
        return services.row_update(row=row, user=self.request.user, **data)

    def delete_row(self, row) -> None:
        row.delete()

    def perform_create(self, serializer):
        serializer.instance = self.create_row(dict(serializer.validated_data))

    def perform_update(self, serializer):
        serializer.instance = self.update_row(serializer.instance, dict(serializer.validated_data))

    def perform_destroy(self, instance):
        self.delete_row(instance)

    def _answer(self, row, **kwargs) -> APIResponse:
        row = self.get_queryset().get(pk=row.pk)
        return APIResponse(
            self.serializer_class(row, context=self.get_serializer_context()).data, **kwargs
        )

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        self.perform_create(serializer)
        return self._answer(serializer.instance, status=201)

    def update(self, request, *args, partial=False, **kwargs):
        serializer = self.get_serializer(self.get_object(), data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        self.perform_update(serializer)
        return self._answer(serializer.instance)


class ExportMixin:
    """`?format=csv` or `?format=xlsx` on the list: the matching targets, one row each."""

    def get_renderers(self):
        renderers = super().get_renderers()
        if self.action == "list":
            renderers += [renderer() for renderer in EXPORT_RENDERERS]
        return renderers

    def list(self, request, *args, **kwargs):
        if request.accepted_renderer.format in EXPORT_FORMATS:
            targets = validated_filterset(self).matching_targets(Target.objects.all())
            return export_response(targets, request.accepted_renderer.format, request.user)
        return super().list(request, *args, **kwargs)


class TrackerViewSet(
    MethodFirstMixin, ExpensiveReadMixin, ServiceWriteMixin, viewsets.ModelViewSet
):
    lookup_value_regex = ID

    def filter_queryset(self, queryset):
        # Filters are the lists' (and documented there); an object is found by its id alone.
        if self.action != "list":
            return queryset
        return super().filter_queryset(queryset)


def written_as(write_serializer, read_serializer):
    """Schema of a viewset whose writes take one shape and answer with another."""
    return extend_schema_view(
        create=extend_schema(request=write_serializer, responses={201: read_serializer}),
        update=extend_schema(request=write_serializer, responses=read_serializer),
        partial_update=extend_schema(request=write_serializer, responses=read_serializer),
    )


@written_as(serializers.RecommendationWriteSerializer, serializers.RecommendationSerializer)
class RecommendationViewSet(ExportMixin, TrackerViewSet):
    endpoint_description = _(
        "Recommendations with every addressee's status. Filters match recommendations; the "
        "target filters (state, status, position, ...) must hold for one and the same target."
    )

    queryset = Recommendation.objects.all()
    serializer_class = serializers.RecommendationSerializer
    write_serializer_class = serializers.RecommendationWriteSerializer
    filterset_class = filters.RecommendationFilterSet

    def get_queryset(self):
        if self.action == "status":
            return Recommendation.objects.all()
        staff = self.request.user.is_staff
        recommendations = selectors.recommendations_for_api(staff=staff)
        if self.action == "retrieve":
            # One row: its document, issuer (and owner) joined cost nothing and save a query
            # each; the prefetches find them already read.
            return recommendations.select_related(
                "document", "issued_by", *(["owner"] if staff else [])
            )
        return recommendations

    def list(self, request, *args, **kwargs):
        if request.accepted_renderer.format in EXPORT_FORMATS:
            return super().list(request, *args, **kwargs)
        computed = super().list
        return APIResponse(
            read_for_anonymous(
                request,
                "recommendations",
                lambda: computed(request, *args, **kwargs).data,
                params=request.query_params,
            )
        )

    def retrieve(self, request, *args, **kwargs):
        computed = super().retrieve
        return APIResponse(
            read_for_anonymous(
                request, "recommendation", lambda: computed(request, *args, **kwargs).data
            )
        )

    def search_terms(self) -> str:
        """The list's `q`, as its filter cleans it ("" when not given)."""
        field = filters.RecommendationFilterSet.base_filters["q"].field
        return field.clean(self.request.query_params.get("q")) if self.action == "list" else ""

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        terms = self.search_terms()
        if terms and page:
            selectors.search_excerpts(page, terms)
        return page

    def finalize_response(self, request, response, *args, **kwargs):
        terms = self.search_terms() if response.status_code == 200 else ""
        if terms:
            response.headers[SEARCH_TERMS_HEADER] = search_terms_header(
                selectors.search_parsed(terms).english()
            )
        return super().finalize_response(request, response, *args, **kwargs)

    def create_row(self, data):
        return services.recommendation_create(user=self.request.user, **data)

    def update_row(self, row, data):
        return services.recommendation_update(recommendation=row, user=self.request.user, **data)

    def delete_row(self, row):
        services.recommendation_delete(recommendation=row, user=self.request.user)

    @extend_schema(
        responses=serializers.RecommendationStatusSerializer,
        summary=_("Every target's status with its timeline"),
    )
    @action(detail=True, pagination_class=None)
    def status(self, request, pk=None):
        def computed() -> dict:
            recommendation = self.get_object()
            status = {
                "recommendation": recommendation,
                "targets": selectors.recommendation_timelines(recommendation),
            }
            return serializers.RecommendationStatusSerializer(
                status, context=self.get_serializer_context()
            ).data

        return APIResponse(read_for_anonymous(request, "recommendation-status", computed))


class TargetViewSet(ExportMixin, TrackerViewSet):
    endpoint_description = _(
        "Addressees of recommendations, one per state or body, with their status."
    )

    queryset = Target.objects.all()
    serializer_class = serializers.TargetSerializer
    filterset_class = filters.TargetFilterSet

    def get_queryset(self):
        return selectors.targets_with_latest(Target.objects.all())

    def create_row(self, data):
        return services.target_create(user=self.request.user, **data)

    def update_row(self, row, data):
        return services.target_update(target=row, user=self.request.user, **data)

    def delete_row(self, row):
        services.target_delete(target=row, user=self.request.user)


class ResponseViewSet(TrackerViewSet):
    endpoint_description = _(
        "What an addressee answered to a recommendation: its position, dated when it was given; "
        "late_by_days when it came after the response due date."
    )
    queryset = Response.objects.all()
    serializer_class = serializers.ResponseSerializer
    filterset_class = filters.ResponseFilterSet

    def get_queryset(self):
        return selectors.responses_with_late_by_days(Response.objects.all())

    def create_row(self, data):
        return services.response_create(user=self.request.user, **data)

    def update_row(self, row, data):
        return services.response_update(response=row, user=self.request.user, **data)

    def delete_row(self, row):
        services.response_delete(response=row, user=self.request.user)


class AssessmentViewSet(TrackerViewSet):
    endpoint_description = _(
        "How far an addressee implemented a recommendation, as of a date: the grade on its "
        "source's scale and the common level the status reads."
    )
    queryset = Assessment.objects.select_related("author", "source_document")
    serializer_class = serializers.AssessmentSerializer
    filterset_class = filters.AssessmentFilterSet

    def create_row(self, data):
        return services.assessment_create(author=self.request.user, user=self.request.user, **data)

    def update_row(self, row, data):
        return services.assessment_update(assessment=row, user=self.request.user, **data)

    def delete_row(self, row):
        services.assessment_delete(assessment=row, user=self.request.user)


class DocumentViewSet(TrackerViewSet):
    endpoint_description = _(
        "The documents recommendations and responses come from: reports, concluding "
        "observations, communications, letters; with the deadlines they set."
    )
    queryset = Document.objects.select_related("body", "state").prefetch_related("organizations")
    serializer_class = serializers.DocumentSerializer
    filterset_class = filters.DocumentFilterSet

    def get_queryset(self):
        return visibility.readable_documents(self.request.user, super().get_queryset())


class BodyViewSet(TrackerViewSet):
    endpoint_description = _(
        "UN bodies and mechanisms, by acronym: treaty bodies, the UPR, special procedures, "
        "commissions of inquiry, agencies and offices."
    )
    queryset = Body.objects.select_related("parent")
    serializer_class = serializers.BodySerializer
    filterset_class = filters.BodyFilterSet
    lookup_field = "acronym"
    lookup_value_regex = NATURAL_KEY


class StateViewSet(TrackerViewSet):
    endpoint_description = _("States, by ISO 3166-1 alpha-3 code, named in the request's language.")
    queryset = State.objects.all()
    serializer_class = serializers.StateSerializer
    filterset_class = filters.StateFilterSet
    lookup_field = "code"
    lookup_value_regex = NATURAL_KEY


class ThemeViewSet(TrackerViewSet):
    endpoint_description = _("The human rights themes recommendations are filed under, by slug.")
    queryset = Theme.objects.all()
    serializer_class = serializers.ThemeSerializer
    filterset_class = filters.ThemeFilterSet
    lookup_field = "slug"
    lookup_value_regex = NATURAL_KEY


class OrganizationViewSet(TrackerViewSet):
    endpoint_description = _("The organisations that author or sign documents and run campaigns.")
    queryset = Organization.objects.select_related("country")
    serializer_class = serializers.OrganizationSerializer
    filterset_class = filters.OrganizationFilterSet


class ReadOnlyTrackerViewSet(MethodFirstMixin, ExpensiveReadMixin, viewsets.ReadOnlyModelViewSet):
    """Reference data loaded by data migrations: read, never written through the API."""

    lookup_value_regex = ID


class UprSessionViewSet(ReadOnlyTrackerViewSet):
    endpoint_description = _(
        "Sessions of the UPR Working Group, by number; estimated dates are not yet announced."
    )

    queryset = UprSession.objects.all()
    serializer_class = serializers.UprSessionSerializer
    lookup_field = "number"


class EventViewSet(ReadOnlyTrackerViewSet):
    endpoint_description = _(
        "The UN calendar's dates: reviews, sessions and deadlines, with the states and bodies "
        "each concerns; dates computed from the UPR calendar name their session."
    )

    queryset = (
        Event.objects.select_related("upr_session")
        .prefetch_related("states", "bodies")
        .order_by("date", "id")
    )
    serializer_class = serializers.EventSerializer
    filterset_class = filters.EventFilterSet


class GradeMappingViewSet(ReadOnlyTrackerViewSet):
    endpoint_description = _(
        "What each grade of each scale means as a common implementation level."
    )

    queryset = GradeMapping.objects.all()
    serializer_class = serializers.GradeMappingSerializer
    filterset_class = filters.GradeMappingFilterSet


class StatsView(MethodFirstMixin, ExpensiveReadMixin, GenericAPIView):
    endpoint_description = _(
        "Counts for a dashboard, by status, addressee, issuing body, theme and year, of what "
        "the recommendation list's filters match."
    )

    queryset = Recommendation.objects.all()
    filterset_class = filters.RecommendationFilterSet
    pagination_class = None
    serializer_class = serializers.StatsSerializer

    @extend_schema(filters=True, summary=_("Counts for a dashboard"))
    def get(self, request):
        filterset = validated_filterset(self)

        def compute():
            # With a filter, eleven aggregates over every matching row: only a cache miss is
            # expensive (without one, the counts the triggers keep are read in one query).
            self.expensive_read_check()
            return selectors.recommendation_stats(
                recommendations=filterset.qs,
                targets=filterset.matching_targets(Target.objects.all()),
            )

        stats = data_version.cached_read(services.DASHBOARD_STATS, request.query_params, compute)
        return APIResponse(self.get_serializer(stats).data)
