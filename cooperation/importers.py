"""Bulk imports into the catalogue.

`twinnings_import` reads the common twin-towns CSV layout

    city1,country1,lat1,lng1,city2,country2,lat2,lng2

and creates the partnerships, the authorities (kind commune) and the countries it
does not find. It is built for tens of thousands of rows: the file is read whole,
every look-up is done in memory against sets loaded in a handful of queries, and the
writes are `bulk_create` in batches — never one query per row.
"""

import csv
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from pathlib import Path
from typing import TextIO, TypeVar

from django.db import transaction
from django.db.models import Case, Value, When
from django.utils.text import slugify

from cooperation import countries as iso
from cooperation.models import AuthorityKind, Country, LocalAuthority, Partnership, PartnershipKind
from core.streaming import spreadsheet_original

HEADER = ["city1", "country1", "lat1", "lng1", "city2", "country2", "lat2", "lng2"]
BATCH_SIZE = 2000
COORDINATE_PLACES = Decimal("0.00001")  # LocalAuthority.latitude/longitude: 5 decimal places
NAME_MAX_LENGTH = LocalAuthority._meta.get_field("name").max_length
# Room left in the slug fields (max_length 220) for "-fr-123" style suffixes.
SLUG_BASE_MAX_LENGTH = 200

T = TypeVar("T")
# tqdm-compatible: progress(iterable, total=..., desc=...) yields the same items.
Progress = Callable[..., Iterable]


class ImportFileError(ValueError):
    """The file as a whole cannot be imported (missing, unreadable, wrong header)."""


@dataclass
class ImportReport:
    rows_read: int = 0
    partnerships_created: int = 0
    already_present: int = 0
    authorities_created: int = 0
    countries_created: int = 0
    errors: list[str] = field(default_factory=list)
    dry_run: bool = False

    @property
    def rows_skipped(self) -> int:
        return len(self.errors)


@dataclass(eq=False)  # hashed by identity: one per authority to create
class _PendingAuthority:
    """An authority to create; `obj` gets its primary key from bulk_create."""

    obj: LocalAuthority


def _no_progress(iterable: Iterable[T], **kwargs) -> Iterable[T]:
    return iterable


def _read_rows(rows_file: Path | str | TextIO) -> list[tuple[int, list[str]]]:
    """(line number, cells) for every non-blank record; checks the header."""
    if isinstance(rows_file, (str, Path)):
        path = Path(rows_file)
        try:
            with path.open(encoding="utf-8-sig", newline="") as handle:
                return _read_rows(handle)
        except FileNotFoundError:
            raise ImportFileError(f"Fichier introuvable : {path}") from None
        except IsADirectoryError:
            raise ImportFileError(f"{path} est un dossier, pas un fichier CSV.") from None
        except UnicodeDecodeError as exc:
            raise ImportFileError(
                f"Le fichier {path} n’est pas encodé en UTF-8 (octet illisible à la position {exc.start})."
            ) from None
    text = rows_file.read()
    if isinstance(text, bytes):  # a binary handle: decode it ourselves
        text = text.decode("utf-8-sig")
    text = text.removeprefix("\ufeff")
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, None)
        if header is None:
            raise ImportFileError("Le fichier est vide : il manque la ligne d’en-tête.")
        if [cell.strip().lower() for cell in header] != HEADER:
            raise ImportFileError(
                f"En-tête inattendu : « {','.join(header)} ». Attendu : « {','.join(HEADER)} »."
            )
        rows = []
        line = reader.line_num + 1
        for cells in reader:
            if any(cell.strip() for cell in cells):
                rows.append((line, cells))
            line = reader.line_num + 1
        return rows
    except csv.Error as exc:
        raise ImportFileError(f"Fichier CSV illisible ligne {reader.line_num} : {exc}") from None


def _parse_coordinate(raw: str, column: str, label: str, limit: int, problems: list[str]) -> Decimal | None:
    raw = raw.strip().replace(",", ".")
    if not raw:
        problems.append(f"{label} manquante ({column})")
        return None
    try:
        value = Decimal(raw)
    except InvalidOperation:
        problems.append(f"{label} non numérique ({column} = « {raw} »)")
        return None
    if not value.is_finite():
        problems.append(f"{label} non numérique ({column} = « {raw} »)")
        return None
    if not -limit <= value <= limit:
        problems.append(f"{label} hors limites (-{limit} à {limit}) ({column} = {raw})")
        return None
    return value.quantize(COORDINATE_PLACES, rounding=ROUND_HALF_UP)


