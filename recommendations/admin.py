"""The editors' workplace. Saving goes through the services, so statuses stay current."""

import io
from functools import partial
from typing import NamedTuple

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.views.main import ALL_VAR, IS_POPUP_VAR, ORDER_VAR, PAGE_VAR
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Exists, Max, Min, OuterRef, Prefetch, QuerySet
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from recommendations import languages, reminders, selectors, services
from recommendations.choices import BodyKind, ImportJobStatus, Position, TargetStatus
from recommendations.exports import export_csv, target_export_rows, target_export_xlsx
from recommendations.importers import services as import_services
from recommendations.importers.core import ImportFileError, ImportReport
from recommendations.importers.limits import archive_directory_check
from recommendations.importers.tasks import import_job_check_task, import_job_run_task
from recommendations.models import (
    AffectedGroup,
    Assessment,
    Body,
    Document,
    Event,
    GradeMapping,
    ImportJob,
    Organization,
    Recommendation,
    Reminder,
    ReminderPreference,
    ReminderRule,
    Response,
    State,
    SustainableDevelopmentGoal,
    Target,
    Theme,
    UprReview,
    UprSession,
)
from recommendations.paginators import CachedCountPaginator
from recommendations.status import status_in

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def targets_export_response(targets: QuerySet[Target], file_format: str) -> HttpResponse:
    """The export file of our columns as a download: CSV (UTF-8 with a BOM, so spreadsheets
    read accents right) or XLSX."""
    stamp = timezone.localdate().isoformat()
    if file_format == "xlsx":
        buffer = io.BytesIO()
        target_export_xlsx(targets, buffer)
        response = HttpResponse(buffer.getvalue(), content_type=XLSX_CONTENT_TYPE)
    else:
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response.write("\ufeff")
        export_csv(target_export_rows(targets), response)
    response["Content-Disposition"] = f'attachment; filename="targets-{stamp}.{file_format}"'
    return response


class ExportActions:
    """ "Export selected as CSV / XLSX": one row per target, the columns of exports.py."""

    actions = ["export_selected_csv", "export_selected_xlsx"]

    def export_targets(self, queryset) -> QuerySet[Target]:
        raise NotImplementedError

    @admin.action(description=_("Export selected as CSV"), permissions=["view"])
    def export_selected_csv(self, request, queryset):
        return targets_export_response(self.export_targets(queryset), "csv")

    @admin.action(description=_("Export selected as XLSX"), permissions=["view"])
    def export_selected_xlsx(self, request, queryset):
        return targets_export_response(self.export_targets(queryset), "xlsx")


def form_values(form, *, exclude: tuple[str, ...] = ()) -> dict:
    """What a model form validated, as the keyword arguments of a service."""
    return {
        name: form.cleaned_data[name]
        for name in form._meta.fields
        if name in form.cleaned_data and name not in exclude
    }


def adopt(obj, row) -> None:
    """The admin carries on (inlines, log, redirect) with the instance its form built: give it
    the row the service created."""
    vars(obj).update(vars(row))


class Writes(NamedTuple):
    """The services that write a model, and the keyword they take its row by."""

    create: object
    update: object
    delete: object
    keyword: str


WRITES = {
    Recommendation: Writes(
        services.recommendation_create,
        services.recommendation_update,
        services.recommendation_delete,
        "recommendation",
    ),
    Target: Writes(
        services.target_create, services.target_update, services.target_delete, "target"
    ),
    Response: Writes(
        services.response_create, services.response_update, services.response_delete, "response"
    ),
    Assessment: Writes(
        services.assessment_create,
        services.assessment_update,
        services.assessment_delete,
        "assessment",
    ),
}


