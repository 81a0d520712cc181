"""Every imported value passes the validation the API and the admin apply: the model fields'
own `clean()` (lengths, slugs, URL schemes, the text limit), run on each record's values
without a query. A record with a bad value is a bad row, reported by its row and the file's
column; the other rows are imported.

The values of a file repeat (themes, documents, bodies over thousands of rows), so each
(field, value) is checked once per import; texts, which do not repeat, every time.
"""

from collections.abc import Iterator

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_noop

from recommendations.importers.core import BodyRef, DocumentRef, RecommendationRow, RowError
from recommendations.importers.messages import Message
from recommendations.models import (
    AffectedGroup,
    Body,
    Document,
    Organization,
    Recommendation,
    Response,
    SustainableDevelopmentGoal,
    Theme,
)

CACHED_LENGTH = 300


def records_validate(
    records: list[RecommendationRow], *, columns: dict[str, str]
) -> tuple[list[RecommendationRow], list[RowError]]:
    """The records whose every value is valid, and an error per bad value of the others.

    `columns` names the file's column for each value's path ("document.url"); a path not
    named is reported as it is.
    """
    good, errors = [], []
    checked: dict[tuple, tuple[Message, ...]] = {}

    def messages(model, name: str, value: str) -> tuple[Message, ...]:
        if len(value) > CACHED_LENGTH:
            return field_errors(model, name, value)
        key = (model, name, value)
        if key not in checked:
            checked[key] = field_errors(model, name, value)
        return checked[key]

    for record in records:
        found = [
            RowError(
                record.row,
                columns.get(path, path),
                Message(
                    gettext_noop("%(value)s: %(message)s"),
                    value=value_shown(value),
                    message=message,
                ),
            )
            for path, model, name, value in record_values(record)
            for message in messages(model, name, value)
        ]
        if found:
            errors.extend(found)
        else:
            good.append(record)
    return good, errors


def value_shown(value: str, length: int = 60) -> str:
    text = " ".join(value.split())
    return f"'{text}'" if len(text) <= length else f"'{text[: length - 1]}…'"


def record_values(record: RecommendationRow) -> Iterator[tuple[str, type, str, str]]:
    """(path, model, field name, value) for every value a record would write."""
    yield "text", Recommendation, "text", record.text
    yield "paragraph", Recommendation, "paragraph", record.paragraph.strip()
    if record.document:
        yield from _document_values("document", record.document)
    if record.issued_by:
        yield from _body_values("issued_by", record.issued_by)
    for theme in record.themes:
        yield "themes", Theme, "slug", theme.slug
        yield "themes", Theme, "name", theme.name
        yield "themes", Theme, "uhri_code", theme.uhri_code
    for name in record.organizations:
        yield "organizations", Organization, "name", name
    for name in record.affected_groups:
        yield "affected_groups", AffectedGroup, "name", name
    for sdg in record.sdgs:
        yield "sdgs", SustainableDevelopmentGoal, "code", sdg.code
        yield "sdgs", SustainableDevelopmentGoal, "name", sdg.name
    for target in record.targets:
        if target.body:
            yield from _body_values("targets.body", target.body)
        for response in target.responses:
            yield "responses.paragraph", Response, "paragraph", response.paragraph
            if response.document:
                yield from _document_values("responses.document", response.document)


def _document_values(path: str, ref: DocumentRef) -> Iterator[tuple[str, type, str, str]]:
    yield f"{path}.symbol", Document, "symbol", ref.symbol
    yield f"{path}.title", Document, "title", ref.title or ref.symbol
    yield f"{path}.url", Document, "url", ref.url
    if ref.body:
        yield from _body_values(f"{path}.body", ref.body)


def _body_values(path: str, ref: BodyRef) -> Iterator[tuple[str, type, str, str]]:
    yield f"{path}.acronym", Body, "acronym", ref.acronym
    yield f"{path}.name", Body, "name", ref.name or ref.acronym


def field_errors(model: type[models.Model], name: str, value: str) -> tuple[Message, ...]:
    """The messages the model field's clean() gives for the value: () when it is valid. Kept
    as their msgids and values, so a stored report shows them in its reader's language."""
    try:
        model._meta.get_field(name).clean(value, None)
    except ValidationError as error:
        return tuple(Message.of_validation(item.message, item.params) for item in error.error_list)
    return ()
