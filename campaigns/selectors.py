"""What a campaign reads: its links and asks, the scorecard, the silence table, the
timeline and the suggestions. Each is a fixed number of queries whatever the campaign's size.
"""

import functools
import math
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date
from urllib.parse import urlencode

from django.contrib.postgres.search import SearchQuery, SearchRank, TrigramSimilarity
from django.core.cache import cache
from django.db import connection
from django.db.models import (
    Count,
    Exists,
    F,
    Func,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    TextField,
    Value,
)
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from psycopg import sql

from campaigns.choices import Mention
from campaigns.models import Campaign, CampaignLink, MentionReview, SuggestionDecision
from recommendations import data_version, visibility
from recommendations.choices import BodyKind, DocumentKind, Implementation, Position
from recommendations.models import Body, Document, Event, Recommendation, State, Target
from recommendations.selectors import targets_with_latest


def campaign_recommendations(campaign: Campaign) -> QuerySet[Recommendation]:
    return Recommendation.objects.filter(campaign_links__campaign=campaign)


def campaign_links(campaign: Campaign, reader=None) -> list[CampaignLink]:
    """The linked recommendations with their document, issuer and targets' latest values, as
    `reader` may see them (recommendations/visibility.py: the public's view by default)."""
    links = list(
        campaign.links.select_related("recommendation__document__body", "recommendation__issued_by")
        .defer(*(f"recommendation__{column}" for column in Recommendation.SEARCH_COLUMNS))
        .prefetch_related(
            "recommendation__organizations",
            Prefetch(
                "recommendation__targets",
                queryset=targets_with_latest(Target.objects.order_by("pk")),
            ),
        )
        .order_by("recommendation__issued_on", "recommendation__paragraph", "pk")
    )
    visibility.redacted((link.recommendation for link in links), reader)
    return links


def is_ask(campaign_organizations: set[int], recommendation: Recommendation) -> bool:
    """An ask is a demand the campaign's own organisations made (a letter, a statement)."""
    return bool(campaign_organizations & {org.pk for org in recommendation.organizations.all()})


@dataclass
class AskGroup:
    """The demands one letter or statement made, each with its addressee and deadline."""

    document: Document | None
    links: list[CampaignLink] = field(default_factory=list)


def campaign_asks(campaign: Campaign, links: list[CampaignLink] | None = None) -> list[AskGroup]:
    links = campaign_links(campaign) if links is None else links
    organizations = set(campaign.organizations.values_list("pk", flat=True))
    groups: dict[int | None, AskGroup] = {}
    for link in links:
        if is_ask(organizations, link.recommendation):
            document = link.recommendation.document
            key = document.pk if document else None
            groups.setdefault(key, AskGroup(document)).links.append(link)
    return list(groups.values())


# The scorecard.

SUPPORTED = {Position.SUPPORTED, Position.PARTIALLY_SUPPORTED}


@dataclass
class AddresseeScore:
    addressee: State | Body
    targets: list[Target]
    mechanisms: int
    since: int | None
    positions: dict[str, int]
    implemented: int
    sentence: str = ""


def _mechanism(recommendation: Recommendation) -> str:
    if recommendation.issued_by_id:
        return recommendation.issued_by.acronym
    return ", ".join(sorted(org.acronym or org.name for org in recommendation.organizations.all()))


