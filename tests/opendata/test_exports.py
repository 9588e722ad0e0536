"""The files of /donnees/ are built once per change and served from storage: validators
and cache headers on every download, a 304 to a conditional GET, no query of the
dataset's tables after the first build, one queued rebuild for a burst of writes."""

import csv
import io
import threading
import time

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils.http import http_date

from cooperation.models import Partnership
from core import pagecache
from core.pagecache import content_changed
from core.streaming import stream_file
from opendata import services, tasks
from opendata.datasets import DATASETS_BY_SLUG
from opendata.models import Export
from opendata.services import READ_TABLE, File, export_write
from opendata.writers import CONTENT_TYPES, WRITERS
from proposals import services as proposal_services
from proposals.models import Proposal

pytestmark = pytest.mark.django_db

BUILD_JOB = "opendata.exports_build"


def _file(name: str, kind: str = "") -> File:
    slug, _dot, extension = name.rpartition(".")
    return File(DATASETS_BY_SLUG[slug], extension, kind)


def _stored(name: str, kind: str = "") -> Export:
    return Export.objects.get(**_file(name, kind).key)


def _tables(queries) -> set[str]:
    return {table for query in queries for table in READ_TABLE.findall(query["sql"])}


def _official_proposal() -> Proposal:
    return Proposal.objects.filter(is_official=True).order_by("pk").first()


def _votes_for(client, slug: str) -> str:
    rows = csv.DictReader(io.StringIO(client.get("/donnees/preconisations.csv").content.decode()))
    return next(row for row in rows if row["slug"] == slug)["votes_for"]


# Serving --------------------------------------------------------------------------------


def test_it_serves_the_stored_bytes_with_validators_and_cache_headers(client):
    response = client.get("/donnees/collectivites.csv")

    assert response.status_code == 200
    export = _stored("collectivites.csv")
    assert response.content == bytes(export.content)
    assert export.size == len(response.content)
    assert response["Content-Type"] == CONTENT_TYPES["csv"]
    assert response["Content-Disposition"] == 'attachment; filename="collectivites.csv"'
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["ETag"] == export.etag and len(export.etag) == 66
    assert response["Last-Modified"] == http_date(export.built_at.timestamp())
    assert set(response["Cache-Control"].split(", ")) == {"public", "max-age=60", "stale-while-revalidate=60"}
    assert "Cookie" not in response.get("Vary", "")
    assert not response.cookies


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("collectivites.csv", ""),
        ("preconisations.json", ""),
        ("partenaires.geojson", ""),
        ("partenariats.csv", "jumelage"),
    ],
)
def test_the_stored_file_is_byte_for_byte_what_the_writer_streams(client, name, kind):
    file = _file(name, kind)
    streamed = stream_file(
        WRITERS[file.format](file.dataset, file.rows().iterator(chunk_size=services.CHUNK_SIZE)),
        content_type="text/plain",
        filename=name,
    )
    direct = b"".join(streamed.streaming_content)

    response = client.get(f"/donnees/{name}", {"type": kind} if kind else {})

    assert response.content == direct == bytes(_stored(name, kind).content)


def test_a_second_download_reads_the_stored_file_only(client):
    first = client.get("/donnees/preconisations.json")
    with CaptureQueriesContext(connection) as context:
        second = client.get("/donnees/preconisations.json")

    assert second.status_code == 200 and second.content == first.content
    # The file's row, its bytes with it: never the préconisations.
    assert len(context.captured_queries) == 1
    assert _tables(context.captured_queries) == {"opendata_export"}


def test_a_conditional_get_is_a_304_without_reading_the_bytes(client):
    first = client.get("/donnees/reseaux.csv")

    for headers in [{"If-None-Match": first["ETag"]}, {"If-Modified-Since": first["Last-Modified"]}]:
        with CaptureQueriesContext(connection) as context:
            response = client.get("/donnees/reseaux.csv", headers=headers)
        assert response.status_code == 304, headers
        assert response.content == b""
        assert response["ETag"] == first["ETag"]
        assert "public" in response["Cache-Control"]
        [query] = context.captured_queries  # the validators only
        assert '"content"' not in query["sql"]


def test_a_conditional_get_of_an_older_copy_gets_the_file(client):
    client.get("/donnees/reseaux.csv")

    response = client.get("/donnees/reseaux.csv", headers={"If-None-Match": '"an-older-copy"'})

    assert response.status_code == 200
    assert response.content == bytes(_stored("reseaux.csv").content)
    assert response["ETag"] == _stored("reseaux.csv").etag


