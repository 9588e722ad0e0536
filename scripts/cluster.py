"""The reference deployment (deploy/) run on this machine, under load, with a web
instance and a worker killed mid-way: `make cluster`.

    .venv/bin/python scripts/cluster.py [--voters 2000] [--citizens 200] [--threads 20] [--keep]

Everything on 127.0.0.1 (free ports), production settings (archipel.settings, DEBUG off,
a SECRET_KEY made for the run): a fresh database `archipel_cluster` on the PostgreSQL
server at 127.0.0.1:5432, set up by the commands of deploy/systemd/archipel-migrate.service;
an SMTP sink (aiosmtpd, 20 ms a message); nginx with deploy/nginx.conf (addresses, paths
and TLS rewritten) in front of two gunicorn instances, and two Procrastinate workers,
started with the command lines of the systemd units. Citizens vote through nginx while
staff answer a préconisation voted by thousands (one e-mail each); one web instance and
one worker are killed (SIGKILL) and restarted, then the other instance is reloaded as a
release does. It prints what the clients saw, what the database holds and what the SMTP
sink received, and exits non-zero when an invariant fails. Everything it started is
stopped on the way out; the database and the logs are kept when a check fails.

Here: the run, the kills and the checks. cluster_processes.py: the deploy/ files made to
run here, the SMTP sink and the children; cluster_load.py: the citizens and their votes.
"""

import argparse
import concurrent.futures
import http.client
import json
import logging
import os
import re
import signal
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

from cluster_load import citizen_votes, populate
from cluster_processes import BASE_DIR, DATABASE, NGINX, STATIC_ROOT, Cluster, wait_until

sys.path.insert(0, str(BASE_DIR))  # the project, for Django


# The checks and the run ------------------------------------------------------------------------


def edge_checks(port: int) -> dict:
    """What nginx itself does, per deploy/nginx.conf: static files from disk, compressed,
    cached for a year under hashed names; pages compressed, with its request id; bodies
    over client_max_body_size refused before gunicorn; the micro-cache of anonymous pages."""

    def get(path, body=None, cookie=None):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        headers = {"Accept-Encoding": "gzip", **({"Cookie": cookie} if cookie else {})}
        connection.request("POST" if body else "GET", path, body=body, headers=headers)
        response = connection.getresponse()
        response.read()
        connection.close()
        return response

    def cache(path, cookie=None):
        return get(path, cookie=cookie).headers["X-Cache-Status"]

    manifest = json.loads((STATIC_ROOT / "staticfiles.json").read_text())["paths"]
    static, page, again = get(f"/static/{manifest['css/archipel.css']}"), get("/"), get("/")
    # Within a copy's two seconds: the second anonymous GET of a page comes from nginx,
    # unless the page sets a cookie (csrftoken, before issue 11): never stored then. A
    # signed-in visitor (or one with a message waiting) passes by the cache and stores
    # nothing: the next anonymous GET is a MISS, the one after a HIT. /sante/ (no-store)
    # is never stored.
    home = "MISS" if again.headers["Set-Cookie"] else "HIT"
    bypassed = [cache("/api/reseaux/", "sessionid=x"), cache("/api/reseaux/", "messages=x")]
    anonymous = [cache("/api/reseaux/"), cache("/api/reseaux/")]
    health = [cache("/sante/"), cache("/sante/")]
    stored = "never stored: it sets a cookie" if home == "MISS" else "from nginx"
    return {
        "static file: gzip, cached a year, immutable": static.status == 200
        and static.headers["Content-Encoding"] == "gzip"
        and "immutable" in static.headers["Cache-Control"],
        "page: gzip, nginx's X-Request-ID": page.status == 200
        and page.headers["Content-Encoding"] == "gzip"
        and re.fullmatch(r"[0-9a-f]{32}", page.headers["X-Request-ID"] or "") is not None,
        "3 MB body refused by nginx (413)": get("/preconisations/", body=b"x" * 3_000_000).status == 413,
        f"micro-cache: second anonymous GET of / a {home} ({stored})": again.status == 200
        and again.headers["X-Cache-Status"] == home,
        "micro-cache: sessionid, messages cookie: BYPASS, not stored (then MISS, HIT)": bypassed
        == ["BYPASS", "BYPASS"]
        and anonymous == ["MISS", "HIT"],
        "micro-cache: /sante/ (no-store) never stored": health == ["MISS", "MISS"],
    }