def campaign_scorecard(campaign: Campaign, links: list[CampaignLink] | None = None) -> dict:
    """Per addressee, the linked recommendations' targets with their status and a sentence a
    campaigner can quote; per mechanism, how many it issued. The campaign's own asks are
    counted apart: they are demands, not the UN's recommendations."""
    links = campaign_links(campaign) if links is None else links
    organizations = set(campaign.organizations.values_list("pk", flat=True))
    today = timezone.localdate()
    by_addressee: dict[tuple, list[tuple[Recommendation, Target]]] = defaultdict(list)
    per_mechanism: dict[str, int] = defaultdict(int)
    asks = 0
    for link in links:
        recommendation = link.recommendation
        if is_ask(organizations, recommendation):
            asks += 1
            continue
        per_mechanism[_mechanism(recommendation)] += 1
        for target in recommendation.targets.all():
            target.recommendation = recommendation  # the prefetched row: no query per target
            target.today_status = target.current_status(today)
            by_addressee[(target.state_id, target.body_id)].append((recommendation, target))
    scores = []
    for pairs in by_addressee.values():
        targets = [target for _, target in pairs]
        addressee = targets[0].state or targets[0].body
        positions = defaultdict(int)
        for target in targets:
            if target.latest_position:
                positions[target.latest_position] += 1
        years = [r.issued_on.year for r, _ in pairs if r.issued_on]
        score = AddresseeScore(
            addressee=addressee,
            targets=targets,
            mechanisms=len({_mechanism(r) for r, _ in pairs}),
            since=min(years) if years else None,
            positions=dict(positions),
            implemented=sum(
                1 for t in targets if t.latest_implementation == Implementation.IMPLEMENTED
            ),
        )
        score.sentence = scorecard_sentence(score)
        scores.append(score)
    scores.sort(key=lambda score: (-len(score.targets), str(score.addressee)))
    return {
        "addressees": scores,
        "mechanisms": dict(sorted(per_mechanism.items(), key=lambda item: (-item[1], item[0]))),
        "asks": asks,
    }


def scorecard_sentence(score: AddresseeScore) -> str:
    """ "Recommended 14 times by 6 mechanisms since 2008; supported 3, noted 9, rejected 2;
    implemented none." In the active language; each part a whole phrase and the sentence a
    pattern, so a translation orders and punctuates them its own way."""
    count = len(score.targets)
    mechanisms = ngettext("%(count)d mechanism", "%(count)d mechanisms", score.mechanisms) % {
        "count": score.mechanisms
    }
    recommended = ngettext(
        "Recommended %(count)d time by %(mechanisms)s",
        "Recommended %(count)d times by %(mechanisms)s",
        count,
    ) % {"count": count, "mechanisms": mechanisms}
    if score.since:
        recommended = gettext("%(recommended)s since %(year)d") % {
            "recommended": recommended,
            "year": score.since,
        }
    answers = {
        "supported": sum(n for position, n in score.positions.items() if position in SUPPORTED),
        "noted": score.positions.get(Position.NOTED, 0),
        "rejected": score.positions.get(Position.REJECTED, 0),
        "unanswered": count - sum(score.positions.values()),
    }
    answered = (
        gettext(
            "supported %(supported)d, noted %(noted)d, rejected %(rejected)d, "
            "unanswered %(unanswered)d"
        )
        if answers["unanswered"]
        else gettext("supported %(supported)d, noted %(noted)d, rejected %(rejected)d")
    ) % answers
    implemented = (
        gettext("implemented %(count)d") % {"count": score.implemented}
        if score.implemented
        else gettext("implemented none")
    )
    return gettext("%(recommended)s; %(answered)s; %(implemented)s.") % {
        "recommended": recommended,
        "answered": answered,
        "implemented": implemented,
    }


# The silence tracker.


@dataclass
class Word:
    """One occasion an actor could have spoken: a document it wrote, a UPR review."""

    date: date | None
    label: str
    spoke: bool
    mentions: str = ""
    names_state: bool = False
    quote: str = ""
    paragraph: str = ""
    symbol: str = ""
    # What the record says of the occasion, in the reader's language (a UPR review's count).
    note: str = ""


