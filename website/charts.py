"""Charts as data, then as bars: counts by status in buckets (a body, an addressee, a theme, a
year) become the geometry of a horizontal stacked bar chart that a template draws as SVG.

No query and no translation here: website/selectors.py fills ChartData, the templates draw
Drawing. The same ChartData feeds the chart and the table beside it.
"""

import math
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime

from recommendations.choices import TargetStatus

# Each status's look: the status badges' palette (website/static/website/site.css: a light
# tint with a dark border) and a pattern, so that two statuses of one colour still differ
# and colour is never the only cue (the legend, each bar's <title> and the table say it in
# words). The order is the order of the stacks: what was done first, silence last.
TINTS = {
    "green": ("#e3f4e6", "#2e7d32", "#14461a"),
    "amber": ("#fff4d6", "#8a6100", "#4d3600"),
    "grey": ("#eef0f3", "#4a5563", "#1f2733"),
    "red": ("#fde7e7", "#b3261e", "#6b120d"),
}
STATUS_LOOK = {
    TargetStatus.IMPLEMENTED: ("green", "plain"),
    TargetStatus.SUPPORTED: ("green", "diagonal"),
    TargetStatus.PARTIALLY_SUPPORTED: ("green", "dots"),
    TargetStatus.PARTIALLY_IMPLEMENTED: ("amber", "plain"),
    TargetStatus.ACKNOWLEDGED: ("amber", "diagonal"),
    TargetStatus.OTHER: ("amber", "dots"),
    TargetStatus.NOTED: ("grey", "plain"),
    TargetStatus.DECLINED: ("grey", "diagonal"),
    TargetStatus.NO_SUBSTANTIVE_REPLY: ("grey", "dots"),
    TargetStatus.AWAITING_RESPONSE: ("grey", "cross"),
    TargetStatus.REJECTED: ("red", "plain"),
    TargetStatus.NOT_IMPLEMENTED: ("red", "diagonal"),
    TargetStatus.REGRESSED: ("red", "dots"),
    TargetStatus.RESPONSE_OVERDUE: ("red", "cross"),
}

WIDTH = 640
LABEL_WIDTH = 190  # the bucket's name, left of its bar
TOTAL_WIDTH = 56  # the bar's total, right of it
BARS_LEFT = LABEL_WIDTH + 8
BARS_RIGHT = WIDTH - TOTAL_WIDTH
TOP = 30  # the scale's numbers
ROW = 26
BAR = 18
FONT_SIZE = 12
LEGEND_ROW = 22
SWATCH = 14


@dataclass
class Bucket:
    label: str
    counts: dict[TargetStatus, int]
    url: str = ""
    # "en" for a label that is data in English (a theme's name) on a page in another language.
    lang: str = ""
    # Where the buckets are the statuses themselves, the bucket's status.
    status: TargetStatus | None = None

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@dataclass
class ChartData:
    kind: str
    title: str
    bucket_name: str  # what the buckets are: the table's first column
    buckets: list[Bucket]
    # The query string of the filters it was drawn with, for its embed and image URLs.
    query: str = ""
    # Buckets left out: only the largest are drawn, and the table says how many more there are.
    left_out: int = 0
    # When its counts were made, and whether before the last write (being made again).
    counted_at: datetime | None = None
    current: bool = True
    # The statuses present, in stacking order: the table's columns, the legend's entries.
    statuses: list[TargetStatus] = field(init=False)

    def __post_init__(self):
        present = {status for bucket in self.buckets for status, n in bucket.counts.items() if n}
        self.statuses = [status for status in STATUS_LOOK if status in present]

    @property
    def shown(self) -> int:
        return len(self.buckets)

    @property
    def total(self) -> int:
        return sum(bucket.total for bucket in self.buckets)

    def rows(self) -> list[tuple[Bucket, list[int]]]:
        """The table's rows: each bucket with its count in each column."""
        return [
            (bucket, [bucket.counts.get(status, 0) for status in self.statuses])
            for bucket in self.buckets
        ]


@dataclass(frozen=True)
class Look:
    status: TargetStatus
    tint: str
    line: str
    ink: str
    pattern: str