class ServiceWritesAdmin(admin.ModelAdmin):
    """Saving and deleting, of the object and of its inlines, through the services: each gets
    a form's cleaned_data. The service sets the many-to-many relations with the row."""

    def save_model(self, request, obj, form, change):
        writes = WRITES[self.model]
        if change:
            writes.update(**{writes.keyword: obj}, user=request.user, **form_values(form))
        else:
            adopt(obj, writes.create(user=request.user, **form_values(form)))

    def delete_model(self, request, obj):
        writes = WRITES[self.model]
        writes.delete(**{writes.keyword: obj}, user=request.user)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_model(request, obj)

    def save_related(self, request, form, formsets, change):
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def save_formset(self, request, form, formset, change):
        # Unsaved, this only sorts the forms into new, changed and deleted objects, which the
        # change message lists; the services write them.
        formset.save(commit=False)
        writes = WRITES[formset.model]
        forms = {id(inline.instance): inline for inline in formset.forms}
        fk = formset.fk.name

        def values(row) -> dict:
            return form_values(forms[id(row)], exclude=(fk,))

        for row in formset.deleted_objects:
            writes.delete(**{writes.keyword: row}, user=request.user)
        for row, _fields in formset.changed_objects:
            writes.update(**{writes.keyword: row}, user=request.user, **values(row))
        formset.new_objects = [
            writes.create(**{fk: form.instance}, user=request.user, **values(row))
            for row in formset.new_objects
        ]


def status_badge(status: TargetStatus) -> str:
    """A status as its word in a coloured badge: the public site's (website/status.css)."""
    return format_html('<span class="status status-{}">{}</span>', status.value, status.label)


class StatusBadgesMedia:
    """The stylesheet of status badges, for changelists that show them."""

    css = {"all": ["website/status.css"]}


class CachedCountAdmin(admin.ModelAdmin):
    """A changelist of a table that grows to millions of rows: the count of what a filter or
    a search matches is cached until the next write, and the whole table is never counted
    ("N of M total" would be a sequential scan on every page; "Show all" still gives it).
    Matches are counted as far as the numbered pages reach: past them the changelist says
    "more than" (the app's admin/pagination.html, search_form.html and actions.html)."""

    show_full_result_count = False

    def get_paginator(self, request, queryset, per_page, orphans=0, allow_empty_first_page=True):
        return CachedCountPaginator(
            queryset,
            per_page,
            name="admin",
            params=request.GET,
            paging=(PAGE_VAR, ORDER_VAR, ALL_VAR, IS_POPUP_VAR),
            counts_to_pages=True,
            orphans=orphans,
            allow_empty_first_page=allow_empty_first_page,
        )