class ActorSilence:
    """A watched actor, the last time it spoke and how many occasions have passed since
    without a word. A state has an occasion at each UPR review of the campaign's states,
    thousands for a busy campaign, and the campaign's page shows only the sums: the reviews
    become `words` when these are read."""

    def __init__(
        self,
        actor: State | Body,
        kind: str,
        words: list[Word],
        upr: "tuple[UprCounts, int] | None" = None,
    ):
        self.actor = actor
        self.kind = kind  # "state" or "body"
        self._documents = words
        # The UPR counts and the state whose occasions they hold.
        self._upr = upr
        occasions = [(word.date, word.spoke) for word in words]
        if upr is not None:
            counts, state = upr
            occasions += [
                (report.date, bool(counts.made.get((report.pk, state), NOT_MADE)[1]))
                for report in counts.reports
            ]
        self.occasions = len(occasions)
        self.ever_spoke = any(spoke for _, spoke in occasions)
        spoken = [day for day, spoke in occasions if spoke and day]
        self.last_spoke: date | None = max(spoken) if spoken else None
        since = self.last_spoke or date.min
        self.silent_since_count = sum(
            1 for day, spoke in occasions if not spoke and (day or date.min) > since
        )

    @property
    def key(self) -> str:
        return self.actor.code if self.kind == "state" else self.actor.acronym

    @functools.cached_property
    def words(self) -> list[Word]:
        """Every occasion, oldest first."""
        words = self._documents + (_upr_words(*self._upr) if self._upr else [])
        words.sort(key=lambda word: (word.date or date.min, word.label))
        return words

    def silent_days(self, today: date) -> int | None:
        return (today - self.last_spoke).days if self.last_spoke else None


def campaign_silence(
    campaign: Campaign, upr: "UprCounts | None" = None, reader=None
) -> list[ActorSilence]:
    """For each watched actor: its documents an editor reviewed (mentions the demand, names
    the state), the campaign's recommendations it issued, and, for a state, each UPR review
    of the campaign's states at which it recommended on the campaign's themes or did not.
    With the last time it spoke and how many occasions have passed since without a word.
    `upr`: the UPR reviews counted already (campaign_upr_counts()), else counted now.

    As `reader` may see them (recommendations/visibility.py: the public's view by default):
    a private document's title, symbol and the words quoted from it are withheld, while
    what the review records (when, and whether the actor spoke) stays."""
    reviews = list(MentionReview.objects.filter(campaign=campaign).select_related("document"))
    private = None if visibility.sees_private(reader) else visibility.private_documents()
    withheld = private.ids if private else frozenset()
    bodies = list(campaign.watched_bodies.order_by("acronym"))
    reviewed = {review.document_id for review in reviews}
    # What the watched bodies issued, but for the documents reviewed: such a document speaks
    # through its review, not again per paragraph.
    issued = visibility.redacted(
        (
            recommendation
            for recommendation in campaign_recommendations(campaign)
            .filter(issued_by__in=bodies)
            .select_related("document", "issued_by")
            .defer(*Recommendation.SEARCH_COLUMNS)
            .order_by("issued_on")
            if recommendation.document_id not in reviewed
        ),
        reader,
        private,
    )
    actors: list[ActorSilence] = []
    for body in bodies:
        words = [
            _reviewed(review, withheld) for review in reviews if review.document.body_id == body.pk
        ] + [_issued(r) for r in issued if r.issued_by_id == body.pk]
        actors.append(ActorSilence(body, "body", words))
    counts = upr_counts(campaign) if upr is None else upr
    for state in campaign.watched_states.order_by("name"):
        words = [
            _reviewed(review, withheld)
            for review in reviews
            if review.document.state_id == state.pk
        ]
        actors.append(ActorSilence(state, "state", words, (counts, state.pk)))
    return actors


def _reviewed(review: MentionReview, withheld: frozenset[int]) -> Word:
    document = review.document
    word = Word(
        date=document.date,
        label=document.title,
        spoke=review.mentions != Mention.NO,
        mentions=review.mentions,
        names_state=review.names_state,
        quote=review.quote,
        paragraph=review.paragraph,
        symbol=document.symbol,
    )
    if document.pk in withheld:
        return replace(word, label="", quote="", paragraph="", symbol="")
    return word


