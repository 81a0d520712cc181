"""What an anonymous client may read, per field and per row: the one rule the public pages, the
API, the exports and the campaign pages all call.

- Per field: STAFF_ONLY_FIELDS, never shown to anyone but staff.
- Per row, decided by an editor: a private document (`Document.public`) is withheld, while
  what it records (a recommendation, a response, the status they give) stays public; an
  assessment's source (`Assessment.source_public`) may be withheld while its grade stays.
- Private campaigns and their asks: `Campaign.objects.visible_to()`.

A withheld reference reads as empty (null, or "" for text), never as a placeholder that
would tell which rows hold something private.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TypeVar

from django.db.models import Model, QuerySet

from recommendations.models import Assessment, Document, Organization, Recommendation, Response

M = TypeVar("M", bound=Model)

STAFF_ONLY_FIELDS: dict[type[Model], tuple[str, ...]] = {
    Recommendation: ("owner", "watchers", "internal_note"),
    Assessment: ("author",),
    Organization: ("contact_name", "contact_email"),
}

# The foreign keys to a document, per model: withheld when the document is private.
DOCUMENT_REFERENCES: dict[type[Model], tuple[str, ...]] = {
    Recommendation: ("document",),
    Response: ("document",),
    Assessment: ("source_document",),
}

# What an assessment with a private source withholds, and the value shown instead.
ASSESSMENT_SOURCE = {"source_document": None, "source_url": ""}


def sees_private(user) -> bool:
    return bool(user is not None and user.is_active and user.is_staff)


def staff_only_fields(model: type[Model]) -> tuple[str, ...]:
    return STAFF_ONLY_FIELDS.get(model, ())


@dataclass(frozen=True)
class PrivateDocuments:
    ids: frozenset[int]
    # Some reads name a document by its symbol alone (a target's latest response).
    symbols: frozenset[str]


def private_documents() -> PrivateDocuments:
    """The private documents: few, read in one query (a cached read would take as many)."""
    rows = list(Document.objects.filter(public=False).order_by().values_list("pk", "symbol"))
    return PrivateDocuments(
        frozenset(pk for pk, _ in rows), frozenset(symbol for _, symbol in rows if symbol)
    )


def private_document_ids() -> frozenset[int]:
    return private_documents().ids


def shown_symbol(symbol: str | None, user=None, private: PrivateDocuments | None = None):
    """A document's symbol as `user` may read it: None for a private document's."""
    if sees_private(user):
        return symbol
    private = private_documents() if private is None else private
    return None if symbol in private.symbols else symbol


def readable_documents(user, documents: QuerySet[Document] | None = None) -> QuerySet[Document]:
    documents = Document.objects.all() if documents is None else documents
    return documents if sees_private(user) else documents.filter(public=True)


def references_documents(model: type[Model]) -> bool:
    return model in DOCUMENT_REFERENCES


def withheld(
    instance: Model, user=None, private: PrivateDocuments | None = None
) -> dict[str, object]:
    """The fields of `instance` that `user` reads as empty, with the empty value of each.
    `private`: private_documents(), when the caller reads many instances."""
    if sees_private(user):
        return {}
    hidden: dict[str, object] = {}
    references = DOCUMENT_REFERENCES.get(type(instance), ())
    if references:
        private = private_documents() if private is None else private
        hidden = {
            field: None for field in references if getattr(instance, f"{field}_id") in private.ids
        }
    if isinstance(instance, Assessment) and not instance.source_public:
        hidden.update(ASSESSMENT_SOURCE)
    return hidden


def redacted(instances: Iterable[M], user=None, private: PrivateDocuments | None = None) -> list[M]:
    """The instances as `user` may read them, for pages: withheld fields emptied in memory.

    The instances are for display only and are never saved."""
    instances = list(instances)
    if private is None and not sees_private(user):
        private = private_documents()
    for instance in instances:
        for field, empty in withheld(instance, user, private).items():
            setattr(instance, field, empty)
    return instances