class SearchedNamesAdmin(admin.ModelAdmin):
    """A row whose name the recommendations' search vectors hold (a theme, a body, a state,
    ...): saved as the admin saves it, then the vectors of the recommendations naming it."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change:
            services.search_names_refresh(row=obj)


@admin.register(Body)
class BodyAdmin(SearchedNamesAdmin):
    list_display = ["acronym", "name", "name_in_language", "kind", "parent"]
    list_filter = ["kind"]
    search_fields = ["acronym", "name", "name_ko", "name_zh_hans"]
    autocomplete_fields = ["parent"]
    list_select_related = ["parent"]

    @admin.display(description=_("name in your language"))
    def name_in_language(self, obj: Body) -> str:
        return obj.localized_name()


@admin.register(State)
class StateAdmin(SearchedNamesAdmin):
    list_display = ["code", "name", "name_in_language", "official_name"]
    search_fields = ["code", "name", "official_name", "other_names"]

    @admin.display(description=_("name in your language"))
    def name_in_language(self, obj: State) -> str:
        return obj.localized_name()


@admin.register(Organization)
class OrganizationAdmin(SearchedNamesAdmin):
    list_display = ["name", "acronym", "country"]
    search_fields = ["name", "acronym"]
    autocomplete_fields = ["country"]
    list_select_related = ["country"]


@admin.register(Document)
class DocumentAdmin(SearchedNamesAdmin):
    actions = ["recompute_deadlines"]
    list_display = ["symbol", "title", "kind", "body", "state", "date", "public"]
    list_filter = ["kind", "public", "body"]
    search_fields = ["symbol", "title"]
    autocomplete_fields = ["body", "state", "organizations"]
    list_select_related = ["body", "state"]
    date_hierarchy = "date"

    @admin.action(
        description=_("Compute the due dates of their recommendations' addressees"),
        permissions=["change"],
    )
    def recompute_deadlines(self, request, queryset):
        changed = services.target_deadlines_recompute(
            targets=Target.objects.filter(recommendation__document__in=queryset),
            user=request.user,
        )
        self.message_user(
            request, _("%(count)d addressees' due dates changed.") % {"count": changed}
        )


@admin.register(Theme)
class ThemeAdmin(SearchedNamesAdmin):
    list_display = ["name", "slug", "uhri_code"]
    search_fields = ["name", "slug", "uhri_code"]
    prepopulated_fields = {"slug": ["name"]}


class RecommendationForm(forms.ModelForm):
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
            "affected_groups",
            "sdgs",
            "issued_on",
            "reiterates",
            "owner",
            "watchers",
            "internal_note",
        ]

    def clean(self):
        cleaned = super().clean()
        Recommendation.validate_issuers(
            issued_by=cleaned.get("issued_by"),
            recommending_states=cleaned.get("recommending_states"),
            organizations=cleaned.get("organizations"),
        )
        return cleaned


class TargetInline(admin.TabularInline):
    model = Target
    fields = ["state", "body", "response_due", "follow_up_due", "status"]
    readonly_fields = ["status"]
    autocomplete_fields = ["state", "body"]
    extra = 1
    show_change_link = True


@admin.register(AffectedGroup)
class AffectedGroupAdmin(SearchedNamesAdmin):
    list_display = ["name"]
    search_fields = ["name"]


@admin.register(SustainableDevelopmentGoal)
class SustainableDevelopmentGoalAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]


class AddresseeFilter(admin.SimpleListFilter):
    """Recommendations with at least one target that matches, by EXISTS. A join would repeat a
    recommendation once per target, and the changelist would need a DISTINCT over the whole
    table to show it once."""

    lookup = ""

    def queryset(self, request, queryset):
        if self.value() is None:
            return queryset
        matching = {"recommendation": OuterRef("pk"), self.lookup: self.value()}
        return queryset.filter(Exists(Target.objects.filter(**matching)))


class AddresseeStateFilter(AddresseeFilter):
    title = _("addressee state")
    parameter_name = "addressee_state"
    lookup = "state_id"

    def lookups(self, request, model_admin):
        return State.objects.order_by("name").values_list("pk", "name")


class AddresseeStatusFilter(admin.SimpleListFilter):
    """Recommendations with a target whose status today is the one chosen, as the status rule
    says (a response can have become overdue since the status was stored); by EXISTS, as
    AddresseeFilter."""

    title = _("status of an addressee")
    parameter_name = "addressee_status"

    def lookups(self, request, model_admin):
        return TargetStatus.choices

    def queryset(self, request, queryset):
        if self.value() is None:
            return queryset
        matching = Target.objects.filter(
            status_in([self.value()], today=timezone.localdate()), recommendation=OuterRef("pk")
        )
        return queryset.filter(Exists(matching))


class TargetStatusFilter(admin.SimpleListFilter):
    """The target's status today, as the status rule says: "Response overdue" lists the
    targets whose due date passed since their status was stored, too."""

    title = _("status")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return TargetStatus.choices

    def queryset(self, request, queryset):
        if self.value() is None:
            return queryset
        return queryset.filter(status_in([self.value()], today=timezone.localdate()))


class AddresseePositionFilter(AddresseeFilter):
    title = _("position in a response")
    parameter_name = "position"
    lookup = "responses__position"

    def lookups(self, request, model_admin):
        return Position.choices


class IssuedInFilter(admin.SimpleListFilter):
    """The year a recommendation was issued: every year from the first to the last, newest
    first. Instead of the date hierarchy, which reads the range and the years of what the page
    matches, three passes over the matches on every filtered view (1.7 s of SQL for a search
    at a million recommendations); the whole table's range comes from the date index."""

    title = _("issued in")
    parameter_name = "issued_in"

    def lookups(self, request, model_admin):
        span = Recommendation.objects.aggregate(first=Min("issued_on"), last=Max("issued_on"))
        if span["first"] is None:
            return []
        years = range(span["last"].year, span["first"].year - 1, -1)
        return [(str(year), str(year)) for year in years]

    def queryset(self, request, queryset):
        if self.value() is None:
            return queryset
        if not self.value().isdigit():
            return queryset.none()
        return queryset.filter(issued_on__year=int(self.value()))