class _CountryResolver:
    """Countries by code or name (French or English, accents and case ignored).

    A country missing from the database but known to cooperation.countries is
    prepared for creation; it is created only if a valid row uses it.
    """

    def __init__(self):
        self.by_code: dict[str, Country] = {}
        self.by_name: dict[str, Country] = {}
        for country in Country.objects.order_by("pk"):
            self.by_code[country.code] = country
            for name in (country.name, country.name_en, country.code):
                if name:
                    self.by_name.setdefault(iso.fold(name), country)
        self.taken_names = {iso.fold(country.name) for country in self.by_code.values()}
        self.new: dict[str, Country] = {}  # code -> unsaved Country
        self.cache: dict[str, Country | str] = {}  # raw text -> country or error message

    def resolve(self, raw: str) -> Country | str:
        """The country for `raw`, or a French error message."""
        if raw not in self.cache:
            self.cache[raw] = self._resolve(raw)
        return self.cache[raw]

    def _resolve(self, raw: str) -> Country | str:
        text = raw.strip()
        if len(text) == 2 and text.upper() in self.by_code:
            return self.by_code[text.upper()]
        if found := self.by_name.get(iso.fold(text)):
            return found
        code = iso.lookup(text)
        if code is None:
            return f"pays inconnu « {text} »"
        if code in self.by_code:  # known name under another spelling than the database's
            return self.by_code[code]
        info = iso.COUNTRIES[code]
        if iso.fold(info.name) in self.taken_names:
            return f"pays « {text} » : le nom « {info.name} » est déjà pris par un autre code ISO"
        country = Country(code=code, name=info.name, name_en=info.name_en, continent=info.continent)
        self.by_code[code] = country
        self.new[code] = country
        return country


class _SlugAllocator:
    """Unique slugs against a set loaded once; `taken` grows as slugs are handed out."""

    def __init__(self, taken: Iterable[str]):
        self.taken = set(taken)
        self.next_number: dict[str, int] = {}

    def allocate(self, base: str, *, qualifier: str = "") -> str:
        base = slugify(base)[:SLUG_BASE_MAX_LENGTH].strip("-") or "sans-nom"
        candidates = [base]
        if qualifier:
            base = f"{base}-{qualifier}"
            candidates.append(base)
        for candidate in candidates:
            if candidate not in self.taken:
                self.taken.add(candidate)
                return candidate
        number = self.next_number.get(base, 2)
        while f"{base}-{number}" in self.taken:
            number += 1
        self.next_number[base] = number + 1
        slug = f"{base}-{number}"
        self.taken.add(slug)
        return slug


def _batches(items: list[T], size: int = BATCH_SIZE) -> list[list[T]]:
    return [items[start : start + size] for start in range(0, len(items), size)]


