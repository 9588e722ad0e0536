"""Chance in the demo data: moments in the generated history, counts split by popularity,
the few very active people."""

import datetime
import random


class Clock:
    """Timestamps as COPY text, at second resolution over the generated history."""

    def __init__(self, now: datetime.datetime, days: int):
        self.now = now.replace(minute=0, second=0, microsecond=0).astimezone(datetime.UTC)
        self.span = days * 24 * 3600
        start = self.now - datetime.timedelta(days=days)
        self.hours = [
            (start + datetime.timedelta(hours=h)).strftime("%Y-%m-%d %H") for h in range(days * 24 + 1)
        ]

    def text(self, second: int) -> str:
        hour, rest = divmod(second, 3600)
        return f"{self.hours[hour]}:{rest // 60:02d}:{rest % 60:02d}+00"

    def between(self, rng: random.Random, lo: int, hi: int | None = None) -> int:
        """A random second in [lo, hi], both clamped to the history (hi defaults to now)."""
        lo = min(lo, self.span)
        hi = self.span if hi is None else min(hi, self.span)
        return rng.randint(lo, max(lo, hi))

    def of(self, moment: datetime.datetime) -> int:
        """The second (within the history) of a real datetime, clamped to the history."""
        return min(
            self.span,
            max(0, int((moment - (self.now - datetime.timedelta(seconds=self.span))).total_seconds())),
        )


def allocate(total: int, weights: list[float], cap: int) -> list[int]:
    """Split `total` into integer counts proportional to `weights`, none above `cap`."""
    n = len(weights)
    counts = [0] * n
    total = min(total, n * cap)
    remaining = total
    active = list(range(n))
    while remaining > 0 and active:
        weight_sum = sum(weights[i] for i in active)
        given = 0
        for i in active:
            add = min(int(remaining * weights[i] / weight_sum), cap - counts[i])
            counts[i] += add
            given += add
        remaining -= given
        active = [i for i in active if counts[i] < cap]
        if given == 0:
            # Less than one each is left: the heaviest proposals get one more.
            for i in sorted(active, key=lambda i: -weights[i])[:remaining]:
                counts[i] += 1
                remaining -= 1
            active = [i for i in active if counts[i] < cap]
    return counts


def skewed_index(rng: random.Random, n: int) -> int:
    # A few very active people write much of the content.
    return int(n * rng.random() ** 2.5)