@admin.register(Recommendation)
class RecommendationAdmin(ExportActions, ServiceWritesAdmin, CachedCountAdmin, SimpleHistoryAdmin):
    form = RecommendationForm
    inlines = [TargetInline]
    list_display = [
        "excerpt",
        "document_symbol",
        "paragraph",
        "issued_by",
        "issued_on",
        "statuses",
    ]
    # Every body and state is offered, not only those in use: finding those in use takes a
    # DISTINCT over every recommendation or target on each page view.
    list_filter = [
        IssuedInFilter,
        "issued_by",
        AddresseeStateFilter,
        "themes",
        AddresseeStatusFilter,
        AddresseePositionFilter,
        "source_format",
    ]
    search_fields = ["text", "document__symbol", "paragraph"]
    autocomplete_fields = [
        "document",
        "issued_by",
        "recommending_states",
        "organizations",
        "themes",
        "affected_groups",
        "sdgs",
        "reiterates",
        "owner",
        "watchers",
    ]
    list_select_related = ["document", "issued_by"]
    Media = StatusBadgesMedia
    readonly_fields = [
        "created_at",
        "updated_at",
        "source_file",
        "source_format",
        "source_row",
        "imported_at",
    ]

    def export_targets(self, queryset):
        return Target.objects.filter(recommendation__in=queryset.values("pk"))

    def get_queryset(self, request):
        targets = Target.objects.select_related("state", "body").order_by("pk")
        return super().get_queryset(request).prefetch_related(Prefetch("targets", queryset=targets))

    def get_search_results(self, request, queryset, search_term):
        if not search_term.strip():
            return queryset, False
        return selectors.recommendations_admin_search(queryset, search_term), False

    @admin.display(description=_("Text"))
    def excerpt(self, obj: Recommendation) -> str:
        return obj.excerpt()

    @admin.display(description=_("Document"), ordering="document__symbol")
    def document_symbol(self, obj: Recommendation) -> str:
        return str(obj.document or "")

    @admin.display(description=_("Status by addressee"))
    def statuses(self, obj: Recommendation) -> str:
        return format_html_join(
            "; ",
            "{}",
            (
                (
                    format_html(
                        gettext("{addressee}: {status}"),
                        addressee=target.state.code if target.state else target.body.acronym,
                        status=status_badge(target.current_status()),
                    ),
                )
                for target in obj.targets.all()
            ),
        )


# The UN calendar: late answers, grades, UPR sessions and reviews.


class AnsweredLateFilter(admin.SimpleListFilter):
    """Responses given after their target's response due date."""

    title = _("answered late")
    parameter_name = "answered_late"

    def lookups(self, request, model_admin):
        return [("yes", _("Yes"))]

    def queryset(self, request, queryset):
        if self.value() != "yes":
            return queryset
        return selectors.responses_answered_late(queryset)


