"""Server-rendered SVG bar charts for /evaluation/: the geometry is computed here, the
template only draws it, and a table beside each chart gives the same figures as text."""

from dataclasses import dataclass
from decimal import Decimal

from django.utils.text import Truncator

from evaluation.figures import SCORES, Distribution

WIDTH = 660
LABEL_WIDTH = 250  # the partners' names, left of the bars
PLOT_WIDTH = 330  # a score of 5 fills it
ROW_HEIGHT = 28
BAR_HEIGHT = 18
TOP = 8
AXIS_HEIGHT = 24  # the ticks 0 to 5 under the bars


@dataclass
class Bar:
    partnership: object
    label: str
    ratings: Distribution
    y: int
    width: int

    @property
    def text_y(self) -> int:
        return self.y + BAR_HEIGHT - 5

    @property
    def value_x(self) -> int:
        return LABEL_WIDTH + self.width + 6


@dataclass
class Tick:
    value: int
    x: int


@dataclass
class Chart:
    theme: object
    bars: list[Bar]
    height: int
    axis_y: int

    width = WIDTH
    label_width = LABEL_WIDTH
    label_x = LABEL_WIDTH - 8
    bar_height = BAR_HEIGHT

    @property
    def ticks(self) -> list[Tick]:
        return [Tick(value, LABEL_WIDTH + PLOT_WIDTH * value // max(SCORES)) for value in range(0, 6)]

    @property
    def rated(self) -> list[Bar]:
        return [bar for bar in self.bars if bar.ratings.is_published]

    @property
    def dom_id(self) -> str:
        return f"graphique-{self.theme.slug}"


def axis_chart(theme, partnerships, distributions: dict) -> Chart:
    """One axis: a bar per partnership, as long as its citizens' mean score (0 to 5)."""
    bars = []
    for index, partnership in enumerate(partnerships):
        ratings = distributions.get((partnership.pk, theme.pk), Distribution())
        average = ratings.average or Decimal(0)
        bars.append(
            Bar(
                partnership=partnership,
                label=Truncator(
                    f"{partnership.partner.localized_name} ({partnership.french_authority.localized_name})"
                ).chars(30),
                ratings=ratings,
                y=TOP + index * ROW_HEIGHT,
                width=int(PLOT_WIDTH * average / max(SCORES)),
            )
        )
    axis_y = TOP + len(bars) * ROW_HEIGHT
    return Chart(theme=theme, bars=bars, height=axis_y + AXIS_HEIGHT, axis_y=axis_y)