def test_a_head_gives_the_headers_without_reading_the_bytes(client):
    client.get("/donnees/acteurs.json")
    with CaptureQueriesContext(connection) as context:
        response = client.head("/donnees/acteurs.json")

    assert response.status_code == 200
    assert response["Content-Length"] == str(_stored("acteurs.json").size)
    assert response["ETag"] == _stored("acteurs.json").etag
    [query] = context.captured_queries
    assert '"content"' not in query["sql"]


def test_the_first_download_of_a_file_never_built_builds_it_once(client, monkeypatch):
    built = []
    write = services.export_write
    monkeypatch.setattr(services, "export_write", lambda file: built.append(file.name) or write(file))
    assert not Export.objects.exists()

    responses = [client.get("/donnees/dates-cles.csv") for _ in range(3)]

    assert built == ["dates-cles.csv"]
    assert [r.status_code for r in responses] == [200, 200, 200]
    assert Export.objects.count() == 1


@pytest.mark.parametrize("name", ["secret.csv", "collectivites.xml", "partenariats.json", "collectivites"])
def test_an_unknown_file_is_a_404_and_builds_nothing(client, name):
    assert client.get(f"/donnees/{name}").status_code == 404
    assert not Export.objects.exists()


def test_an_unknown_type_is_a_400_in_french_and_builds_nothing(client):
    response = client.get("/donnees/partenariats.csv", {"type": "amitie"})

    assert response.status_code == 400
    assert response.content.decode() == (
        "Type inconnu. Types possibles : jumelage, accord-de-cooperation, convention."
    )
    assert not Export.objects.exists()


def test_each_type_is_its_own_file(client):
    whole = client.get("/donnees/partenariats-detail.csv")
    twinnings = client.get("/donnees/partenariats-detail.csv", {"type": "jumelage"})

    assert whole["ETag"] != twinnings["ETag"]
    assert len(twinnings.content) < len(whole.content)
    assert _stored("partenariats-detail.csv", "jumelage").etag == twinnings["ETag"]


def test_the_page_gives_the_size_and_date_of_each_file_built(client):
    client.get("/donnees/collectivites.csv")

    text = client.get("/donnees/").content.decode()

    export = _stored("collectivites.csv")
    assert text.count("mis à jour le") == 1
    assert f"{export.built_at.astimezone().year}" in text


# Rebuilding -----------------------------------------------------------------------------


def test_a_vote_queues_one_rebuild_which_makes_the_file_show_it(client, jobs, voter, other_voter):
    proposal = _official_proposal()
    before = _votes_for(client, proposal.slug)
    old_etag = _stored("preconisations.csv").etag

    proposal_services.vote_cast(proposal=proposal, user=voter, value="pour")
    proposal_services.vote_cast(proposal=proposal, user=other_voter, value="pour")

    assert len(jobs.queued(BUILD_JOB)) == 1  # a burst of votes, one rebuild
    assert _votes_for(client, proposal.slug) == before  # served as stored until then
    jobs.run(include_scheduled=True)
    assert _votes_for(client, proposal.slug) == str(int(before) + 2)
    assert _stored("preconisations.csv").etag != old_etag
    assert jobs.queued(BUILD_JOB) == []  # the rebuild queued nothing


def test_a_change_makes_only_the_files_read_from_its_tables_out_of_date(client, voter):
    for name in ["preconisations.csv", "preconisations.json", "collectivites.csv", "reseaux.json"]:
        client.get(f"/donnees/{name}")

    proposal_services.vote_cast(proposal=_official_proposal(), user=voter, value="contre")

    stale = {str(export) for export in Export.objects.stale()}
    assert stale == {"preconisations.csv", "preconisations.json"}


def test_a_partnership_edit_rebuilds_the_partnership_files(client, jobs):
    client.get("/donnees/partenariats-detail.csv")
    client.get("/donnees/partenariats-detail.csv", {"type": "accord-de-cooperation"})
    partnership = Partnership.objects.get(slug="toulouse-hanoi")

    partnership.since_note = "Date relue dans les archives municipales"
    partnership.save()
    jobs.run(include_scheduled=True)

    for kind in ["", "accord-de-cooperation"]:
        response = client.get("/donnees/partenariats-detail.csv", {"type": kind} if kind else {})
        assert "Date relue dans les archives municipales" in response.content.decode(), kind


def test_a_change_to_a_table_no_file_reads_queues_nothing(client, jobs, user_factory):
    client.get("/donnees/preconisations.csv")

    user_factory()

    assert jobs.queued(BUILD_JOB) == []
    assert not Export.objects.stale().exists()


def test_a_change_before_any_file_is_built_queues_nothing(jobs, voter):
    proposal_services.vote_cast(proposal=_official_proposal(), user=voter, value="pour")

    assert jobs.queued(BUILD_JOB) == []


