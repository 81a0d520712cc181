"""The campaign's brief: its evidence as an NGO's letter cites it. Each recommendation is
quoted in its original words with its full citation (body, document title, symbol, date,
paragraph), grouped by mechanism, with each addressee's status; then the campaign's own asks
and the silence table. The same content as a printable page (templates/campaigns/brief.html)
and as a Word file an NGO edits (python-docx, already used to read OHCHR's matrices).

Headings and labels are in the active language; the quotes stay as the UN wrote them.
"""

import io
import re
from dataclasses import dataclass, field

from django.utils import formats, timezone
from django.utils.translation import gettext, ngettext
from docx import Document as WordDocument
from docx.shared import Pt

from campaigns import selectors
from campaigns.models import Campaign, CampaignLink
from recommendations.choices import TargetStatus
from recommendations.models import Recommendation


@dataclass
class Quote:
    text: str
    citation: str
    statuses: list[str]
    note: str = ""


@dataclass
class Mechanism:
    name: str
    quotes: list[Quote] = field(default_factory=list)


def full_citation(recommendation: Recommendation) -> str:
    """Body, document title, symbol, date, paragraph: what a footnote gives."""
    document = recommendation.document
    body = recommendation.issued_by or (document.body if document else None)
    parts = []
    if body:
        parts.append(body.name)
    if document:
        parts.append(document.title)
        if document.symbol:
            parts.append(document.symbol)
    day = (document.date if document else None) or recommendation.issued_on
    if day:
        parts.append(formats.date_format(day, "DATE_FORMAT"))
    if recommendation.paragraph:
        parts.append(gettext("para %(paragraph)s") % {"paragraph": recommendation.paragraph})
    return ", ".join(parts)


def _statuses(link: CampaignLink) -> list[str]:
    today = timezone.localdate()
    return [
        f"{(target.state or target.body).localized_name()}: "
        f"{TargetStatus(target.current_status(today)).label}"
        for target in link.recommendation.targets.all()
    ]


def campaign_content(
    campaign: Campaign, reader=None, upr: selectors.UprCounts | None = None
) -> dict:
    """What the campaign's page and its brief both show to `reader`: the linked
    recommendations, the scorecard and the silence table. `upr`: the UPR reviews' counts of
    the silence table, if counted already."""
    links = selectors.campaign_links(campaign, reader)
    return {
        "campaign": campaign,
        "links": links,
        "scorecard": selectors.campaign_scorecard(campaign, links),
        "silence": selectors.campaign_silence(campaign, upr, reader),
        "today": timezone.localdate(),
    }


def brief_content(campaign: Campaign, reader=None) -> dict:
    """What the brief shows to `reader`, as a page and as a Word file: the campaign's
    content, and each recommendation quoted with its citation and statuses."""
    content = campaign_content(campaign, reader)
    links = content["links"]
    organizations = set(campaign.organizations.values_list("pk", flat=True))
    mechanisms: dict[str, Mechanism] = {}
    for link in links:
        recommendation = link.recommendation
        if selectors.is_ask(organizations, recommendation):
            continue
        body = recommendation.issued_by
        name = body.name if body else gettext("Other")
        mechanisms.setdefault(name, Mechanism(name)).quotes.append(
            Quote(
                text=recommendation.text,
                citation=full_citation(recommendation),
                statuses=_statuses(link),
                note=link.note,
            )
        )
    asks = [
        (
            group.document.title if group.document else gettext("Asks without a document"),
            [
                Quote(
                    text=link.recommendation.text,
                    citation=full_citation(link.recommendation),
                    statuses=_statuses(link),
                    note=link.note,
                )
                for link in group.links
            ],
        )
        for group in selectors.campaign_asks(campaign, links)
    ]
    return {**content, "mechanisms": list(mechanisms.values()), "asks": asks}


def brief_docx(campaign: Campaign, reader=None) -> bytes:
    content = brief_content(campaign, reader)
    word = WordDocument()
    word.styles["Normal"].font.size = Pt(11)
    word.add_heading(_xml(campaign.name), level=0)
    word.add_paragraph(_xml(campaign.goal))
    word.add_heading(gettext("Scorecard"), level=1)
    for score in content["scorecard"]["addressees"]:
        word.add_paragraph(
            f"{score.addressee.localized_name()}: {score.sentence}", style="List Bullet"
        )
    word.add_heading(gettext("What the UN's mechanisms recommended"), level=1)
    for mechanism in content["mechanisms"]:
        word.add_heading(_xml(mechanism.name), level=2)
        _quotes(word, mechanism.quotes)
    if content["asks"]:
        word.add_heading(gettext("What we asked"), level=1)
        for title, quotes in content["asks"]:
            word.add_heading(_xml(title), level=2)
            _quotes(word, quotes)
    word.add_heading(gettext("Who spoke and who stayed silent"), level=1)
    table = word.add_table(rows=1, cols=4)
    table.style = "Table Grid"
    for cell, heading in zip(
        table.rows[0].cells,
        [gettext("Actor"), gettext("Last spoke"), gettext("Silent since"), gettext("Record")],
        strict=True,
    ):
        cell.text = heading
    for actor in content["silence"]:
        row = table.add_row().cells
        row[0].text = actor.actor.localized_name()
        row[1].text = (
            formats.date_format(actor.last_spoke, "DATE_FORMAT")
            if actor.last_spoke
            else gettext("never, on record")
        )
        row[2].text = ngettext(
            "%(count)d occasion without a word",
            "%(count)d occasions without a word",
            actor.silent_since_count,
        ) % {"count": actor.silent_since_count}
        row[3].text = _xml("; ".join(_occasion(occasion) for occasion in actor.words))
    buffer = io.BytesIO()
    word.save(buffer)
    return buffer.getvalue()


def _occasion(occasion) -> str:
    day = formats.date_format(occasion.date, "DATE_FORMAT") if occasion.date else ""
    said = gettext("spoke") if occasion.spoke else gettext("silent")
    note = f" ({occasion.note})" if occasion.note else ""
    return f"{occasion.symbol or occasion.label} ({day}): {said}{note}"


# Characters XML 1.0 cannot hold (python-docx refuses them): an editor may have pasted one.
XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml(text: str) -> str:
    return XML_INVALID.sub("", text)


def _quotes(word, quotes: list[Quote]) -> None:
    for quote in quotes:
        paragraph = word.add_paragraph(style="Quote")
        paragraph.add_run(_xml(f"“{quote.text}”"))
        word.add_paragraph(_xml(quote.citation))
        if quote.statuses:
            word.add_paragraph(
                gettext("Status: %(statuses)s") % {"statuses": "; ".join(quote.statuses)}
            )
