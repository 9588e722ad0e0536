from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from cooperation.importers import ImportFileError, ImportReport, twinnings_import
from cooperation.management.commands.import_twinnings import Command
from cooperation.models import AuthorityKind, Country, LocalAuthority, Partnership, PartnershipKind

pytestmark = pytest.mark.django_db

HEADER = "city1,country1,lat1,lng1,city2,country2,lat2,lng2"
# Territories no Toulouse catalogue is likely to hold: the import has to create them.
NEW_COUNTRIES = {"NU", "WF", "FO"}
ROWS = [
    # line 2: an existing authority, written in capitals
    "CASTELNAU-D’ESTRÉTEFONDS,FR,43.79,1.36,Neu-Test,DE,48.4,9.98",
    # line 3: country by French name, accents/case/punctuation aside: Wallis-et-Futuna is created
    "Albi,France,43.9289,2.1464,Mata-Utu,wallis et futuna,-13.28,-176.17",
    # line 4: country by ISO code, lower case: Niue is created; Albi is reused
    "Albi,fr,43.92890,2.14640,Hakupu,nu,-19.1,-169.85",
    "",  # line 5: blank, ignored
    ",FR,43,1,Rome-Test,IT,41.9,12.5",  # line 6: missing name
    "Rodez,FR,95,2.5,Bamberg,DE,49.9,10.9",  # line 7: latitude out of range
    "Rodez,FR,44.35,abc,Bamberg,DE,49.9,10.9",  # line 8: longitude not a number
    "Rodez,FR,,,Bamberg,DE,49.9,10.9",  # line 9: coordinates missing
    "Rodez,FR,44.35,2.57,Poséidonia,Atlantis,10,10",  # line 10: unknown country
    "Albi,FR,43.9,2.1,ALBI,France,43.9,2.1",  # line 11: same city on both sides
    "Rodez,FR,44.35",  # line 12: wrong column count
    "Rodez,FR,44.35,2.57,Fakaofo,Tokelau,-9.36,-200",  # line 13: bad longitude; Tokelau not created
    "Rodez,FR,44.35,2.57,Tórshavn,Faroe Islands,62.01,-6.77",  # line 14: English name: Faroe created
    "Hakupu,NU,-19.1,-169.85,Albi,FR,43.9,2.1",  # line 15: line 4 reversed: already present
    "Valence,FR,44.93,4.89,Valencia,ES,39.47,-0.38",  # line 16
    "Valence,FR,44.93,4.89,Valencia,CL,-33.0,-71.6",  # line 17: same partnership slug, suffixed
]
VALID = 7  # lines 2, 3, 4, 14, 16, 17 create; line 15 is already present
CREATED = 6
BAD_LINES = [6, 7, 8, 9, 10, 11, 12, 13]


def write_csv(tmp_path, rows=ROWS, header=HEADER, name="jumelages.csv", encoding="utf-8-sig"):
    path = tmp_path / name
    path.write_text("\n".join([header, *rows]) + "\n", encoding=encoding)
    return path


@pytest.fixture
def castelnau(db):
    return LocalAuthority.objects.create(
        name="Castelnau-d’Estrétefonds",
        slug="castelnau-test",
        kind=AuthorityKind.COMMUNE,
        country=Country.objects.get(code="FR"),
    )


@pytest.fixture
def albi_metropole(db):
    """Takes the slugs "albi" and "albi-fr" (other names: an authority of the same name, of
    any kind, would be matched): the new commune Albi must go further."""
    france = Country.objects.get(code="FR")
    LocalAuthority.objects.create(
        name="Albi Métropole", slug="albi", kind=AuthorityKind.METROPOLIS, country=france
    )
    LocalAuthority.objects.create(
        name="Albi Agglo", slug="albi-fr", kind=AuthorityKind.METROPOLIS, country=france
    )


@pytest.fixture
def csv_file(tmp_path, castelnau, albi_metropole):
    assert not Country.objects.filter(code__in=NEW_COUNTRIES | {"TK"}).exists(), "pick other test countries"
    return write_csv(tmp_path)


def counts():
    return (Country.objects.count(), LocalAuthority.objects.count(), Partnership.objects.count())


