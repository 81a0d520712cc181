"""Writing merged records by natural keys, in bulk and with history.

Per chunk of records, a constant number of queries: existing rows are read into maps keyed
by their natural keys (a document's symbol or title; document + paragraph + normalised text
for a recommendation; recommendation + addressee for a target; target + document + date for
a response; target + date for an assessment), then new rows are bulk-created and changed ones
bulk-updated with their history records by the set-based services (services.py), which lock
a chunk's existing targets and derive their statuses after writing, as single writes do. What
is already there and equal is not written, so importing a file twice writes nothing the
second time. Imports add to many-to-many relations
and never remove from them: what editors added stays.

Reference rows (bodies, themes, organisations, groups, documents) are created with
`ignore_conflicts` and read back, so two imports creating the same one at once both use it.
"""

from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q

from recommendations import services
from recommendations.importers.core import (
    DocumentRef,
    ImportReport,
    RecommendationRow,
    ThemeRef,
    recommendation_key,
)
from recommendations.models import (
    AffectedGroup,
    Assessment,
    Body,
    Document,
    Organization,
    Recommendation,
    Response,
    State,
    SustainableDevelopmentGoal,
    Target,
    Theme,
)
from recommendations.services import BulkHistory

BATCH = services.BULK_BATCH


@dataclass(frozen=True, slots=True)
class Created:
    """A row this import created: the rest of the import reads only its id. A model instance
    each would cost a tenth of an import's time to build."""

    pk: int


@dataclass(frozen=True)
class Source:
    """Where the rows come from: recorded on each recommendation created or changed."""

    file_name: str
    format: str
    imported_at: datetime
    user: object = None

    @property
    def change_reason(self) -> str:
        return f"Imported from {self.file_name}"[:100]

    @property
    def history(self) -> BulkHistory:
        return BulkHistory(user=self.user, change_reason=self.change_reason, date=self.imported_at)