def chaos(cluster: Cluster, citizens: list, answered, args, marks: dict) -> None:
    """While citizens vote: staff answer P (the fan-out starts); web-1 and worker-1 are
    killed mid-way and started again; then web-2 is reloaded (SIGHUP), as a release does."""
    from django.db import connections

    from proposals.services import proposal_answer

    time.sleep(1.0)
    proposal_answer(
        proposal=answered, status="retenue", answer="Le conseil sera créé cette année.", notify=True
    )
    marks["answered"] = time.monotonic()
    connections.close_all()
    wait_until(lambda: cluster.sink.total() >= min(300, args.voters // 3), 60, "the first e-mails")
    marks["sink_at_kill"] = cluster.sink.total()
    cluster.kill("web-1")
    cluster.kill("worker-1")
    marks["killed"] = time.monotonic()
    marks["voting_at_kill"] = sum(not c["done"] for c in citizens)
    time.sleep(args.down)
    cluster.start("web-1")
    cluster.start("worker-1")
    marks["restarted"] = time.monotonic()
    marks["back"] = wait_until(lambda: cluster.answers(cluster.web_ports[0], "/vie/"), 60, "web-1 back")
    time.sleep(1)
    cluster.running["web-2"].send_signal(signal.SIGHUP)  # systemctl reload: new code, same socket
    marks["reloaded"] = time.monotonic()
    marks["voting_at_reload"] = sum(not c["done"] for c in citizens)


def timings(values) -> str:
    values = sorted(values) or [0]
    return f"median {statistics.median(values):.0f} ms, p95 {values[max(0, round(0.95 * len(values)) - 1)]:.0f} ms"


def verify(
    cluster: Cluster, citizens: list, answered, expected: set, args, marks: dict, log: list, edge: dict
) -> bool:
    """Print what the clients saw, what the database holds and what the sink received;
    True when every invariant holds."""
    from django.db.models import Count, Q

    from mailing.models import Delivery, DeliveryState, Message
    from proposals.models import Proposal, Vote

    def phase(t):  # the kill lasts until web-1 answers and nginx tries it again (fail_timeout)
        if marks["killed"] - 1 <= t <= marks["back"] + 6:
            return "kill"
        return "reload" if marks["reloaded"] <= t <= marks["reloaded"] + 10 else "otherwise"

    errors = Counter((phase(t), f"{m} {s}") for t, m, s, _ms in log if not 200 <= s < 400)
    seen = {
        p: dict((k, n) for (q, k), n in errors.items() if q == p) or "none"
        for p in ("kill", "reload", "otherwise")
    }
    client = {m: [ms for _t, method, s, ms in log if method == m and 200 <= s < 400] for m in ("GET", "POST")}
    server, server_500 = {"GET": [], "POST": []}, 0
    for path in cluster.tmp.glob("web-*.log"):
        for line in path.read_text(errors="replace").splitlines():
            if '"archipel.request"' in line:
                entry = json.loads(line)
                server.setdefault(entry["method"], []).append(entry["duration_ms"])
                server_500 += entry["status"] >= 500
    access = (cluster.tmp / "nginx-access.log").read_text()
    served = Counter(re.findall(r"upstream=(?:\S+, )?127\.0\.0\.1:(\d+) ", access))  # the last one tried
    passed_on = len(re.findall(r"upstream=\S+, \S+ upstream_status=\S+ [23]\d\d ", access))
    acknowledged = {
        (c["user_id"], slug, value) for c in citizens for slug, value in c["acknowledged"].items()
    }
    voters = [c["user_id"] for c in citizens]
    rows = set(Vote.objects.filter(user_id__in=voters).values_list("user_id", "proposal__slug", "value"))
    never = [(c["user_id"], item) for c in citizens for item in c["unacknowledged"]]
    counts = Proposal.objects.annotate(
        rows_for=Count("votes", filter=Q(votes__value="pour")),
        rows_against=Count("votes", filter=Q(votes__value="contre")),
    ).values_list("pk", "votes_for", "votes_against", "rows_for", "rows_against")
    wrong = [row for row in counts if row[1:3] != row[3:5]]
    counted = sum(f + a for pk, f, a, _rf, _ra in counts if pk != answered.pk)
    counted_p = sum(f + a for pk, f, a, _rf, _ra in counts if pk == answered.pk)
    deliveries = Counter(
        Delivery.objects.filter(message=Message.objects.about(answered).get()).values_list("state", flat=True)
    )
    received = cluster.sink.received.copy()
    missing, unexpected = expected - set(received), set(received) - expected
    twice = [address for address, n in received.items() if n > 1]
    checks = {
        "every vote acknowledged in the end": not never,
        "votes acknowledged = vote rows (citizen, préconisation, value)": acknowledged == rows,
        "vote rows = counters, on every préconisation": not wrong
        and counted == len(rows)
        and counted_p == args.voters,
        "no 500 (clients, application log)": not any(k.endswith(" 500") for _p, k in errors)
        and not server_500,
        "every voter and the author told, nobody else": not missing and not unexpected,
        "told twice: at most one (one worker killed)": len(twice) <= 1,
        **edge,
        "every delivery sent": set(deliveries) == {DeliveryState.SENT}
        and sum(deliveries.values()) == len(expected),
    }
    m, t0 = marks, marks["load"]
    print(f"""
Cluster on 127.0.0.1: nginx → 2 gunicorn instances (2 workers each); 2 Procrastinate workers;
PostgreSQL database {DATABASE}; SMTP sink (20 ms a message)
Durations: release steps (migrate, load_catalogue, collectstatic) {m["released"] - m["start"]:.1f} s; start {m["up"] - m["released"]:.1f} s;
  {args.voters:,} voters + {args.citizens} signed-in citizens {m["populated"] - m["up"]:.1f} s; votes {m["voted"] - t0:.1f} s;
  answer → last e-mail accepted {m["mailed"] - m["answered"]:.1f} s; total {time.monotonic() - m["start"]:.1f} s
Votes: {args.citizens} citizens, {args.threads} threads, {len(log)} requests through nginx
  seen by clients: GET page {timings(client["GET"])}; POST vote {timings(client["POST"])}
  in the application: GET {timings(server["GET"])}; POST {timings(server["POST"])}
  POSTs acknowledged (2xx/3xx): {sum(c["posts"] for c in citizens)}, changes of mind included
  votes acknowledged {len(acknowledged)} = vote rows {len(rows)} = counters {counted}; never acknowledged: {len(never)}
  counters = recount from rows on all {len(counts)} préconisations: {"yes" if not wrong else wrong[:5]}; answered one: {counted_p} counted
Kill: web-1 and worker-1 SIGKILLed {m["killed"] - t0:.1f} s into the votes ({m["voting_at_kill"]} citizens voting,
  {m["sink_at_kill"]} e-mails received), restarted {m["restarted"] - m["killed"]:.1f} s later, web-1 answering {m["back"] - m["restarted"]:.1f} s after;
  web-2 reloaded {m["reloaded"] - t0:.1f} s into the votes ({m["voting_at_reload"]} citizens voting)
  HTTP errors seen by clients (0: connection failed): kill {seen["kill"]}; reload {seen["reload"]}; otherwise {seen["otherwise"]}
  requests answered per instance (nginx log): {dict(served)}; passed on to the other by nginx: {passed_on}
E-mail: {len(expected):,} recipients (voters + author); deliveries {dict(deliveries)}
  SMTP sink: {sum(received.values()):,} messages to {len(received):,} recipients; told twice {len(twice)}; missing {len(missing)}; unexpected {len(unexpected)}
""")
    for name, ok in checks.items():
        print(f"  {'ok  ' if ok else 'FAIL'} {name}")
    return all(checks.values())


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--voters", type=int, default=2000, help="voters of the answered préconisation")
    parser.add_argument("--citizens", type=int, default=200, help="citizens voting through nginx")
    parser.add_argument("--votes-each", type=int, default=5, help="préconisations each citizen votes on")
    parser.add_argument("--threads", type=int, default=20, help="client threads")
    parser.add_argument("--spread", type=float, default=15, help="seconds over which citizens start")
    parser.add_argument("--down", type=float, default=4, help="seconds the killed processes stay down")
    parser.add_argument("--timeout", type=float, default=300, help="seconds to wait for every e-mail")
    parser.add_argument("--keep", action="store_true", help="keep the database and the logs")
    args = parser.parse_args()
    if not Path(NGINX).exists():
        raise SystemExit("nginx not found (apt-get install nginx).")

    def interrupted(signum, frame):
        raise KeyboardInterrupt

    # Both, explicitly: a shell starts background commands with SIGINT ignored.
    signal.signal(signal.SIGINT, interrupted)
    signal.signal(signal.SIGTERM, interrupted)
    marks = {"start": time.monotonic()}
    cluster = Cluster(Path(tempfile.mkdtemp(prefix="archipel-cluster-")))
    stop, passed = threading.Event(), False
    try:
        print(f"Logs in {cluster.tmp}", flush=True)
        cluster.release()
        marks["released"] = time.monotonic()
        cluster.start_all()
        marks["up"] = time.monotonic()
        edge = edge_checks(cluster.nginx_port)
        os.environ.update(cluster.env)
        logging.disable(logging.INFO)  # this process prints figures, not log lines
        import django

        django.setup()
        from mailing.models import Delivery, DeliveryState, Message

        answered, citizens, expected = populate(args.voters, args.citizens, args.votes_each)
        marks["populated"] = marks["load"] = time.monotonic()
        for citizen in citizens:
            citizen["start_at"] = marks["load"] + citizen["offset"] * args.spread
        log = []
        with concurrent.futures.ThreadPoolExecutor(args.threads) as pool:
            futures = [pool.submit(citizen_votes, c, cluster.nginx_port, log, stop) for c in citizens]
            try:
                chaos(cluster, citizens, answered, args, marks)
                concurrent.futures.wait(futures, timeout=args.spread + 300)
            finally:
                stop.set()  # whatever is left gives up at its next request
            for future in futures:
                future.result()
        marks["voted"] = time.monotonic()

        def all_sent():
            message = Message.objects.about(answered).filter(recipients_recorded_at__isnull=False).first()
            return (
                message
                and not Delivery.objects.filter(message=message).exclude(state=DeliveryState.SENT).exists()
            )

        marks["mailed"] = wait_until(all_sent, args.timeout, "every e-mail to be sent", step=0.5)
        passed = verify(cluster, citizens, answered, expected, args, marks, log, edge)
        print("\nPASSED" if passed else "\nFAILED", flush=True)
        return 0 if passed else 1
    except KeyboardInterrupt:
        print("Interrupted: stopping everything.", file=sys.stderr)
        return 130
    finally:
        stop.set()
        if "django" in sys.modules:
            from django.db import connections

            connections.close_all()
        cluster.close(drop=passed and not args.keep)


if __name__ == "__main__":
    sys.exit(main())