def _issued(recommendation: Recommendation) -> Word:
    document = recommendation.document
    return Word(
        date=recommendation.issued_on,
        label=document.title if document else str(recommendation),
        spoke=True,
        mentions=Mention.YES,
        names_state=True,
        quote=recommendation.text,
        paragraph=recommendation.paragraph,
        symbol=document.symbol if document else "",
    )


# The campaign page's UPR counts, as data_version.lasting_read() keeps them (by the campaign's
# id): after a write, the last ones while a worker counts them again.
UPR_COUNTS = "campaign-upr-counts"


@dataclass(frozen=True)
class UprReport:
    pk: int
    date: date | None
    title: str
    symbol: str


@dataclass(frozen=True)
class UprCounts:
    """The UPR reports of the campaign's states' reviews, oldest first, and per report and
    watched state how many recommendations the state made there: (in all, on the campaign's
    themes). Plain data, in no language: cached, and read by readers of every language."""

    reports: tuple[UprReport, ...]
    made: dict[tuple[int, int], tuple[int, int]]


# A state that made no recommendation at a review: (in all, on the campaign's themes).
NOT_MADE = (0, 0)


def upr_counts(campaign: Campaign) -> UprCounts:
    """At each UPR review of the campaign's states, what each watched state recommended, on
    the campaign's themes and in all. Two queries, over every UPR recommendation of those
    states: a few hundred milliseconds at a million."""
    watched = list(campaign.watched_states.values_list("pk", flat=True))
    themes = list(campaign.themes.values_list("pk", flat=True))
    if not watched or not themes:
        return UprCounts((), {})
    # A semi-join on the reviews' ids: joined and made DISTINCT, every document row came once
    # per target of the campaign's states (most of a busy state's reviews), wide rows sorted.
    reviews = Target.objects.filter(
        state__in=campaign.states.all(),
        recommendation__issued_by__kind=BodyKind.UPR,
    ).values("recommendation__document")
    reports = tuple(
        UprReport(*row)
        for row in Document.objects.filter(kind=DocumentKind.UPR_REPORT, pk__in=reviews)
        .order_by("date")
        .values_list("pk", "date", "title", "symbol")
    )
    # Counted at every UPR review, not at the documents' ids: a list of thousands of ids cost
    # more to plan than the few extra groups cost to count, and the loop reads only its own.
    # A state recommends a recommendation once (the through table's unique key), so rows are
    # counted as they are; a theme is asked after, not joined: joined, each row came once per
    # theme, to be sorted and counted DISTINCT.
    on_themes = Recommendation.themes.through.objects.filter(
        recommendation=OuterRef("recommendation"), theme__in=themes
    )
    made = (
        Recommendation.recommending_states.through.objects.filter(
            recommendation__document__kind=DocumentKind.UPR_REPORT, state__in=watched
        )
        .values("recommendation__document", "state")
        .annotate(total=Count("pk"), on_demand=Count("pk", filter=Exists(on_themes)))
        .order_by()
    )
    return UprCounts(
        reports,
        {
            (row["recommendation__document"], row["state"]): (row["total"], row["on_demand"])
            for row in made
        },
    )


def campaign_upr_counts(
    campaign: Campaign, recount: Callable[[str], object]
) -> data_version.Counted[UprCounts]:
    """upr_counts() for the campaign's page: after a write, the last ones, marked, with
    recount(version) queueing the worker's count (upr_counts_recounted)."""
    return data_version.lasting_read(
        UPR_COUNTS, _upr_params(campaign.pk), lambda: upr_counts(campaign), recount
    )


def upr_counts_recounted(campaign_id: int, version: str) -> None:
    """The worker's count of a campaign's UPR counts, queued at data version `version`."""
    campaign = Campaign.objects.filter(pk=campaign_id).first()
    if campaign is not None:
        data_version.counted(
            UPR_COUNTS, _upr_params(campaign_id), lambda: upr_counts(campaign), queued_at=version
        )


