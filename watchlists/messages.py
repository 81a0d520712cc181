"""How a watchlist's event or calendar item reads, in the active language, written from its
payload (public fields only): the digest and the calendar feed say it the same way."""

from datetime import date

from django.utils import formats
from django.utils.translation import gettext

from recommendations.choices import EventKind, Implementation, Position, TargetStatus
from recommendations.state_names import state_name
from watchlists.choices import CalendarItemKind, WatchlistEventKind
from watchlists.links import public_page_url


def _day(iso_day: str | None) -> str:
    return formats.date_format(date.fromisoformat(iso_day)) if iso_day else ""


def _label(choices, value: str | None) -> str:
    return str(choices(value).label) if value in choices.values else (value or "")


def addressee(item: dict) -> str:
    """A state in the active language (pycountry's names), or a body's acronym."""
    if item.get("state"):
        return state_name(item["state"]) or item.get("state_name") or item["state"]
    return item.get("body") or ""


def citation(payload: dict) -> str:
    """A/HRC/25/CRP.1 para 1221 (a); the paragraph alone when the document is private."""
    document, paragraph = payload.get("document") or "", payload.get("paragraph") or ""
    if paragraph and not document:
        return gettext("para %(paragraph)s") % {"paragraph": paragraph}
    if paragraph:
        return gettext("%(document)s para %(paragraph)s") % {
            "document": document,
            "paragraph": paragraph,
        }
    return document


def _un_event(payload: dict) -> str:
    return gettext("%(event)s (%(kind)s) on %(day)s") % {
        "event": payload["name"],
        "kind": _label(EventKind, payload["kind"]).lower(),
        "day": _day(payload["date"]),
    }


def event_headline(kind: str, payload: dict) -> str:
    """One line: what happened."""
    who = addressee(payload)
    if kind == WatchlistEventKind.NEW_RECOMMENDATION:
        return gettext("New recommendation: %(citation)s") % {"citation": citation(payload)}
    if kind == WatchlistEventKind.NEW_RESPONSE:
        return gettext("%(addressee)s responded on %(day)s: %(position)s") % {
            "addressee": who,
            "day": _day(payload["date"]),
            "position": _label(Position, payload["position"]),
        }
    if kind == WatchlistEventKind.NEW_ASSESSMENT:
        return gettext("%(addressee)s assessed on %(day)s: %(implementation)s") % {
            "addressee": who,
            "day": _day(payload["assessed_on"]),
            "implementation": _label(Implementation, payload["implementation"]),
        }
    if kind == WatchlistEventKind.STATUS_CHANGED:
        return gettext("%(addressee)s: status changed from %(before)s to %(after)s") % {
            "addressee": who,
            "before": _label(TargetStatus, payload["status_before"]),
            "after": _label(TargetStatus, payload["status"]),
        }
    if kind == WatchlistEventKind.RESPONSE_DUE:
        return gettext("%(addressee)s: response due on %(day)s") % {
            "addressee": who,
            "day": _day(payload["due"]),
        }
    if kind == WatchlistEventKind.FOLLOW_UP_DUE:
        return gettext("%(addressee)s: follow-up due on %(day)s") % {
            "addressee": who,
            "day": _day(payload["due"]),
        }
    return _un_event(payload)


def event_item(kind: str, payload: dict) -> dict:
    """What the digest shows of an event: the headline, where it is written, an excerpt, who
    it is addressed to, and a link to the public page."""
    addressees = [addressee(row) for row in payload.get("addressees", [])] or [
        who for who in [addressee(payload)] if who
    ]
    return {
        "headline": event_headline(kind, payload),
        "citation": citation(payload) if kind != WatchlistEventKind.NEW_RECOMMENDATION else "",
        "excerpt": payload.get("excerpt", ""),
        "addressees": ", ".join(addressees),
        "url": public_page_url(payload.get("recommendation")),
    }


def calendar_summary(kind: str, payload: dict) -> str:
    if kind == CalendarItemKind.UN_EVENT:
        return payload["name"]
    values = {"addressee": addressee(payload), "citation": citation(payload)}
    if kind == CalendarItemKind.RESPONSE_DUE:
        return gettext("Response due: %(addressee)s — %(citation)s") % values
    return gettext("Follow-up due: %(addressee)s — %(citation)s") % values


def calendar_description(kind: str, payload: dict) -> str:
    if kind == CalendarItemKind.UN_EVENT:
        concerned = [state_name(code) or code for code in payload["states"]] + payload["bodies"]
        return gettext("Concerns: %(concerned)s") % {"concerned": ", ".join(concerned)}
    return payload.get("excerpt", "")