@dataclass(frozen=True)
class Segment:
    look: Look
    count: int
    x: float
    width: float
    # The count is written inside the segment when it fits.
    count_fits: bool

    @property
    def middle(self) -> float:
        return self.x + self.width / 2


@dataclass(frozen=True)
class Bar:
    bucket: Bucket
    y: float
    label: str  # shortened to fit; the bar's <title> holds the whole
    segments: list[Segment]
    total_x: float  # where the total is written

    @property
    def middle(self) -> float:
        return self.y + BAR / 2


@dataclass(frozen=True)
class Tick:
    x: float
    value: int


@dataclass(frozen=True)
class LegendItem:
    look: Look
    x: float
    y: float

    @property
    def text_x(self) -> float:
        return self.x + SWATCH + 6

    @property
    def text_y(self) -> float:
        return self.y + SWATCH - 3


@dataclass(frozen=True)
class Drawing:
    width: int
    height: int
    bars: list[Bar]
    ticks: list[Tick]
    looks: list[Look]
    legend: list[LegendItem]
    bars_top: float
    bars_bottom: float
    bars_left: float = BARS_LEFT
    label_right: float = LABEL_WIDTH
    bar_height: int = BAR
    swatch: int = SWATCH

    @property
    def scale_y(self) -> float:
        return self.bars_top - 4


def look(status: TargetStatus) -> Look:
    family, pattern = STATUS_LOOK[status]
    tint, line, ink = TINTS[family]
    return Look(status, tint, line, ink, pattern)


def text_width(text: str, size: float = FONT_SIZE) -> float:
    """About how wide `text` is drawn: a wide (CJK) character is an em, any other about
    0.6 em. An estimate is enough to decide where a label stops and a legend wraps."""
    return sum(size if unicodedata.east_asian_width(c) in "WF" else 0.6 * size for c in text)


def shortened(text: str, width: float) -> str:
    if text_width(text) <= width:
        return text
    while text and text_width(text + "…") > width:
        text = text[:-1]
    return text.rstrip() + "…"


def scale_step(largest: int, ticks: int = 4) -> int:
    """A round step (1, 2 or 5 times a power of ten) for about `ticks` steps up to `largest`."""
    if largest <= ticks:
        return 1
    rough = largest / ticks
    power = 10 ** math.floor(math.log10(rough))
    return next(m * power for m in (1, 2, 5, 10) if m * power >= rough)


def draw(chart: ChartData) -> Drawing:
    looks = [look(status) for status in chart.statuses]
    largest = max((bucket.total for bucket in chart.buckets), default=0)
    step = scale_step(largest)
    top = max(step, math.ceil(largest / step) * step)
    per_unit = (BARS_RIGHT - BARS_LEFT) / top
    bars = []
    for index, bucket in enumerate(chart.buckets):
        x = BARS_LEFT
        segments = []
        for status_look in looks:
            count = bucket.counts.get(status_look.status, 0)
            if not count:
                continue
            width = count * per_unit
            fits = text_width(str(count)) + 4 <= width
            segments.append(Segment(status_look, count, round(x, 1), round(width, 1), fits))
            x += width
        label = shortened(bucket.label, LABEL_WIDTH - 8)
        bars.append(Bar(bucket, TOP + index * ROW, label, segments, round(x + 4, 1)))
    ticks = [
        Tick(round(BARS_LEFT + value * per_unit, 1), value) for value in range(0, top + 1, step)
    ]
    bars_bottom = TOP + max(len(bars), 1) * ROW  # an empty chart still has room to say so
    legend, x, y = [], 0.0, bars_bottom + LEGEND_ROW
    for status_look in looks:
        item_width = SWATCH + 6 + text_width(str(status_look.status.label)) + 16
        if x and x + item_width > WIDTH:
            x, y = 0.0, y + LEGEND_ROW
        legend.append(LegendItem(status_look, round(x, 1), y - SWATCH))
        x += item_width
    height = math.ceil(y + 8) if legend else bars_bottom + 8
    return Drawing(WIDTH, height, bars, ticks, looks, legend, TOP - 4, bars_bottom)