def _upr_params(campaign_id: int) -> QueryDict:
    return QueryDict(urlencode({"campaign": campaign_id}))


def _upr_words(counts: UprCounts, state: int) -> list[Word]:
    """At each UPR review of the campaign's states, whether the watched `state` recommended
    on the campaign's themes (it spoke), on other things only (silent on the demand), or made
    no recommendation at all (silent too)."""
    words = []
    # Thousands of reviews and a few dozen distinct notes: each translated once.
    notes: dict[tuple[int, int], str] = {}
    for report in counts.reports:
        total, on_demand = counts.made.get((report.pk, state), NOT_MADE)
        if (on_demand, total) not in notes:
            notes[on_demand, total] = _upr_note(on_demand, total)
        words.append(
            Word(
                date=report.date,
                label=report.title,
                spoke=bool(on_demand),
                mentions=Mention.YES if on_demand else Mention.NO,
                names_state=bool(on_demand),
                note=notes[on_demand, total],
                symbol=report.symbol,
            )
        )
    return words


def _upr_note(on_demand: int, total: int) -> str:
    if on_demand:
        return ngettext(
            "%(count)d recommendation on the campaign's themes",
            "%(count)d recommendations on the campaign's themes",
            on_demand,
        ) % {"count": on_demand}
    if total:
        return ngettext(
            "%(count)d recommendation, none on the campaign's themes",
            "%(count)d recommendations, none on the campaign's themes",
            total,
        ) % {"count": total}
    return gettext("no recommendation")


def silent_actors(campaign: Campaign, *, today: date) -> list[ActorSilence]:
    """The watched actors silent for longer than the campaign's threshold since their last
    word, or with none ever among the occasions on record."""
    threshold = campaign.silence_alert_days
    silent = []
    for actor in campaign_silence(campaign):
        if actor.last_spoke is not None:
            if (today - actor.last_spoke).days > threshold:
                silent.append(actor)
        elif actor.occasions and not actor.ever_spoke:
            # Never a word on record. One spoken on a day nobody recorded is no silence.
            silent.append(actor)
    return silent


# The timeline.


TIMELINE_KINDS = ["recommendation", "deadline", "response", "mention", "event"]


@dataclass
class TimelineEntry:
    date: date
    kind: str
    label: str
    detail: str = ""


def campaign_timeline(campaign: Campaign, links: list[CampaignLink] | None = None) -> list:
    """The linked recommendations, their addressees' deadlines and latest responses, the
    silence reviews and the UN calendar's events of the campaign's states and bodies, in
    date order."""
    links = campaign_links(campaign) if links is None else links
    entries: list[TimelineEntry] = []
    for link in links:
        recommendation = link.recommendation
        if recommendation.issued_on:
            entries.append(
                TimelineEntry(
                    recommendation.issued_on,
                    "recommendation",
                    citation(recommendation),
                    recommendation.text,
                )
            )
        for target in recommendation.targets.all():
            addressee = (target.state or target.body).localized_name()
            if target.response_due:
                entries.append(
                    TimelineEntry(
                        target.response_due,
                        "deadline",
                        gettext("%(addressee)s to answer %(citation)s")
                        % {"addressee": addressee, "citation": citation(recommendation)},
                    )
                )
            if target.latest_response_date:
                entries.append(
                    TimelineEntry(
                        target.latest_response_date,
                        "response",
                        gettext("%(addressee)s answered %(citation)s")
                        % {"addressee": addressee, "citation": citation(recommendation)},
                        str(Position(target.latest_position).label),
                    )
                )
    for review in MentionReview.objects.filter(campaign=campaign).select_related("document"):
        if review.document.date:
            entries.append(
                TimelineEntry(
                    review.document.date,
                    "mention",
                    review.document.title,
                    str(review.get_mentions_display()),
                )
            )
    events = Event.objects.filter(
        Q(states__in=campaign.states.all()) | Q(bodies__in=campaign.bodies.all())
    ).distinct()
    entries += [TimelineEntry(event.date, "event", event.name) for event in events]
    entries.sort(key=lambda entry: (entry.date, entry.kind, entry.label))
    return entries