class AssessmentForm(forms.ModelForm):
    """A grade on a scale gives the implementation (services map it); without a grade the
    editor chooses the implementation."""

    class Meta:
        model = Assessment
        fields = [
            "target",
            "scale",
            "raw_grade",
            "implementation",
            "assessed_on",
            "summary",
            "source_document",
            "source_url",
            "source_public",
            "author",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "implementation" in self.fields:
            self.fields["implementation"].required = False
            self.fields["implementation"].help_text = _(
                "Leave empty when you give a grade: its mapping sets it."
            )

    def clean(self):
        cleaned = super().clean()
        graded = cleaned.get("scale") and cleaned.get("raw_grade")
        if not graded and not cleaned.get("implementation"):
            self.add_error("implementation", _("Choose one, or give a scale and a grade."))
        return cleaned


class ResponseInline(admin.StackedInline):
    model = Response
    fields = ["position", "date", "text", "document", "paragraph"]
    autocomplete_fields = ["document"]
    extra = 0


class AssessmentInline(admin.StackedInline):
    model = Assessment
    form = AssessmentForm
    fields = [
        "scale",
        "raw_grade",
        "implementation",
        "assessed_on",
        "summary",
        "source_document",
        "source_url",
        "source_public",
        "author",
    ]
    autocomplete_fields = ["source_document", "author"]
    extra = 0


@admin.register(Target)
class TargetAdmin(ExportActions, ServiceWritesAdmin, CachedCountAdmin, SimpleHistoryAdmin):
    inlines = [ResponseInline, AssessmentInline]
    fields = [
        "recommendation",
        "state",
        "body",
        "response_due",
        "response_due_rule",
        "response_due_overridden",
        "follow_up_due",
        "follow_up_due_rule",
        "follow_up_due_overridden",
        "status",
    ]
    readonly_fields = ["status", "response_due_rule", "follow_up_due_rule"]
    list_display = [
        "addressee_name",
        "recommendation_excerpt",
        "document_symbol",
        "current_status",
        "response_due",
        "days_overdue",
    ]
    list_filter = [
        TargetStatusFilter,
        # The desk's "deadlines this month" open the list filtered as "This month" is.
        ("response_due", admin.DateFieldListFilter),
        ("follow_up_due", admin.DateFieldListFilter),
        ("state", admin.RelatedOnlyFieldListFilter),
        ("body", admin.RelatedOnlyFieldListFilter),
        "responses__position",
        "recommendation__themes",
    ]
    search_fields = [
        "recommendation__text",
        "recommendation__document__symbol",
        "recommendation__paragraph",
    ]
    autocomplete_fields = ["recommendation", "state", "body"]
    list_select_related = ["state", "body", "recommendation__document"]
    Media = StatusBadgesMedia

    def export_targets(self, queryset):
        return Target.objects.filter(pk__in=queryset.values("pk"))

    @admin.display(description=_("Addressee"))
    def addressee_name(self, obj: Target) -> str:
        return obj.state.localized_name() if obj.state else str(obj.body)

    @admin.display(description=_("Status"), ordering="status")
    def current_status(self, obj: Target) -> str:
        return status_badge(obj.current_status())

    @admin.display(description=_("Days overdue"), ordering="response_due")
    def days_overdue(self, obj: Target) -> int | None:
        return obj.days_overdue()

    @admin.display(description=_("Recommendation"))
    def recommendation_excerpt(self, obj: Target) -> str:
        return obj.recommendation.excerpt()

    @admin.display(description=_("Document"), ordering="recommendation__document__symbol")
    def document_symbol(self, obj: Target) -> str:
        return str(obj.recommendation.document or "")


@admin.register(Response)
class ResponseAdmin(ServiceWritesAdmin, CachedCountAdmin, SimpleHistoryAdmin):
    list_display = ["target", "position", "date", "late_by", "document"]
    list_filter = ["position", AnsweredLateFilter]
    search_fields = ["text", "target__recommendation__document__symbol"]
    autocomplete_fields = ["target", "document"]
    list_select_related = [
        "target__state",
        "target__body",
        "target__recommendation__document",
        "document",
    ]
    date_hierarchy = "date"

    @admin.display(description=_("Late"))
    def late_by(self, obj: Response) -> str:
        days = obj.late_by_days()
        if days is None:
            return ""
        return ngettext("%(days)d day late", "%(days)d days late", days) % {"days": days}


@admin.register(Assessment)
class AssessmentAdmin(ServiceWritesAdmin, CachedCountAdmin, SimpleHistoryAdmin):
    form = AssessmentForm
    list_display = ["target", "implementation", "scale", "raw_grade", "assessed_on", "author"]
    list_filter = ["implementation", "scale", "raw_grade"]
    search_fields = ["summary", "target__recommendation__document__symbol"]
    autocomplete_fields = ["target", "source_document", "author"]
    list_select_related = [
        "target__state",
        "target__body",
        "target__recommendation__document",
        "author",
    ]
    date_hierarchy = "assessed_on"

    def get_changeform_initial_data(self, request):
        return {
            "author": request.user.pk,
            "assessed_on": timezone.localdate(),
            **super().get_changeform_initial_data(request),
        }


class EventForm(forms.ModelForm):
    class Meta:
        model = Event
        fields = ["name", "kind", "date", "estimated", "states", "bodies"]

    def clean(self):
        cleaned = super().clean()
        Event.validate_concerns(states=cleaned.get("states"), bodies=cleaned.get("bodies"))
        return cleaned


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    form = EventForm
    list_display = ["name", "kind", "date", "estimated", "concerns"]
    list_filter = ["kind", "estimated"]
    search_fields = ["name"]
    autocomplete_fields = ["states", "bodies"]
    date_hierarchy = "date"

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("states", "bodies")

    @admin.display(description=_("Concerns"))
    def concerns(self, obj: Event) -> str:
        return ", ".join([*map(str, obj.states.all()), *map(str, obj.bodies.all())])


class ReminderRuleForm(forms.ModelForm):
    body_kinds = forms.MultipleChoiceField(
        choices=BodyKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=ReminderRule._meta.get_field("body_kinds").help_text,
    )

    class Meta:
        model = ReminderRule
        fields = [
            "name",
            "trigger",
            "days",
            "repeat_days",
            "active",
            "body_kinds",
            "states",
            "themes",
            "send_to_owner",
            "send_to_watchers",
            "send_to_addresses",
        ]


@admin.register(ReminderRule)
class ReminderRuleAdmin(admin.ModelAdmin):
    form = ReminderRuleForm
    list_display = ["name", "trigger", "days", "repeat_days", "recipients", "active"]
    list_filter = ["trigger", "active"]
    search_fields = ["name"]
    autocomplete_fields = ["states", "themes"]
    fieldsets = [
        (None, {"fields": ["name", "trigger", "days", "repeat_days", "active"]}),
        (_("Which targets"), {"fields": ["body_kinds", "states", "themes"]}),
        (
            _("Who receives it"),
            {"fields": ["send_to_owner", "send_to_watchers", "send_to_addresses"]},
        ),
    ]

    @admin.display(description=_("Recipients"))
    def recipients(self, obj: ReminderRule) -> str:
        who = [
            *([gettext("owner")] if obj.send_to_owner else []),
            *([gettext("watchers")] if obj.send_to_watchers else []),
            *obj.addresses(),
        ]
        return ", ".join(who)


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    """What was sent, to whom, and what failed; reminders are recorded by sweeps, not typed."""

    list_display = [
        "recipient",
        "rule",
        "target",
        "occurrence",
        "status",
        "attempts",
        "sent_at",
        "last_error",
    ]
    list_filter = ["status", "rule", "occurrence"]
    search_fields = ["recipient", "target__recommendation__document__symbol", "event_name"]
    list_select_related = [
        "rule",
        "target__state",
        "target__body",
        "target__recommendation__document",
    ]
    readonly_fields = [
        "rule",
        "target",
        "recipient",
        "occurrence",
        "why",
        "status",
        "attempts",
        "last_error",
        "created_at",
        "claimed_at",
        "sent_at",
    ]
    fields = readonly_fields
    actions = ["resend"]

    def has_add_permission(self, request):
        return False

    @admin.display(description=_("Why"))
    def why(self, obj: Reminder) -> str:
        return reminders.reminder_reason(obj)

    @admin.action(description=_("Resend the selected failed reminders"), permissions=["change"])
    def resend(self, request, queryset):
        selected = list(queryset.values_list("pk", flat=True))
        queued = reminders.reminders_resend(reminder_ids=selected)
        self.message_user(
            request,
            ngettext(
                "%(count)d failed reminder queued to be sent again.",
                "%(count)d failed reminders queued to be sent again.",
                queued,
            )
            % {"count": queued},
        )
        if skipped := len(selected) - queued:
            self.message_user(
                request,
                ngettext(
                    "%(count)d reminder was left alone: only failed reminders are resent.",
                    "%(count)d reminders were left alone: only failed reminders are resent.",
                    skipped,
                )
                % {"count": skipped},
                messages.WARNING,
            )


@admin.register(ReminderPreference)
class ReminderPreferenceAdmin(admin.ModelAdmin):
    """Every staff member sets their own preference; those with the model's permissions
    (superusers) see everyone's."""

    list_display = ["user", "language", "reminders_enabled", "digest"]
    list_filter = ["language", "reminders_enabled", "digest"]
    search_fields = ["user__username", "user__email"]
    list_select_related = ["user"]
    autocomplete_fields = ["user"]

    def _manages_all(self, request, action: str) -> bool:
        return request.user.has_perm(f"recommendations.{action}_reminderpreference")

    def _own(self, request, obj) -> bool:
        return request.user.is_staff and (obj is None or obj.user_id == request.user.pk)

    def has_module_permission(self, request):
        return request.user.is_staff

    def has_view_permission(self, request, obj=None):
        return self._manages_all(request, "view") or self._own(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._manages_all(request, "change") or self._own(request, obj)

    def has_add_permission(self, request):
        if self._manages_all(request, "add"):
            return True
        return (
            request.user.is_staff
            and not ReminderPreference.objects.filter(user=request.user).exists()
        )

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if self._manages_all(request, "view"):
            return queryset
        return queryset.filter(user=request.user)

    def get_fields(self, request, obj=None):
        fields = ["language", "reminders_enabled", "digest"]
        return ["user", *fields] if self._manages_all(request, "change") else fields

    def save_model(self, request, obj, form, change):
        if not self._manages_all(request, "change"):
            obj.user = request.user
        super().save_model(request, obj, form, change)
        if obj.user_id == request.user.pk:
            languages.preferred_language_remember(request, obj.language)


class ImportJobForm(forms.ModelForm):
    upload = forms.FileField(
        label=_("File"),
        help_text=_(
            "A UPR Info CSV, an OHCHR matrix (.docx), a UHRI export (.xlsx) or a tracker "
            "export (CSV or XLSX)."
        ),
    )

    class Meta:
        model = ImportJob
        fields = ["format", "state_under_review", "report_symbol", "upr_session"]

    def clean_upload(self):
        upload = self.cleaned_data["upload"]
        if upload.size > settings.IMPORT_MAX_BYTES:
            raise forms.ValidationError(
                gettext("The file is %(size)d MB; files up to %(limit)d MB can be imported.")
                % {"size": upload.size // 2**20, "limit": settings.IMPORT_MAX_BYTES // 2**20}
            )
        # The archive's directory only, cheap enough for the request: members, sizes, ratios.
        # Inflating and parsing happen on a worker.
        try:
            archive_directory_check(upload.read())
        except ImportFileError as error:
            raise forms.ValidationError(
                gettext("The file cannot be imported: %(reason)s.") % {"reason": error}
            ) from None
        finally:
            upload.seek(0)
        return upload


def _start(task, job: ImportJob) -> None:
    """Every file is read by a worker, never within a request, once the job is saved: a
    hostile file costs a worker the limits' worth of memory, not a web process."""
    transaction.on_commit(partial(task.delay, job.pk))


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    """Upload, preview (a dry run's counts and bad rows), confirm, import."""

    form = ImportJobForm
    list_display = ["file_name", "format", "status", "progress", "created_by", "created_at"]
    list_filter = ["status", "format"]
    search_fields = ["file_name"]
    autocomplete_fields = ["state_under_review"]
    change_form_template = "admin/recommendations/importjob/change_form.html"
    readonly_fields = [
        "file_name",
        "format",
        "state_under_review",
        "report_symbol",
        "upr_session",
        "status",
        "created_by",
        "created_at",
        "finished_at",
        "failure",
    ]

    def get_queryset(self, request):
        # The uploaded file stays in the database until a worker reads it, not in lists.
        return super().get_queryset(request).defer("content").select_related("created_by")

    def get_readonly_fields(self, request, obj=None):
        return self.readonly_fields if obj else []

    def get_form(self, request, obj=None, **kwargs):
        # A job's page shows it; only the upload form takes a file.
        if obj is not None:
            kwargs["form"] = forms.ModelForm
        return super().get_form(request, obj, **kwargs)

    def get_fields(self, request, obj=None):
        return self.readonly_fields if obj else ["upload", *ImportJobForm.Meta.fields]

    @admin.display(description=_("error"))
    def failure(self, job: ImportJob) -> str:
        return job.failure()

    @admin.display(description=_("Rows"))
    def progress(self, job: ImportJob) -> str:
        return f"{job.rows_done} / {job.rows_total}" if job.rows_total else ""

    def save_model(self, request, obj, form, change):
        upload = form.cleaned_data["upload"]
        obj.file_name = upload.name
        obj.content = upload.read()
        obj.created_by = request.user
        obj.save()
        _start(import_job_check_task, obj)

    def response_add(self, request, obj, post_url_continue=None):
        return HttpResponseRedirect(
            reverse("admin:recommendations_importjob_change", args=[obj.pk])
        )

    def get_urls(self):
        confirm = path(
            "<int:job_id>/confirm/",
            self.admin_site.admin_view(self.confirm_view),
            name="recommendations_importjob_confirm",
        )
        return [confirm, *super().get_urls()]

    def confirm_view(self, request, job_id: int):
        job = get_object_or_404(ImportJob, pk=job_id)
        if request.method != "POST" or not self.has_change_permission(request, job):
            raise PermissionDenied
        if import_services.import_job_confirm(job_id=job.pk):
            _start(import_job_run_task, job)
        else:
            messages.warning(request, gettext("This import is not waiting for confirmation."))
        return HttpResponseRedirect(
            reverse("admin:recommendations_importjob_change", args=[job.pk])
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        job = self.get_object(request, object_id)
        extra_context = {
            **(extra_context or {}),
            "job": job,
            "preview": ImportReport.from_dict(job.preview) if job and job.preview else None,
            "report": ImportReport.from_dict(job.report) if job and job.report else None,
            "waiting": job is not None and job.status == ImportJobStatus.CHECKED,
            "running": job is not None and job.is_running(),
            "errors_shown": ImportJob.ERRORS_SHOWN,
            "errors_slice": f":{ImportJob.ERRORS_SHOWN}",
        }
        return super().change_view(request, object_id, form_url, extra_context)


# The UN calendar.


@admin.register(UprSession)
class UprSessionAdmin(admin.ModelAdmin):
    list_display = [
        "number",
        "first_day",
        "last_day",
        "cycle",
        "estimated",
        "stakeholder_deadline",
        "source",
    ]
    list_filter = ["cycle", "estimated"]

    def save_model(self, request, obj, form, change):
        session = services.upr_session_write(
            session=obj if change else None, user=request.user, **form_values(form)
        )
        adopt(obj, session)


@admin.register(UprReview)
class UprReviewAdmin(admin.ModelAdmin):
    list_display = ["state", "session", "cycle", "source"]
    list_filter = ["session__cycle"]
    search_fields = ["state__name", "state__code"]
    autocomplete_fields = ["state"]
    list_select_related = ["state", "session"]
    actions = ["refresh_events"]

    def save_model(self, request, obj, form, change):
        review = services.upr_review_write(
            review=obj if change else None, user=request.user, **form_values(form)
        )
        adopt(obj, review)

    @admin.action(description=_("Refresh the next review and mid-term report events"))
    def refresh_events(self, request, queryset):
        states = State.objects.filter(pk__in=queryset.values("state"))
        written = services.upr_events_refresh(states=states)
        self.message_user(request, _("%(count)d events written.") % {"count": written})


@admin.register(GradeMapping)
class GradeMappingAdmin(admin.ModelAdmin):
    list_display = ["scale", "raw_grade", "meaning", "implementation", "source"]
    list_filter = ["scale", "implementation"]
    search_fields = ["raw_grade", "meaning"]
