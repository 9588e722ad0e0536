"""Throughput of the site as `make serve` serves it: wrk against gunicorn, in one run.

    make benchmark   (or: .venv/bin/python scripts/benchmark_http.py [--duration 10s] [--keep])

Works in its own database, `archipel_benchmark_http`, on the same server as the site (the
embedded PostgreSQL, or DATABASE_URL's server), recreated each time: migrate, the seed
catalogue, a little participation (generate_demo_data with small numbers) and a verified
citizen with a session made server-side. Then `make serve` itself on a free port of
127.0.0.1 (DEBUG off, collectstatic, gunicorn with 4 workers, a worker of the queue; a
throwaway SECRET_KEY; the API's throttle raised so that wrk measures the API, not its 429).

Each page gets two warm-up requests (the second shows what a cache made of the first:
`X-Page-Cache` and the like are printed), then wrk (2 threads, 8 connections, 10 s) on
each page in turn: anonymous, then signed in with the citizen's session cookie (the
uncached path). CPU per request: the gunicorn processes' CPU time (master and workers)
over the wrk run, divided by its requests; SQL: the same for the PostgreSQL backends of
the benchmark database. Prints Markdown tables; the README records the figures. Exits
non-zero when a page answers anything but 200, or when one of the six anonymous pages of
issue 11 serves fewer than half of `/sante/`'s requests per second.
"""

import argparse
import http.client
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmark import benchmark_database_url  # scripts/benchmark.py, beside this one

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
BENCHMARK_DB = "archipel_benchmark_http"
GOAL = 0.5  # issue 11: each of the six anonymous pages at ≥ 0.5× /sante/
# Small participation: préconisation pages with votes, comments and replies, in seconds.
DEMO = {"users": 300, "proposals": 60, "votes": 1500, "comments": 600}
CACHE_HEADER = re.compile(r"^x-.*cache|^age$", re.I)  # X-Page-Cache, X-Cache, X-Cache-Status, Age


def populate() -> dict:
    """Migrate, the catalogue, a little participation and a signed-in citizen; the URLs
    to measure (real slugs from the database) and the citizen's session key."""
    from allauth.account.models import EmailAddress
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.management import call_command
    from django.db import connections

    from cooperation.models import Partnership
    from networks.models import Network
    from proposals.demo import demo_data_generate
    from proposals.models import Proposal, ProposalStatus

    call_command("migrate", verbosity=0)
    call_command("load_catalogue", verbosity=0)
    demo_data_generate(**DEMO, seed=1, reset=False)
    user = get_user_model().objects.create(username="benchmark", email="benchmark@archipel.test")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    session = SessionStore()
    session.update(
        {SESSION_KEY: str(user.pk), BACKEND_SESSION_KEY: "django.contrib.auth.backends.ModelBackend"}
    )
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    proposal = (
        Proposal.objects.visible()
        .filter(status=ProposalStatus.PUBLISHED)
        .order_by("-comment_count", "-votes_for", "pk")
        .first()
    )
    network = Network.objects.filter(slug="aeropostale").first() or Network.objects.order_by("pk").first()
    partnership = (
        Partnership.objects.filter(slug="toulouse-bologne").first()
        or Partnership.objects.order_by("pk").first()
    )
    pages = {
        "proposal": proposal.get_absolute_url(),
        "network": network.get_absolute_url(),
        "partnership": partnership.get_absolute_url(),
        "session": session.session_key,
        "counts": f"{Proposal.objects.count()} préconisations, {proposal.votes_for + proposal.votes_against} "
        f"votes and {proposal.comment_count} comments on the one measured",
    }
    connections.close_all()  # no backend of ours left in the SQL CPU figures
    return pages


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def get(port: int, path: str, cookie: str = "") -> tuple[int, dict, str]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path, headers={"Cookie": cookie} if cookie else {})
        response = connection.getresponse()
        body = response.read().decode("utf-8", "replace")
        headers = {}
        for name, value in response.getheaders():
            name = name.lower()
            if name == "set-cookie":  # its name only; it may come more than once
                value = value.split("=", 1)[0]
            headers[name] = f"{headers[name]}, {value}" if name in headers else value
        return response.status, headers, body
    finally:
        connection.close()