def campaign_calendar(campaign: Campaign, *, limit: int = 20) -> list[Event]:
    """The UN calendar's coming dates for the campaign's states and bodies."""
    return list(
        Event.objects.filter(
            Q(states__in=campaign.states.all()) | Q(bodies__in=campaign.bodies.all()),
            date__gte=timezone.localdate(),
        )
        .distinct()
        .order_by("date", "pk")[:limit]
    )


def citation(recommendation: Recommendation) -> str:
    """A/HRC/25/CRP.1 para 1221 (a); a letter without a symbol by its title."""
    document = recommendation.document
    where = (document.symbol or document.title) if document else ""
    if recommendation.paragraph:
        return gettext("%(document)s para %(paragraph)s") % {
            "document": where,
            "paragraph": recommendation.paragraph,
        }
    return where


# Suggestions: recommendations that say the same thing as one the campaign follows. Words
# are weighed by how rare they are in the table (inverse document frequency, from a sample of
# its search vectors): "non-refoulement" and "repatriating" tell, "ensure" and "human rights"
# do not. The rarest words of the source find the candidates through the full-text index, at
# most SUGGESTION_CANDIDATES of them, best ranked first; each is then scored by the share of
# the source's weight it carries (plus a little for shared themes), in Python, whatever the
# table's size.

SUGGESTION_CANDIDATES = 300
QUERY_WORDS = 12
# A campaign's suggestions start from at most this many of its recommendations, the latest:
# the queries (four per source) stay bounded however many it links.
SUGGESTION_SOURCES = 20
# The part of a text its words are read from.
TEXT_WORDS_MAX = 4000
WORDS_WEIGHT, TRIGRAMS_WEIGHT, THEME_WEIGHT = 0.8, 0.1, 0.1
# Rows read to estimate how common each word is: enough for the rare ones to show as rare.
FREQUENCY_SAMPLE_ROWS = 20_000
FREQUENCY_CACHE_SECONDS = 24 * 3600


def suggestions(
    campaign: Campaign, *, like: Recommendation | None = None, limit: int = 5
) -> list[Recommendation]:
    """Recommendations from other documents that say what `like` says (or, without it, what
    the campaign's linked recommendations say), not linked and not dismissed, best first;
    each with its `score` from 0 to 1."""
    if like:
        sources = [like]
    else:
        organizations = set(campaign.organizations.values_list("pk", flat=True))
        links = campaign.links.select_related("recommendation").prefetch_related(
            "recommendation__organizations"
        )
        sources = [
            link.recommendation
            for link in links.order_by(F("recommendation__issued_on").desc(nulls_last=True), "-pk")
            if not is_ask(organizations, link.recommendation)
        ][:SUGGESTION_SOURCES]
    if not sources:
        return []
    excluded = set(
        SuggestionDecision.objects.filter(campaign=campaign).values_list(
            "recommendation", flat=True
        )
    ) | set(CampaignLink.objects.filter(campaign=campaign).values_list("recommendation", flat=True))
    frequencies = word_frequencies()
    found: dict[int, Recommendation] = {}
    for source in sources:
        for candidate in similar_recommendations(source, frequencies=frequencies):
            if candidate.pk in excluded:
                continue
            if candidate.pk not in found or candidate.score > found[candidate.pk].score:
                found[candidate.pk] = candidate
    return sorted(found.values(), key=lambda r: (-r.score, r.pk))[:limit]