class Store:
    def __init__(self, *, source: Source, report: ImportReport):
        self.source = source
        self.report = report
        self.states = {state.code: state for state in State.objects.all()}
        self.bodies = {body.acronym: body for body in Body.objects.all()}
        self.themes_by_slug: dict[str, Theme] = {}
        self.themes_by_code: dict[str, Theme] = {}
        for theme in Theme.objects.all():
            self.themes_by_slug[theme.slug] = theme
            if theme.uhri_code:
                self.themes_by_code.setdefault(theme.uhri_code, theme)
        self.groups = {group.name.casefold(): group for group in AffectedGroup.objects.all()}
        self.sdgs = {sdg.code: sdg for sdg in SustainableDevelopmentGoal.objects.all()}
        self.organizations: dict[str, Organization] = {}
        self.documents: dict[tuple, Document] = {}
        # Recommendations a record of this import was written to: no other record takes them.
        self.claimed: set[int] = set()

    def write(self, records: list[RecommendationRow]) -> None:
        self._bodies(records)
        self._themes(records)
        self._organizations(records)
        self._groups(records)
        self._sdgs(records)
        self._documents(records)
        self._upr_reviews(records)
        recommendations, new_ids = self._recommendations(records)
        created, touched = self._targets(records, recommendations, new_ids=new_ids)
        services.target_statuses_after_bulk_write(
            created=created, touched=touched, history=self.source.history
        )
        services.recommendation_search_refresh(ids=[row.pk for row in recommendations])

    # Reference rows: bodies, themes, organisations, affected groups, documents.

    def _bodies(self, records: list[RecommendationRow]) -> None:
        refs = {}
        for record in records:
            documents = [record.document] + [
                response.document for target in record.targets for response in target.responses
            ]
            for ref in [record.issued_by, *(target.body for target in record.targets)] + [
                document.body for document in documents if document
            ]:
                if ref and ref.acronym not in self.bodies:
                    refs.setdefault(ref.acronym, ref)
        Body.objects.bulk_create(
            [
                Body(acronym=ref.acronym, name=(ref.name or ref.acronym)[:255], kind=ref.kind)
                for ref in refs.values()
            ],
            ignore_conflicts=True,
        )
        self.bodies.update({body.acronym: body for body in Body.objects.filter(acronym__in=refs)})
        self.report.count("bodies", "created", len(refs))

    def theme(self, ref: ThemeRef) -> Theme:
        if ref.uhri_code and ref.uhri_code in self.themes_by_code:
            return self.themes_by_code[ref.uhri_code]
        return self.themes_by_slug[ref.slug]

    def _themes(self, records: list[RecommendationRow]) -> None:
        missing = {}
        for ref in (ref for record in records for ref in record.themes):
            if ref.uhri_code in self.themes_by_code or ref.slug in self.themes_by_slug:
                continue
            missing.setdefault(ref.slug, ref)
        Theme.objects.bulk_create(
            [
                Theme(name=ref.name[:255], slug=ref.slug, uhri_code=ref.uhri_code)
                for ref in missing.values()
            ],
            ignore_conflicts=True,
        )
        created = list(Theme.objects.filter(slug__in=missing)) if missing else []
        for theme in created:
            self.themes_by_slug[theme.slug] = theme
            if theme.uhri_code:
                self.themes_by_code.setdefault(theme.uhri_code, theme)
        self.report.count("themes", "created", len(created))

    def _organizations(self, records: list[RecommendationRow]) -> None:
        names = {name for record in records for name in record.organizations}
        names -= self.organizations.keys()
        if not names:
            return
        self.organizations.update(
            {org.name: org for org in Organization.objects.filter(name__in=names)}
        )
        missing = sorted(names - self.organizations.keys())
        Organization.objects.bulk_create(
            [Organization(name=name[:255]) for name in missing], ignore_conflicts=True
        )
        self.organizations.update(
            {org.name: org for org in Organization.objects.filter(name__in=missing)}
        )
        self.report.count("organizations", "created", len(missing))

    def _groups(self, records: list[RecommendationRow]) -> None:
        missing = {}
        for name in (name for record in records for name in record.affected_groups):
            if name.casefold() not in self.groups:
                missing.setdefault(name.casefold(), name[:255])
        AffectedGroup.objects.bulk_create(
            [AffectedGroup(name=name) for name in missing.values()], ignore_conflicts=True
        )
        self.groups.update(
            {
                group.name.casefold(): group
                for group in AffectedGroup.objects.filter(name__in=missing.values())
            }
        )
        self.report.count("affected groups", "created", len(missing))

    def _sdgs(self, records: list[RecommendationRow]) -> None:
        missing = {}
        for ref in (ref for record in records for ref in record.sdgs):
            if ref.code not in self.sdgs:
                missing.setdefault(ref.code, ref.name[:255])
        SustainableDevelopmentGoal.objects.bulk_create(
            [SustainableDevelopmentGoal(code=code, name=name) for code, name in missing.items()],
            ignore_conflicts=True,
        )
        self.sdgs.update(
            {sdg.code: sdg for sdg in SustainableDevelopmentGoal.objects.filter(code__in=missing)}
        )
        self.report.count("SDGs", "created", len(missing))

    def _documents(self, records: list[RecommendationRow]) -> None:
        refs: dict[tuple, DocumentRef] = {}
        for record in records:
            responses = [r.document for t in record.targets for r in t.responses if r.document]
            for ref in ([record.document] if record.document else []) + responses:
                if ref.key() not in self.documents and (ref.key() not in refs or ref.authoritative):
                    refs[ref.key()] = ref
        if not refs:
            return
        symbols = [ref.symbol for ref in refs.values() if ref.symbol]
        titles = [ref.title for ref in refs.values() if not ref.symbol]
        for document in Document.objects.filter(
            Q(symbol__in=symbols) | Q(symbol="", title__in=titles)
        ):
            self.documents.setdefault(_document_key(document), document)
        new, changed = [], []
        for key, ref in refs.items():
            document = self.documents.get(key)
            if document is None:
                new.append(
                    Document(
                        symbol=ref.symbol,
                        title=(ref.title or ref.symbol)[:500],
                        kind=ref.kind,
                        body=self.bodies[ref.body.acronym] if ref.body else None,
                        date=ref.date,
                        url=ref.url,
                    )
                )
            elif ref.authoritative and _document_differs(document, ref):
                document.title, document.kind = ref.title[:500], ref.kind
                document.date, document.url = ref.date, ref.url
                changed.append(document)
        # Another import may have created a symbol meanwhile: keep its row, read it back.
        Document.objects.bulk_create(new, ignore_conflicts=True)
        for document in (
            Document.objects.filter(
                Q(symbol__in=[d.symbol for d in new if d.symbol])
                | Q(symbol="", title__in=[d.title for d in new if not d.symbol])
            )
            if new
            else []
        ):
            self.documents.setdefault(_document_key(document), document)
        Document.objects.bulk_update(changed, ["title", "kind", "date", "url"])
        self.report.count("documents", "created", len(new))
        self.report.count("documents", "updated", len(changed))

    def _upr_reviews(self, records: list[RecommendationRow]) -> None:
        """The reviews the UPR reports name: the calendar then knows each state's next one."""
        reviews = {
            (self.states[record.document.upr_review[0]], record.document.upr_review[1])
            for record in records
            if record.document
            and record.document.upr_review
            and record.document.upr_review[0] in self.states
        }
        if reviews:
            recorded = services.upr_reviews_record(reviews, source=self.source.change_reason)
            self.report.count("UPR reviews", "created", recorded)

    def document(self, ref: DocumentRef | None) -> Document | None:
        return self.documents[ref.key()] if ref else None

    # Recommendations and their many-to-many relations.

    def _recommendations(self, records: list[RecommendationRow]) -> tuple[list, set[int]]:
        """The records' recommendations, in record order, and the ids of those created."""
        documents = {self.document(record.document) for record in records}
        ids = [document.pk for document in documents if document]
        existing: dict[tuple, list[Recommendation]] = {}
        lookup = Q(document_id__in=ids) | (Q(document__isnull=True) if None in documents else Q())
        for recommendation in Recommendation.objects.filter(lookup).order_by("pk"):
            existing.setdefault(
                recommendation_key(
                    recommendation.document_id, recommendation.paragraph, recommendation.text
                ),
                [],
            ).append(recommendation)
        recommendations, new, changed = [], [], set()
        for record, recommendation in zip(
            records, self._existing_for(records, existing), strict=True
        ):
            document = self.document(record.document)
            issued_by = self.bodies[record.issued_by.acronym] if record.issued_by else None
            if recommendation is None:
                # Ids rather than instances: tens of thousands of rows, each relation set once.
                # Until created, a new recommendation is its index in `new`.
                recommendations.append(len(new))
                new.append(
                    {
                        "text": record.text,
                        "document_id": document.pk if document else None,
                        "paragraph": record.paragraph.strip(),
                        "issued_by_id": issued_by.pk if issued_by else None,
                        "issued_on": record.issued_on,
                        **self._provenance(record),
                    }
                )
                continue
            # A value the file gives replaces the stored one; a missing value is unknown, not
            # empty, and keeps what is there.
            if (issued_by and recommendation.issued_by_id != issued_by.pk) or (
                record.issued_on and recommendation.issued_on != record.issued_on
            ):
                recommendation.issued_by_id = (
                    issued_by.pk if issued_by else recommendation.issued_by_id
                )
                recommendation.issued_on = record.issued_on or recommendation.issued_on
                changed.add(recommendation.pk)
            recommendations.append(recommendation)
        created = [
            Created(pk)
            for pk in services.rows_bulk_create(
                Recommendation, rows=new, history=self.source.history
            )
        ]
        recommendations = [
            created[slot] if isinstance(slot, int) else slot for slot in recommendations
        ]
        new_ids = {recommendation.pk for recommendation in created}
        self.claimed |= new_ids
        changed |= self._relations(records, recommendations, new_ids=new_ids)
        updated = []
        for record, recommendation in zip(records, recommendations, strict=True):
            if recommendation.pk in changed:
                for name, value in self._provenance(record).items():
                    setattr(recommendation, name, value)
                updated.append(recommendation)
        services.rows_bulk_update(
            Recommendation,
            rows=updated,
            fields=[
                "issued_by",
                "issued_on",
                "source_file",
                "source_format",
                "source_row",
                "imported_at",
            ],
            history=self.source.history,
        )
        self.report.count("recommendations", "created", len(new))
        self.report.count("recommendations", "updated", len(updated))
        self.report.count("recommendations", "unchanged", len(records) - len(new) - len(updated))
        return recommendations, new_ids

    def _existing_for(
        self, records: list[RecommendationRow], existing: dict[tuple, list[Recommendation]]
    ) -> list[Recommendation | None]:
        """The stored recommendation each record is, or None for a new one.

        Identical words may be several recommendations (`core.records_merge`): a record is
        the one of its key whose responses it repeats, else the first of its key no other
        record took (its answer changed since), else new. Responses are read only for keys
        that hold several recommendations or records, so a usual file costs no query here.
        """
        keys = []
        for record in records:
            document = self.document(record.document)
            keys.append(
                recommendation_key(document.pk if document else None, record.paragraph, record.text)
            )
        per_key = Counter(keys)
        ambiguous = [
            recommendation.pk
            for key in per_key
            if per_key[key] > 1 or len(existing.get(key, ())) > 1
            for recommendation in existing.get(key, ())
        ]
        answers: dict[int, dict[tuple, str]] = {}
        for recommendation_id, *response_key, position in (
            Response.objects.filter(target__recommendation_id__in=ambiguous).values_list(
                "target__recommendation_id",
                "target__state_id",
                "target__body_id",
                "document_id",
                "date",
                "position",
            )
            if ambiguous
            else []
        ):
            answers.setdefault(recommendation_id, {})[tuple(response_key)] = position
        found: list[Recommendation | None] = [None] * len(records)
        for same_answers in (True, False):
            for index, record in enumerate(records):
                if found[index] is not None:
                    continue
                for candidate in existing.get(keys[index], ()):
                    if candidate.pk in self.claimed or (
                        same_answers
                        and candidate.pk in answers
                        and not self._answers_as(record, answers[candidate.pk])
                    ):
                        continue
                    found[index] = candidate
                    self.claimed.add(candidate.pk)
                    break
        return found

    def _answers_as(self, record: RecommendationRow, answers: dict[tuple, str]) -> bool:
        for target in record.targets:
            state = self.states[target.state].pk if target.state else None
            body = self.bodies[target.body.acronym].pk if target.body else None
            for response in target.responses:
                document = self.document(response.document)
                key = (state, body, document.pk if document else None, response.date)
                if answers.get(key) != response.position:
                    return False
        return True

    def _provenance(self, record: RecommendationRow) -> dict:
        return {
            "source_file": self.source.file_name[:255],
            "source_format": self.source.format,
            "source_row": record.row,
            "imported_at": self.source.imported_at,
        }

    def _relations(self, records, recommendations, *, new_ids: set[int]) -> set[int]:
        """Add the many-to-many rows the file gives and the database lacks; the ids changed."""
        wanted = {
            "recommending_states": lambda record: [
                self.states[code] for code in record.recommending_states
            ],
            "themes": lambda record: [self.theme(ref) for ref in record.themes],
            "organizations": lambda record: [
                self.organizations[name] for name in record.organizations
            ],
            "affected_groups": lambda record: [
                self.groups[name.casefold()] for name in record.affected_groups
            ],
            "sdgs": lambda record: [self.sdgs[ref.code] for ref in record.sdgs],
        }
        changed = set()
        old_ids = [r.pk for r in recommendations if r.pk not in new_ids]
        for name, related in wanted.items():
            field = Recommendation._meta.get_field(name)
            through = field.remote_field.through
            column = f"{field.m2m_reverse_field_name()}_id"
            have = (
                set(
                    through.objects.filter(recommendation_id__in=old_ids).values_list(
                        "recommendation_id", column
                    )
                )
                if old_ids
                else set()
            )
            missing = {
                (recommendation.pk, obj.pk)
                for record, recommendation in zip(records, recommendations, strict=True)
                for obj in related(record)
            } - have
            services.recommendation_relations_bulk_add(name=name, pairs=missing)
            changed |= {pk for pk, _ in missing if pk not in new_ids}
        return changed

    # Targets, responses, assessments.

    def _targets(self, records, recommendations, *, new_ids: set[int]) -> tuple[list, list]:
        """Write targets and what they answered; returns the ids of the targets created and of
        the existing ones whose status may have changed."""
        old_ids = [r.pk for r in recommendations if r.pk not in new_ids]
        existing = {}
        for target in services.targets_lock_for_bulk_write(recommendation_ids=old_ids):
            existing[_target_key(target.recommendation_id, target.state_id, target.body_id)] = (
                target
            )
        pairs, new, changed_dates = [], [], []
        for record, recommendation in zip(records, recommendations, strict=True):
            for row in record.targets:
                state = self.states[row.state] if row.state else None
                body = self.bodies[row.body.acronym] if row.body else None
                key = _target_key(recommendation.pk, state and state.pk, body and body.pk)
                target = existing.get(key)
                if target is None:
                    # Until created, a new target is its index in `new`.
                    target = existing[key] = len(new)
                    new.append(
                        {
                            "recommendation_id": recommendation.pk,
                            "state_id": state.pk if state else None,
                            "body_id": body.pk if body else None,
                            "response_due": row.response_due,
                            "follow_up_due": row.follow_up_due,
                        }
                    )
                elif isinstance(target, int):
                    if row.due_dates_given:
                        new[target]["response_due"] = row.response_due
                        new[target]["follow_up_due"] = row.follow_up_due
                elif row.due_dates_given and (
                    (target.response_due, target.follow_up_due)
                    != (row.response_due, row.follow_up_due)
                ):
                    target.response_due, target.follow_up_due = row.response_due, row.follow_up_due
                    changed_dates.append(target)
                pairs.append((row, target))
        # Their history is recorded once their due dates and statuses are derived.
        new = [Created(pk) for pk in services.rows_bulk_create(Target, rows=new, history=None)]
        pairs = [(row, new[target] if isinstance(target, int) else target) for row, target in pairs]
        services.rows_bulk_update(
            Target,
            rows=changed_dates,
            fields=["response_due", "follow_up_due"],
            history=self.source.history,
        )
        answered = self._responses(pairs, new_ids={t.pk for t in new})
        answered |= self._assessments(pairs, new_ids={t.pk for t in new})
        created = {target.pk for target in new}
        touched = ({target.pk for target in changed_dates} | answered) - created
        all_targets = {target.pk for _, target in pairs}
        self.report.count("targets", "created", len(created))
        self.report.count("targets", "updated", len(touched))
        self.report.count("targets", "unchanged", len(all_targets) - len(created) - len(touched))
        return sorted(created), sorted(touched)

    def _responses(self, pairs, *, new_ids: set[int]) -> set[int]:
        old_ids = {target.pk for _, target in pairs} - new_ids
        existing = {}
        for response in Response.objects.filter(target_id__in=old_ids).order_by("pk"):
            existing[(response.target_id, response.document_id, response.date)] = response
        new, changed = [], []
        for row, target in pairs:
            for item in row.responses:
                document = self.document(item.document)
                key = (target.pk, document.pk if document else None, item.date)
                response = existing.get(key)
                if response is None:
                    existing[key] = response = {
                        "target_id": target.pk,
                        "position": item.position,
                        "date": item.date,
                        "document_id": document.pk if document else None,
                        "paragraph": item.paragraph,
                    }
                    new.append(response)
                elif isinstance(response, dict):
                    # Said twice in the file: the last row's words stand.
                    response["position"] = item.position
                    response["paragraph"] = item.paragraph or response["paragraph"]
                # Our own export carries no paragraph: an empty one keeps the stored paragraph.
                elif response.position != item.position or (
                    item.paragraph and response.paragraph != item.paragraph
                ):
                    response.position = item.position
                    response.paragraph = item.paragraph or response.paragraph
                    changed.append(response)
                else:
                    self.report.count("responses", "unchanged")
        self._bulk_write(Response, new, changed, ["position", "paragraph"], "responses")
        return {response["target_id"] for response in new} | {r.target_id for r in changed}

    def _assessments(self, pairs, *, new_ids: set[int]) -> set[int]:
        old_ids = {target.pk for row, target in pairs if row.assessments} - new_ids
        existing = {}
        for assessment in Assessment.objects.filter(target_id__in=old_ids).order_by("pk"):
            existing[(assessment.target_id, assessment.assessed_on)] = assessment
        new, changed = [], []
        for row, target in pairs:
            for item in row.assessments:
                key = (target.pk, item.assessed_on)
                assessment = existing.get(key)
                if assessment is None:
                    existing[key] = assessment = {
                        "target_id": target.pk,
                        "implementation": item.implementation,
                        "assessed_on": item.assessed_on,
                    }
                    new.append(assessment)
                elif isinstance(assessment, dict):
                    assessment["implementation"] = item.implementation
                elif assessment.implementation != item.implementation:
                    assessment.implementation = item.implementation
                    changed.append(assessment)
                else:
                    self.report.count("assessments", "unchanged")
        self._bulk_write(Assessment, new, changed, ["implementation"], "assessments")
        return {assessment["target_id"] for assessment in new} | {a.target_id for a in changed}

    def _bulk_write(
        self, model, new: list[dict], changed: list, fields: list[str], name: str
    ) -> None:
        services.rows_bulk_create(model, rows=new, history=self.source.history)
        services.rows_bulk_update(model, rows=changed, fields=fields, history=self.source.history)
        self.report.count(name, "created", len(new))
        self.report.count(name, "updated", len(changed))


def _document_key(document: Document) -> tuple:
    return DocumentRef(symbol=document.symbol, title=document.title, kind=document.kind).key()


def _document_differs(document: Document, ref: DocumentRef) -> bool:
    return (document.title, document.kind, document.date, document.url) != (
        ref.title,
        ref.kind,
        ref.date,
        ref.url,
    )


def _target_key(recommendation_id, state_id, body_id) -> tuple:
    return (
        (recommendation_id, "state", state_id) if state_id else (recommendation_id, "body", body_id)
    )


def records_by_chunk(records: list[RecommendationRow], size: int = BATCH):
    for start in range(0, len(records), size):
        yield records[start : start + size]