def run_command(*args, **options):
    out = StringIO()
    err = StringIO()
    call_command("import_twinnings", *map(str, args), stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


def test_it_creates_partnerships_authorities_and_missing_countries(csv_file):
    before = counts()

    out, _ = run_command(csv_file, no_progress=True)

    assert counts() == (before[0] + 3, before[1] + 9, before[2] + CREATED)
    assert set(Country.objects.filter(code__in=NEW_COUNTRIES).values_list("code", flat=True)) == NEW_COUNTRIES
    wallis = Country.objects.get(code="WF")
    assert (wallis.name, wallis.name_en) == ("Wallis-et-Futuna", "Wallis and Futuna")
    assert wallis.continent == "oceanie"
    assert not Country.objects.filter(code="TK").exists()  # only seen on a bad row
    only_on_bad_rows = ["Bamberg", "Fakaofo", "Poséidonia", "Rome-Test"]
    assert not LocalAuthority.objects.filter(name__in=only_on_bad_rows).exists()
    albi = LocalAuthority.objects.get(name="Albi", kind=AuthorityKind.COMMUNE)
    partnership = Partnership.objects.get(french_authority=albi, partner__name="Hakupu")
    assert partnership.kind == PartnershipKind.TWINNING
    assert partnership.slug == "albi-hakupu"
    assert "Lignes lues : 15" in out
    assert f"Partenariats créés : {CREATED}" in out
    assert "Partenariats déjà présents : 1" in out
    assert "Collectivités créées : 9" in out
    assert "Pays créés : 3" in out
    assert f"Lignes ignorées : {len(BAD_LINES)}" in out


def test_it_stores_coordinates_rounded_to_the_field(csv_file):
    twinnings_import(rows_file=csv_file, kind=PartnershipKind.TWINNING)

    mata_utu = LocalAuthority.objects.get(name="Mata-Utu")
    assert (mata_utu.latitude, mata_utu.longitude) == (Decimal("-13.28000"), Decimal("-176.17000"))
    assert mata_utu.country.code == "WF"
    assert mata_utu.kind == AuthorityKind.COMMUNE
    albi = LocalAuthority.objects.get(name="Albi", kind=AuthorityKind.COMMUNE)
    assert (albi.latitude, albi.longitude) == (Decimal("43.92890"), Decimal("2.14640"))


def test_it_matches_existing_authorities_case_insensitively(csv_file, castelnau):
    twinnings_import(rows_file=csv_file, kind=PartnershipKind.TWINNING)

    assert LocalAuthority.objects.filter(name__iexact="castelnau-d’estrétefonds").count() == 1
    assert Partnership.objects.get(partner__name="Neu-Test").french_authority == castelnau
    castelnau.refresh_from_db()
    assert castelnau.latitude is None  # an existing authority is matched, not rewritten


def test_it_suffixes_slugs_on_collision(csv_file):
    twinnings_import(rows_file=csv_file, kind=PartnershipKind.TWINNING)

    # "albi" and "albi-fr" belong to the métropole fixtures, which are not communes.
    assert LocalAuthority.objects.get(name="Albi", kind=AuthorityKind.COMMUNE).slug == "albi-fr-2"
    assert LocalAuthority.objects.get(name="Valencia", country__code="ES").slug == "valencia"
    assert LocalAuthority.objects.get(name="Valencia", country__code="CL").slug == "valencia-cl"
    slugs = set(Partnership.objects.filter(french_authority__name="Valence").values_list("slug", flat=True))
    assert slugs == {"valence-valencia", "valence-valencia-2"}


def test_it_reports_each_bad_row_with_its_line_number_in_french(csv_file):
    report = twinnings_import(rows_file=csv_file, kind=PartnershipKind.TWINNING)

    assert [int(error.split(" ")[1]) for error in report.errors] == BAD_LINES
    errors = dict(zip(BAD_LINES, report.errors, strict=True))
    assert errors[6].startswith("ligne 6 : nom de la collectivité manquant (city1)")
    assert errors[7].startswith("ligne 7 : latitude hors limites (-90 à 90)")
    assert errors[8].startswith("ligne 8 : longitude non numérique (lng1 = « abc »)")
    assert errors[9] == "ligne 9 : latitude manquante (lat1) ; longitude manquante (lng1)"
    assert errors[10] == "ligne 10 : pays inconnu « Atlantis » (country2)"
    assert errors[11] == "ligne 11 : la même collectivité des deux côtés (Albi)"
    assert errors[12] == "ligne 12 : 3 colonnes au lieu de 8"
    assert errors[13].startswith("ligne 13 : longitude hors limites (-180 à 180)")
    assert report.rows_read == 15
    assert report.rows_skipped == len(BAD_LINES)


def test_a_second_run_creates_nothing(csv_file):
    first = twinnings_import(rows_file=csv_file, kind=PartnershipKind.TWINNING)
    after_first = counts()

    second = twinnings_import(rows_file=csv_file, kind=PartnershipKind.TWINNING)

    assert counts() == after_first
    assert (second.partnerships_created, second.authorities_created, second.countries_created) == (0, 0, 0)
    assert second.already_present == VALID
    assert second.errors == first.errors


def test_another_kind_is_a_different_partnership(csv_file):
    twinnings_import(rows_file=csv_file, kind=PartnershipKind.TWINNING)
    agreements = Partnership.objects.filter(kind=PartnershipKind.COOPERATION_AGREEMENT)
    before = agreements.count()

    report = twinnings_import(rows_file=csv_file, kind=PartnershipKind.COOPERATION_AGREEMENT)

    assert report.partnerships_created == CREATED
    assert report.authorities_created == 0
    assert agreements.count() == before + CREATED


def test_dry_run_writes_nothing_and_reports_what_it_would_do(csv_file):
    before = counts()

    out, _ = run_command(csv_file, dry_run=True, no_progress=True)

    assert counts() == before
    assert "Simulation (--dry-run) : rien n’a été enregistré." in out
    assert f"Partenariats créés : {CREATED}" in out
    assert "Pays créés : 3" in out
    report = twinnings_import(rows_file=csv_file, kind=PartnershipKind.TWINNING, dry_run=True)
    assert report.partnerships_created == CREATED
    assert (report.authorities_created, report.countries_created) == (9, 3)
    assert counts() == before


def test_it_prints_the_bad_rows_and_a_progress_bar_on_stderr(csv_file):
    out, err = run_command(csv_file)

    assert "  ligne 7 : latitude hors limites (-90 à 90)" in out
    assert "Lecture" in err  # tqdm writes to stderr


def test_it_stays_quiet_at_verbosity_zero(csv_file):
    out, err = run_command(csv_file, verbosity=0)

    assert (out, err) == ("", "")
    assert Partnership.objects.filter(partner__name="Hakupu").exists()


def test_the_summary_caps_the_list_of_bad_rows():
    errors = [f"ligne {n} : pays manquant (country1)" for n in range(2, 82)]
    report = ImportReport(rows_read=80, errors=errors)

    summary = Command.summary(report)

    assert "ligne 51 :" in summary
    assert "ligne 52 :" not in summary
    assert summary.endswith("… et 30 autres")


def test_the_service_reports_progress_through_the_given_callable(csv_file):
    seen = []

    def progress(iterable, **kwargs):
        seen.append(kwargs["desc"])
        return iterable

    twinnings_import(rows_file=csv_file, kind=PartnershipKind.TWINNING, progress=progress)

    assert seen[0] == "Lecture"
    assert len(seen) == 3


def test_it_accepts_a_file_without_bom_and_an_open_file(tmp_path, castelnau, albi_metropole):
    path = write_csv(tmp_path, encoding="utf-8")

    with path.open(encoding="utf-8", newline="") as handle:
        report = twinnings_import(rows_file=handle, kind=PartnershipKind.TWINNING)

    assert report.partnerships_created == CREATED


def test_a_missing_file_is_a_command_error(tmp_path):
    before = counts()

    with pytest.raises(CommandError, match="Fichier introuvable : .*absent.csv"):
        run_command(tmp_path / "absent.csv")

    assert counts() == before


def test_a_wrong_header_is_a_command_error_and_writes_nothing(tmp_path):
    path = write_csv(tmp_path, header="ville1,pays1,lat1,lng1,ville2,pays2,lat2,lng2")
    before = counts()

    with pytest.raises(CommandError, match="En-tête inattendu : « ville1,pays1.*Attendu : « city1,country1"):
        run_command(path)

    assert counts() == before


def test_an_empty_file_is_a_command_error(tmp_path):
    path = tmp_path / "vide.csv"
    path.write_text("", encoding="utf-8")

    with pytest.raises(CommandError, match="Le fichier est vide"):
        run_command(path)


def test_a_file_not_in_utf8_is_a_command_error(tmp_path):
    path = write_csv(tmp_path, rows=["Bézier,FR,43.3,3.2,Mañana,ES,40,-3"], encoding="latin-1")

    with pytest.raises(CommandError, match="n’est pas encodé en UTF-8"):
        run_command(path)


def test_the_service_raises_on_a_wrong_header(tmp_path):
    path = write_csv(tmp_path, header="city1,country1")

    with pytest.raises(ImportFileError):
        twinnings_import(rows_file=path, kind=PartnershipKind.TWINNING)


def test_an_unknown_kind_is_refused_by_the_command(csv_file):
    with pytest.raises(CommandError):
        run_command(csv_file, "--kind", "amitie")


def test_a_name_our_csv_export_neutralised_imports_as_it_was(tmp_path):
    """partenariats.csv writes "'-Sainte-Foy" for a name starting with "-" (a
    spreadsheet would run it); reading our own file back gives the name unchanged."""
    path = write_csv(tmp_path, rows=["Albi,FR,43.93,2.15,'-Vila Nova,PT,41.1,-8.6"])

    run_command(str(path))

    assert LocalAuthority.objects.filter(name="-Vila Nova").exists()
    assert not LocalAuthority.objects.filter(name__startswith="'").exists()