def similar_recommendations(
    source: Recommendation, *, frequencies: "WordFrequencies"
) -> list[Recommendation]:
    """The candidates for one source, each with its `score`."""
    weights = {word: frequencies.weight(word) for word in _lexemes(source.text)}
    if not weights:
        return []
    rarest = sorted(weights, key=lambda word: (-weights[word], word))[:QUERY_WORDS]
    query = SearchQuery(
        " | ".join(_quoted(word) for word in rarest), search_type="raw", config="english"
    )
    candidates = Recommendation.objects.filter(search_vector=query).exclude(pk=source.pk)
    if source.document_id:
        # What the same document says again is no news: other mechanisms, other years.
        candidates = candidates.exclude(document=source.document_id)
    themes = set(source.themes.values_list("pk", flat=True))
    rows = list(
        candidates.annotate(
            rank=SearchRank(F("search_vector"), query, normalization=Value(1)),
            words=ArrayToString(Func(F("search_vector"), function="tsvector_to_array")),
            trigrams=TrigramSimilarity("text", Value(source.text[:TEXT_WORDS_MAX])),
        )
        .select_related("document", "issued_by")
        .prefetch_related("themes")
        .order_by("-rank", "pk")[:SUGGESTION_CANDIDATES]
    )
    total = sum(weights.values())
    if not total:  # every word in every sampled row: nothing tells this text apart
        return []
    for row in rows:
        shared = set(row.words.split(" ")) & weights.keys()
        row.score = WORDS_WEIGHT * sum(weights[word] for word in shared) / total
        row.score += TRIGRAMS_WEIGHT * row.trigrams
        if themes & {theme.pk for theme in row.themes.all()}:
            row.score += THEME_WEIGHT
    return rows


def _lexemes(text: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tsvector_to_array(to_tsvector('english', %s))", [text[:TEXT_WORDS_MAX]]
        )
        (words,) = cursor.fetchone()
    return words or []


def _quoted(word: str) -> str:
    return "'" + word.replace("'", "''") + "'"


class ArrayToString(Func):
    function = "array_to_string"
    template = "%(function)s(%(expressions)s, ' ')"
    output_field = TextField()


@dataclass
class WordFrequencies:
    """How many recommendations of `rows` (a sample) carry each word."""

    rows: int
    counts: dict[str, int]

    def weight(self, word: str) -> float:
        return math.log((self.rows + 1) / (self.counts.get(word, 0) + 1))


def word_frequencies() -> WordFrequencies:
    """From a sample of the search vectors (TABLESAMPLE), cached for a day: the table's
    vocabulary changes slowly, and reading it is the only step that grows with the table."""
    cached = cache.get("campaigns:word-frequencies")
    if cached is None:
        cached = _word_frequencies_read()
        cache.set("campaigns:word-frequencies", cached, FREQUENCY_CACHE_SECONDS)
    return WordFrequencies(**cached)


def _word_frequencies_read() -> dict:
    table = Recommendation._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = %s", [table])
        (estimate,) = cursor.fetchone() or (-1,)
        if estimate < 0:
            # Never analysed: no estimate to sample by. The first rows, a bounded read.
            sample = sql.SQL("SELECT search_vector FROM {} LIMIT {}").format(
                sql.Identifier(table), sql.Literal(FREQUENCY_SAMPLE_ROWS)
            )
        else:
            percent = min(100.0, 100.0 * FREQUENCY_SAMPLE_ROWS / max(estimate, 1))
            # REPEATABLE: the same sample, so the same suggestions, until the table changes.
            sample = sql.SQL(
                "SELECT search_vector FROM {} TABLESAMPLE SYSTEM ({}) REPEATABLE (1)"
            ).format(sql.Identifier(table), sql.Literal(round(percent, 4)))
        cursor.execute(sql.SQL("SELECT count(*) FROM ({}) AS sample").format(sample))
        (rows,) = cursor.fetchone()
        cursor.execute("SELECT word, ndoc FROM ts_stat(%s)", [sample.as_string(cursor.connection)])
        counts = dict(cursor.fetchall())
    return {"rows": rows, "counts": counts}