def twinnings_import(
    *,
    rows_file: Path | str | TextIO,
    kind: str = PartnershipKind.TWINNING,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> ImportReport:
    """Import partnerships of `kind` from a twin-towns CSV file, in one transaction.

    city1 becomes the French-side authority (`french_authority`), city2 the partner.
    Authorities are matched by (country, name case-insensitively; a commune first) and
    created when missing, with their coordinates; countries are matched by ISO code or
    name and created from cooperation.countries when missing. Bad rows are skipped and
    listed in the report with their line numbers; partnerships already present (in
    either direction, for this kind) are counted, never duplicated, so a second run
    creates nothing. With `dry_run` everything is computed and written, then rolled
    back: the report says exactly what a real run would do.

    Raises ImportFileError when the file cannot be read or has the wrong header
    (nothing is written). `progress` is tqdm-compatible: progress(iterable, total=,
    desc=).
    """
    if kind not in PartnershipKind.values:
        raise ValueError(f"Type de partenariat inconnu : {kind}")
    progress = progress or _no_progress
    rows = _read_rows(rows_file)
    report = ImportReport(rows_read=len(rows), dry_run=dry_run)

    with transaction.atomic():
        countries = _CountryResolver()
        # Existing authorities, by (country code, name without case): communes first, then
        # the oldest, so that a file exported by /donnees/ (a region's partnerships too)
        # imports back onto the same rows.
        code_by_country_id = {country.pk: code for code, country in countries.by_code.items()}
        authorities: dict[tuple[str, str], int | _PendingAuthority] = {}
        authority_names: dict[int, str] = {}
        for pk, country_id, name in (
            LocalAuthority.objects.alias(
                is_other_kind=Case(When(kind=AuthorityKind.COMMUNE, then=Value(0)), default=Value(1))
            )
            .order_by("is_other_kind", "pk")
            .values_list("pk", "country_id", "name")
        ):
            key = (code_by_country_id[country_id], name.casefold())
            authorities.setdefault(key, pk)
            authority_names[pk] = name
        authority_slugs = _SlugAllocator(LocalAuthority.objects.values_list("slug", flat=True))
        partnership_slugs = _SlugAllocator(Partnership.objects.values_list("slug", flat=True))
        # A twinning is symmetric: (a, b) and (b, a) are the same partnership.
        pairs: set[tuple] = set(
            Partnership.objects.filter(kind=kind).values_list("french_authority", "partner")
        )
        pairs |= {(b, a) for a, b in pairs}

        new_authorities: list[_PendingAuthority] = []
        new_partnerships: list[tuple[int | _PendingAuthority, int | _PendingAuthority, str]] = []
        used_new_countries: set[str] = set()

        def side(cells: list[str], number: int, problems: list[str]):
            name, country_raw, lat_raw, lng_raw = (cell.strip() for cell in cells)
            name = spreadsheet_original(name)  # our own export neutralised a leading "=", "-"…
            city, country_col, lat_col, lng_col = HEADER[(number - 1) * 4 : number * 4]
            if not name:
                problems.append(f"nom de la collectivité manquant ({city})")
            elif len(name) > NAME_MAX_LENGTH:
                problems.append(f"nom trop long, {NAME_MAX_LENGTH} caractères au plus ({city})")
            country = None
            if not country_raw:
                problems.append(f"pays manquant ({country_col})")
            else:
                resolved = countries.resolve(country_raw)
                if isinstance(resolved, str):
                    problems.append(f"{resolved} ({country_col})")
                else:
                    country = resolved
            latitude = _parse_coordinate(lat_raw, lat_col, "latitude", 90, problems)
            longitude = _parse_coordinate(lng_raw, lng_col, "longitude", 180, problems)
            return name, country, latitude, longitude

        def authority_for(name: str, country: Country, latitude: Decimal, longitude: Decimal):
            key = (country.code, name.casefold())
            found = authorities.get(key)
            if found is None:
                found = _PendingAuthority(
                    LocalAuthority(
                        name=name,
                        slug=authority_slugs.allocate(name, qualifier=country.code.lower()),
                        kind=AuthorityKind.COMMUNE,
                        country=country,
                        latitude=latitude,
                        longitude=longitude,
                    )
                )
                authorities[key] = found
                new_authorities.append(found)
                if country.pk is None:
                    used_new_countries.add(country.code)
            return found

        def display_name(authority: int | _PendingAuthority) -> str:
            return authority_names[authority] if isinstance(authority, int) else authority.obj.name

        for line, cells in progress(rows, total=len(rows), desc="Lecture"):
            if len(cells) != len(HEADER):
                report.errors.append(f"ligne {line} : {len(cells)} colonnes au lieu de {len(HEADER)}")
                continue
            problems: list[str] = []
            first = side(cells[:4], 1, problems)
            second = side(cells[4:], 2, problems)
            same_country = not problems and first[1].code == second[1].code
            if same_country and first[0].casefold() == second[0].casefold():
                problems.append(f"la même collectivité des deux côtés ({first[0]})")
            if problems:
                report.errors.append(f"ligne {line} : " + " ; ".join(problems))
                continue
            french = authority_for(*first)
            partner = authority_for(*second)
            pair = (french, partner)
            if pair in pairs:
                report.already_present += 1
                continue
            pairs.add(pair)
            pairs.add(pair[::-1])
            slug = partnership_slugs.allocate(f"{display_name(french)}-{display_name(partner)}")
            new_partnerships.append((french, partner, slug))

        new_countries = [countries.new[code] for code in sorted(used_new_countries)]
        Country.objects.bulk_create(new_countries)
        report.countries_created = len(new_countries)

        for batch in progress(_batches(new_authorities), desc="Collectivités (lots)", unit="lot"):
            LocalAuthority.objects.bulk_create([pending.obj for pending in batch])
        report.authorities_created = len(new_authorities)

        def pk_of(authority: int | _PendingAuthority) -> int:
            return authority if isinstance(authority, int) else authority.obj.pk

        before = Partnership.objects.filter(kind=kind).count()
        for batch in progress(_batches(new_partnerships), desc="Partenariats (lots)", unit="lot"):
            Partnership.objects.bulk_create(
                [
                    Partnership(
                        french_authority_id=pk_of(french), partner_id=pk_of(partner), kind=kind, slug=slug
                    )
                    for french, partner, slug in batch
                ],
                # Safety net against a concurrent import: such rows are counted below.
                ignore_conflicts=True,
            )
        report.partnerships_created = Partnership.objects.filter(kind=kind).count() - before
        report.already_present += len(new_partnerships) - report.partnerships_created

        if dry_run:
            transaction.set_rollback(True)
    return report