def start_server(port: int, env: dict, log: Path) -> subprocess.Popen:
    """`make serve` itself, in a process group of its own; returns once /vie/ answers."""
    make = os.environ.get("MAKE", "make")
    with open(log, "ab") as out:
        server = subprocess.Popen(
            [make, "--no-print-directory", "-C", str(BASE_DIR), "serve"],
            env=env,
            stdout=out,
            stderr=out,
            start_new_session=True,
        )
    deadline = time.monotonic() + 300  # set-up (migrate, collectstatic) included
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"`make serve` stopped (status {server.returncode}): see {log}")
        try:
            if get(port, "/vie/")[0] == 200:
                return server
        except OSError:
            pass
        time.sleep(0.5)
    stop_server(server)
    raise SystemExit(f"`make serve` did not answer on port {port} within 300 s: see {log}")


def stop_server(server: subprocess.Popen) -> None:
    """SIGTERM to make, together.py, gunicorn and the worker; SIGKILL after 30 s."""
    for signum, wait in ((signal.SIGTERM, 30), (signal.SIGKILL, 10)):
        try:
            os.killpg(server.pid, signum)
        except ProcessLookupError:
            return
        try:
            server.wait(wait)
            return
        except subprocess.TimeoutExpired:
            continue


def cpu_seconds(server: subprocess.Popen) -> tuple[dict, dict]:
    """CPU time (user + system) by pid: the gunicorn processes of the server, and the
    PostgreSQL backends connected to the benchmark database."""
    import psutil

    def seconds(process):
        times = process.cpu_times()
        return times.user + times.system

    app, sql = {}, {}
    for process in psutil.Process(server.pid).children(recursive=True):
        try:
            if "gunicorn" in " ".join(process.cmdline()):
                app[process.pid] = seconds(process)
        except psutil.Error:
            pass
    for process in psutil.process_iter():
        try:
            title = " ".join(process.cmdline())
            if title.startswith("postgres:") and f" {BENCHMARK_DB} " in f"{title} ":
                sql[process.pid] = seconds(process)
        except psutil.Error:
            pass
    return app, sql


def spent(before: dict, after: dict) -> float:
    """CPU seconds between two readings (a process that started since counts from zero)."""
    return sum(value - before.get(pid, 0.0) for pid, value in after.items())


