"""Write a synthetic twin-towns CSV for load tests of `manage.py import_twinnings`.

    python scripts/generate_twin_towns_csv.py twins.csv [--rows 30000] [--authorities 20000] [--seed 1]

Layout: city1,country1,lat1,lng1,city2,country2,lat2,lng2 with countries as ISO
alpha-2 codes from cooperation/countries.py. The same seed gives the same file.
Every partnership is a distinct pair of distinct authorities (in either order), so an
import into an empty catalogue creates exactly --rows partnerships. About a quarter of
the authorities are French and the first city of a row is French whenever possible.
Standard library only.
"""

import argparse
import csv
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from cooperation.countries import COUNTRIES  # noqa: E402

HEADER = ["city1", "country1", "lat1", "lng1", "city2", "country2", "lat2", "lng2"]
SYLLABLES = (
    "ba bel ber bor bran ca car cas chan co cor da del dor fa fon gar gen gra ha hal "
    "ker la lan ler lo mar mas mon mor na nor o pa pel por ra ran ri ro sa san sel "
    "ta tor tre va val ven vil za"
).split()
# (prefixes, suffixes) giving names a local flavour; "" means no affix.
STYLES = {
    "FR": (["", "", "", "Saint-", "Le ", "La "], ["", "ville", "ac", "-sur-Mer", "-les-Bains", "court"]),
    "DE": (["", "", "Bad "], ["burg", "heim", "dorf", "stadt", "hausen", "feld"]),
    "AT": (["", "Sankt "], ["burg", "dorf", "brunn", "kirchen"]),
    "IT": (["", "", "San ", "Monte"], ["ano", "ello", "ino", "ona", "ia", " Marittima"]),
    "ES": (["", "", "San ", "Villa"], ["illa", "ejo", "ares", "ena", " del Río"]),
    "PT": (["", "São ", "Vila "], ["eira", "ães", "ela", "inho"]),
    "GB": (["", "", "Upper ", "Great "], ["ton", "field", "ford", "bury", "ham", "wick"]),
    "US": (["", "", "Fort ", "New ", "Port "], ["ville", "ton", " City", " Springs", "burg"]),
    "PL": (["", "Nowy "], ["ów", "owice", "ice", "no", "sk"]),
    "RU": (["", "Novo"], ["grad", "sk", "ovo", "insk"]),
    "NL": (["", "Den "], ["dam", "hoven", "recht", "zand"]),
}
# Metropolitan France's box, so French cities fall roughly in France; elsewhere anywhere inhabited.
BOUNDS = {"FR": ((42.3, 51.1), (-4.8, 8.2))}
WORLD = ((-56.0, 72.0), (-180.0, 180.0))
DEFAULT_STYLE = (["", "", "", "Nova ", "Port "], ["", "", "a", "o", "an", "ia"])


def city_name(rng: random.Random, code: str) -> str:
    prefixes, suffixes = STYLES.get(code, DEFAULT_STYLE)
    root = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(1, 3)))
    return f"{rng.choice(prefixes)}{root.capitalize()}{rng.choice(suffixes)}".strip()


def authorities(rng: random.Random, count: int) -> list[tuple[str, str, str, str]]:
    """(name, country code, latitude, longitude), names unique per country."""
    others = sorted(code for code in COUNTRIES if code != "FR")
    seen: set[tuple[str, str]] = set()
    result = []
    while len(result) < count:
        code = "FR" if rng.random() < 0.25 else rng.choice(others)
        name = city_name(rng, code)
        if (code, name.casefold()) in seen:
            continue
        seen.add((code, name.casefold()))
        (south, north), (west, east) = BOUNDS.get(code, WORLD)
        result.append((name, code, f"{rng.uniform(south, north):.5f}", f"{rng.uniform(west, east):.5f}"))
    return result


def partnerships(rng: random.Random, places: list, count: int) -> list[tuple[int, int]]:
    french = [i for i, place in enumerate(places) if place[1] == "FR"] or list(range(len(places)))
    max_pairs = len(french) * (len(places) - 1)
    if count > max_pairs:
        raise SystemExit(f"At most {max_pairs} distinct partnerships among {len(places)} authorities.")
    pairs: set[frozenset] = set()
    result = []
    # Every authority takes part in a partnership while rows last; then pairs at random.
    unused = list(range(len(places)))
    rng.shuffle(unused)
    while len(result) < count:
        first = rng.choice(french)
        second = unused.pop() if unused else rng.randrange(len(places))
        pair = frozenset((first, second))
        if first == second or pair in pairs:
            continue
        pairs.add(pair)
        result.append((first, second))
    return result


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("output", help="CSV file to write ('-' for standard output)")
    parser.add_argument("--rows", type=int, default=30_000, help="partnerships (default 30,000)")
    parser.add_argument("--authorities", type=int, default=20_000, help="authorities (default 20,000)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    if args.authorities < 2:
        parser.error("--authorities must be at least 2")

    rng = random.Random(args.seed)
    places = authorities(rng, args.authorities)
    rows = partnerships(rng, places, args.rows)
    handle = sys.stdout if args.output == "-" else open(args.output, "w", encoding="utf-8", newline="")
    with handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(HEADER)
        for first, second in rows:
            writer.writerow([*places[first], *places[second]])


if __name__ == "__main__":
    main()