def test_a_rebuild_makes_the_page_of_files_fresh_and_queues_no_other(
    client, jobs, django_capture_on_commit_callbacks
):
    client.get("/donnees/preconisations.csv")
    Export.objects.update(generation=1)
    assert client.get("/donnees/")["X-Page-Cache"] == "miss"
    assert client.get("/donnees/")["X-Page-Cache"] == "hit"
    seen = []

    def note(sender, tables, **kwargs):
        seen.append(tables)

    content_changed.connect(note)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            assert tasks.exports_build() == len(services.files())  # out of date, or never built
    finally:
        content_changed.disconnect(note)
    # Only the files' own table: /donnees/ shows their sizes and dates...
    assert seen and set().union(*seen) == {"opendata_export"}
    assert client.get("/donnees/")["X-Page-Cache"] == "miss"
    # ...and no file reads it: the rebuild queues no other.
    assert jobs.queued(BUILD_JOB) == []
    assert not Export.objects.stale().exists()


def test_an_unchanged_file_keeps_its_etag_and_date(client):
    client.get("/donnees/collectivites.csv")
    before = _stored("collectivites.csv")

    services.exports_build(everything=True)

    after = _stored("collectivites.csv")
    assert (after.etag, after.built_at) == (before.etag, before.built_at)


def test_the_hourly_rebuild_builds_every_file(jobs):
    assert tasks.exports_refresh(timestamp=0) == len(services.files())
    names = {(export.name, export.kind) for export in Export.objects.all()}
    assert ("partenariats.csv", "convention") in names and ("membres-reseaux.geojson", "") in names
    assert not Export.objects.stale().exists()


def test_a_change_during_a_build_leaves_the_file_out_of_date(client, monkeypatch):
    client.get("/donnees/preconisations.csv")
    Export.objects.update(generation=1)
    write = services.export_write

    def write_then_change(file):
        result = write(file)
        services.exports_changed(tables={"proposals_proposal"})  # committed meanwhile
        return result

    monkeypatch.setattr(services, "export_write", write_then_change)
    services.export_build(_file("preconisations.csv"))

    export = _stored("preconisations.csv")
    assert (export.built_generation, export.generation) == (1, 2)
    assert export.is_stale


def test_the_tables_a_file_was_read_from_are_recorded(client):
    client.get("/donnees/preconisations.csv")

    tables = set(_stored("preconisations.csv").tables)

    assert {"proposals_proposal", "proposals_topic", "proposals_taggedproposal"} <= tables
    assert "opendata_export" not in tables


def test_writing_a_file_streams_its_rows_and_returns_what_it_read():
    content, tables = export_write(_file("dates-cles.csv"))

    assert content.startswith(b"network,date,precision,label")
    assert tables == ["networks_keydate", "networks_network"]


# Committed writes, as outside the tests -------------------------------------------------


@pytest.fixture
def at_commit(monkeypatch):
    """Writes count when they commit (tests/conftest.py makes them count at once in the
    tests' never-committed transactions); transactional tests start from a flush."""
    monkeypatch.setattr(pagecache.changes, "at_once", False)
    call_command("load_catalogue", verbosity=0)


@pytest.mark.django_db(transaction=True)
def test_a_committed_write_queues_the_rebuild_and_a_rolled_back_one_does_not(client, jobs, at_commit, voter):
    client.get("/donnees/preconisations.csv")
    proposal = _official_proposal()
    before = _votes_for(client, proposal.slug)

    with pytest.raises(RuntimeError), transaction.atomic():
        proposal_services.vote_cast(proposal=proposal, user=voter, value="pour")
        raise RuntimeError
    assert jobs.queued(BUILD_JOB) == []
    assert not Export.objects.stale().exists()

    with transaction.atomic():
        proposal_services.vote_cast(proposal=proposal, user=voter, value="pour")
        assert jobs.queued(BUILD_JOB) == []  # not before the vote commits
    assert len(jobs.queued(BUILD_JOB)) == 1
    assert _stored("preconisations.csv").is_stale
    jobs.run(include_scheduled=True)
    assert _votes_for(client, proposal.slug) == str(int(before) + 1)


@pytest.mark.django_db(transaction=True)
def test_concurrent_first_downloads_build_the_file_once(monkeypatch, at_commit):
    built, errors, answers = [], [], []
    write = services.export_write
    barrier = threading.Barrier(4)

    def slow_write(file):
        built.append(file.name)
        time.sleep(0.3)  # the others arrive while it builds
        return write(file)

    def download():
        try:
            barrier.wait()
            answers.append(Client().get("/donnees/acteurs.csv").content)
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    monkeypatch.setattr(services, "export_write", slow_write)
    threads = [threading.Thread(target=download) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert built == ["acteurs.csv"]
    assert len(answers) == 4 and len(set(answers)) == 1
    assert Export.objects.count() == 1