def run_wrk(args, port: int, path: str, cookie: str = "") -> dict:
    argv = ["wrk", "-t", str(args.threads), "-c", str(args.connections), "-d", args.duration]
    if cookie:
        argv += ["-H", f"Cookie: {cookie}"]
    output = subprocess.run(
        [*argv, f"http://127.0.0.1:{port}{path}"], capture_output=True, text=True, check=True
    ).stdout
    latency = re.search(r"Latency\s+([\d.]+)(us|ms|s)\b", output)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    sockets = re.search(r"Socket errors: (.*)", output)
    return {
        "requests": int(re.search(r"(\d+) requests in", output)[1]),
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output)[1]),
        "latency_ms": float(latency[1]) * {"us": 0.001, "ms": 1, "s": 1000}[latency[2]],
        "non_2xx": int(errors[1]) if errors else 0,
        "socket_errors": sockets[1] if sockets else "",
    }


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--duration", default="10s", help="of each wrk run (wrk's -d: 10s, 1m)")
    parser.add_argument("--threads", type=int, default=2, help="wrk's -t")
    parser.add_argument("--connections", type=int, default=8, help="wrk's -c")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers (make serve's WORKERS)")
    parser.add_argument("--keep", action="store_true", help="keep the server's log")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk not found (apt-get install wrk).")

    secret_key = secrets.token_urlsafe(50)  # throwaway: sessions of this run only
    os.environ.update(
        {
            "DATABASE_URL": benchmark_database_url(BENCHMARK_DB),
            "DEBUG": "0",
            "SECRET_KEY": secret_key,
            "DJANGO_SETTINGS_MODULE": "archipel.settings",
        }
    )
    import logging

    import django

    logging.disable(logging.INFO)  # figures here, not the application's log lines
    django.setup()
    print(f"Populating {BENCHMARK_DB}…", flush=True)
    pages = populate()

    port = free_port()
    env = {
        **os.environ,
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "WORKERS": str(args.workers),
        "API_THROTTLE_RATE": "1000000/minute",
        "PYTHONUNBUFFERED": "1",
    }
    tmp = Path(tempfile.mkdtemp(prefix="archipel-benchmark-http-"))
    log = tmp / "serve.log"
    proposal_label = "/preconisations/<slug>/"  # the page's own slug is long: printed once below
    anonymous = [
        ("/sante/", "/sante/", "reference"),
        ("/", "/", "goal"),
        ("/partenariats/", "/partenariats/", "goal"),
        ("/reseaux/", "/reseaux/", "goal"),
        ("/preconisations/", "/preconisations/", "goal"),
        (pages["network"], pages["network"], "goal"),
        (proposal_label, pages["proposal"], "goal"),
        (pages["partnership"], pages["partnership"], ""),
        ("/en/partenariats/", "/en/partenariats/", "optional"),
        ("/api/partenariats/", "/api/partenariats/", ""),
    ]
    cookie = f"sessionid={pages['session']}"
    runs = [(f"`{label}`", path, kind, "") for label, path, kind in anonymous] + [
        (f"`{label}` signed in", path, "signed in", cookie)
        for label, path in [("/preconisations/", "/preconisations/"), (proposal_label, pages["proposal"])]
    ]
    print(
        f"`make serve` on 127.0.0.1:{port} ({args.workers} gunicorn workers, DEBUG off, "
        f"cache: {'Redis' if os.environ.get('REDIS_URL') else 'PostgreSQL'}); log in {log}",
        flush=True,
    )
    server = start_server(port, env, log)
    failed, rows = [], []
    try:
        # Every gunicorn worker past its first requests (connections, imports) before
        # the first figure, /sante/'s: 2 s of wrk, not measured.
        run_wrk(argparse.Namespace(**{**vars(args), "duration": "2s"}), port, "/sante/")
        for label, path, kind, session in runs:
            status, first, body = get(port, path, session)
            if status == 404 and kind == "optional":
                print(f"Note: {path} answers 404 (no English URLs on this checkout yet): skipped.")
                continue
            if status != 200 or (session and "Se déconnecter" not in body):
                failed.append(f"{label}: {status} at warm-up{' (not signed in)' if status == 200 else ''}")
                continue
            second = get(port, path, session)[1]
            before = cpu_seconds(server)
            result = run_wrk(args, port, path, session)
            after = cpu_seconds(server)
            requests = max(result["requests"], 1)
            result["app_ms"] = spent(before[0], after[0]) * 1000 / requests
            result["sql_ms"] = spent(before[1], after[1]) * 1000 / requests
            if result["non_2xx"] or result["socket_errors"]:
                failed.append(
                    f"{label}: {result['non_2xx']} non-2xx answers; socket errors {result['socket_errors']}"
                )
            rows.append((label, kind, result, first, second))
            print(f"  {label}: {result['rps']:.0f} requests/s", flush=True)
    finally:
        stop_server(server)

    print(f"\nDatabase {BENCHMARK_DB}: seed catalogue, {pages['counts']}.")
    print(f"The préconisation page: {pages['proposal']}")
    print(f"wrk -t{args.threads} -c{args.connections} -d{args.duration} per page, one page after the other\n")
    print(
        "| page | requests/s | × `/sante/` | mean latency (ms) | CPU ms/request (gunicorn) | SQL CPU ms/request |"
    )
    print("|---|---:|---:|---:|---:|---:|")
    reference = next((r["rps"] for label, _k, r, *_h in rows if label == "`/sante/`"), None) or 1.0
    for label, kind, result, _first, _second in rows:
        ratio = result["rps"] / reference
        short = kind == "goal" and ratio < GOAL
        print(
            f"| {label} | {result['rps']:.0f} | {ratio:.2f}{' **< 0.5**' if short else ''} | "
            f"{result['latency_ms']:.1f} | {result['app_ms']:.1f} | {result['sql_ms']:.2f} |"
        )
        if short:
            failed.append(f"{label}: {ratio:.2f}× /sante/ (goal: ≥ {GOAL}×)")

    print("\nHeaders of the two warm-up answers (a page cache's header: first → second answer):\n")
    print("| page | cache header | Cache-Control | ETag | Vary | Set-Cookie |")
    print("|---|---|---|---|---|---|")
    for label, _kind, _result, first, second in rows:
        marks = [n for n in second if CACHE_HEADER.match(n)]
        cache = "; ".join(f"{n}: {first.get(n, '—')} → {second[n]}" for n in marks) or "—"
        print(
            f"| {label} | {cache} | {second.get('cache-control', '—')} | {'yes' if 'etag' in second else '—'} | "
            f"{second.get('vary', '—')} | {second.get('set-cookie', '—')} |"
        )

    if failed:
        print("\nFAILED:\n  " + "\n  ".join(failed))
    if not args.keep and not failed:
        shutil.rmtree(tmp, ignore_errors=True)
    else:
        print(f"\nServer log kept: {log}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
