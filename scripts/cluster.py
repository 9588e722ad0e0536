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
"""

import argparse
import concurrent.futures
import http.client
import json
import logging
import os
import random
import re
import secrets
import shlex
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
DEPLOY = BASE_DIR / "deploy"
VENV_BIN = Path(os.path.abspath(sys.executable)).parent  # not resolved: the venv's own
DATABASE = "archipel_cluster"
SERVER_URL = "postgresql://postgres@127.0.0.1:5432"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
STATIC_ROOT = BASE_DIR / ".data" / "staticfiles"  # settings.STATIC_ROOT, as in production
TRIES = 6  # a client tries a request this many times, 0.5 s apart, as a citizen clicks again


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until(condition, timeout: float, what: str, step: float = 0.2) -> float:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return time.monotonic()
        time.sleep(step)
    raise SystemExit(f"Timed out ({timeout:.0f} s) waiting for {what}.")


# The deploy/ files, run here ---------------------------------------------------------------


def _brace_delta(line: str) -> int:
    """Braces opened minus closed on a line of nginx configuration, outside quotes and comments."""
    delta, quote = 0, None
    for char in line:
        if quote:
            quote = None if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char == "#":
            break
        else:
            delta += {"{": 1, "}": -1}.get(char, 0)
    return delta


def nginx_site(text: str, *, port: int, upstreams: list[int], logs: Path) -> str:
    """deploy/nginx.conf for this machine: its log format, its upstream with our ports,
    its HTTPS server in plain HTTP on 127.0.0.1:`port`, every other directive unchanged
    (the plain-HTTP redirect is left out). Stops when a line it rewrites is gone."""
    chunks, current, depth = [], [], 0
    for line in text.splitlines():  # top-level statements and blocks
        current.append(line)
        depth += _brace_delta(line)
        if depth == 0 and (not line.strip() or line.rstrip()[-1:] in (";", "}") or line.lstrip()[:1] == "#"):
            chunks.append("\n".join(current))
            current = []
    ports = iter(upstreams)
    rules = {
        "upstream archipel": [
            (r"^([ \t]*server 127\.0\.0\.1:)\d+( .*;)$", lambda m: f"{m[1]}{next(ports)}{m[2]}")
        ],
        "server": [
            (r"^[ \t]*listen 443 ssl http2;$", f"    listen 127.0.0.1:{port};"),
            (r"^[ \t]*(listen \[::\]:443|ssl_\w+) .*;\n", ""),
            (r"^([ \t]*)server_name .*;$", r"\1server_name 127.0.0.1 localhost;"),
            (r"^([ \t]*access_log) /var/log/nginx/\S+ archipel;$", rf"\1 {logs}/nginx-access.log archipel;"),
            (r"^([ \t]*error_log) /var/log/nginx/\S+ warn;$", rf"\1 {logs}/nginx-error.log warn;"),
            (r"^([ \t]*alias) /srv/archipel/\.data/staticfiles/;$", rf"\1 {STATIC_ROOT}/;"),
        ],
    }
    site = []
    for chunk in chunks:
        kind = next((k for k in rules if chunk.lstrip().startswith(k + " ")), None)
        if kind == "server" and "listen 443" not in chunk:
            continue
        for pattern, replacement in rules.get(kind, []):
            chunk, count = re.subn(pattern, replacement, chunk, flags=re.M)
            if not count:
                raise SystemExit(f"deploy/nginx.conf: no line matches {pattern!r} any more")
        site.append(chunk)
    if next(ports, None) is not None:
        raise SystemExit("deploy/nginx.conf: fewer upstream servers than instances")
    return "\n".join(site)


def nginx_main(site: str, tmp: Path) -> str:
    """Debian's /etc/nginx/nginx.conf in short, with its paths in `tmp`, around `site`."""
    user = "user root;\n" if os.geteuid() == 0 else ""  # its workers read our files
    temp = " ".join(
        f"{kind}_temp_path {tmp}/nginx-{kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    return f"""{user}worker_processes 2;
pid {tmp}/nginx.pid;
error_log {tmp}/nginx-error.log warn;
events {{ worker_connections 1024; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    sendfile on;
    tcp_nopush on;
    types_hash_max_size 2048;
    server_tokens off;
    {temp}
{site}
}}
"""


def unit_commands(unit: str, instance: str = "") -> list[list[str]]:
    """The ExecStart= command lines of a deploy/systemd unit, for this checkout."""
    text = (DEPLOY / "systemd" / unit).read_text()
    commands = []
    for match in re.finditer(r"^ExecStart=((?:.*\\\n)*.*)$", text, flags=re.M):
        argv = shlex.split(match[1].replace("\\\n", " ").replace("%i", instance))
        argv[0] = str(VENV_BIN / Path(argv[0]).name)  # /srv/archipel/.venv/bin/…
        commands.append(argv)
    return commands


# The processes ------------------------------------------------------------------------------


class Sink:
    """The SMTP server of the run: accepts every message after 20 ms, counts recipients."""

    def __init__(self):
        from aiosmtpd.controller import Controller

        self.lock, self.received = threading.Lock(), Counter()
        self.controller = Controller(self, hostname="127.0.0.1", port=free_port())

    async def handle_DATA(self, server, session, envelope):
        import asyncio

        await asyncio.sleep(0.02)
        with self.lock:
            self.received.update(envelope.rcpt_tos)
        return "250 Message accepted"

    def total(self) -> int:
        with self.lock:
            return sum(self.received.values())


class Cluster:
    """Everything a run starts: the SMTP sink, and children in process groups of their
    own (logs in `tmp`), which can be killed and started again."""

    def __init__(self, tmp: Path):
        self.tmp, self.running, self.commands, self.database_created = tmp, {}, {}, False
        self.nginx_port, self.web_ports = free_port(), [free_port(), free_port()]
        self.sink, self.sink_started = Sink(), False
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "archipel.settings",
            "DATABASE_URL": f"{SERVER_URL}/{DATABASE}",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "DEBUG": "0",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "TRUSTED_PROXY_COUNT": "1",
            "HTTPS": "0",
            "SITE_URL": f"http://127.0.0.1:{self.nginx_port}",
            "EMAIL_URL": f"smtp://127.0.0.1:{self.sink.controller.port}",
            "REDIS_URL": "",
            "PYTHONUNBUFFERED": "1",
        }

    def release(self):
        """A fresh database, then the release unit's commands (migrate, catalogue, static)."""
        import psycopg

        try:
            with psycopg.connect(f"{SERVER_URL}/postgres", autocommit=True, connect_timeout=5) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
                conn.execute(f'CREATE DATABASE "{DATABASE}"')
            self.database_created = True
        except psycopg.OperationalError as error:
            raise SystemExit(f"No PostgreSQL server answers at {SERVER_URL}: {error}") from None
        with open(self.tmp / "release.log", "ab") as log:
            for argv in unit_commands("archipel-migrate.service"):
                subprocess.run(argv, cwd=BASE_DIR, env=self.env, check=True, stdout=log, stderr=log)

    def start_all(self):
        self.sink.controller.start()
        self.sink_started = True
        for number, port in enumerate(self.web_ports, 1):
            argv = unit_commands("archipel-web@.service", str(port))[0]
            argv[argv.index("--workers") + 1] = "2"
            self.start(f"web-{number}", argv)
        for number in (1, 2):
            self.start(f"worker-{number}", unit_commands("archipel-worker@.service", str(number))[0])
        site = nginx_site(
            (DEPLOY / "nginx.conf").read_text(), port=self.nginx_port, upstreams=self.web_ports, logs=self.tmp
        )
        (self.tmp / "nginx.conf").write_text(nginx_main(site, self.tmp))
        nginx = [
            NGINX,
            "-p",
            str(self.tmp),
            "-c",
            str(self.tmp / "nginx.conf"),
            "-e",
            str(self.tmp / "nginx-error.log"),
        ]
        subprocess.run([*nginx, "-t", "-q"], check=True)
        self.start("nginx", [*nginx, "-g", "daemon off;"])
        for port in self.web_ports:
            wait_until(lambda port=port: self.answers(port, "/vie/"), 60, f"gunicorn on port {port}")
        wait_until(lambda: self.answers(self.nginx_port, "/sante/"), 30, "/sante/ through nginx")

    def answers(self, port: int, path: str) -> bool:
        return fetch(port, "127.0.0.1", "GET", path, {}, [])[0] == 200

    def start(self, name: str, argv: list[str] | None = None):
        argv = self.commands.setdefault(name, argv)
        with open(self.tmp / f"{name}.log", "ab") as log:
            self.running[name] = subprocess.Popen(
                argv, cwd=BASE_DIR, env=self.env, stdout=log, stderr=log, start_new_session=True
            )

    def kill(self, name: str):
        signal_group(self.running[name], signal.SIGKILL)  # no clean shutdown: a crash
        self.running[name].wait(10)

    def close(self, drop: bool):
        """Stop every child (SIGTERM, SIGKILL after 30 s) and the sink; drop the database
        and the logs only when asked."""
        for process in self.running.values():
            if process.poll() is None:
                signal_group(process, signal.SIGTERM)
        deadline = time.monotonic() + 30
        for process in self.running.values():
            try:
                process.wait(max(deadline - time.monotonic(), 0.1))
            except subprocess.TimeoutExpired:
                signal_group(process, signal.SIGKILL)
                process.wait(5)
        if self.sink_started:
            self.sink.controller.stop()
        if drop:
            import psycopg

            with psycopg.connect(f"{SERVER_URL}/postgres", autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
            shutil.rmtree(self.tmp, ignore_errors=True)
        else:
            kept = f"database {DATABASE}, " if self.database_created else ""
            print(f"Kept for inspection: {kept}logs in {self.tmp}", file=sys.stderr)


def signal_group(process: subprocess.Popen, signum: int):
    try:
        os.killpg(process.pid, signum)
    except ProcessLookupError:  # already gone
        pass


def edge_checks(port: int) -> dict:
    """What nginx itself does, per deploy/nginx.conf: static files from disk, compressed,
    cached for a year under hashed names; pages compressed, with its request id; bodies
    over client_max_body_size refused before gunicorn."""

    def get(path, body=None):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        connection.request("POST" if body else "GET", path, body=body, headers={"Accept-Encoding": "gzip"})
        response = connection.getresponse()
        response.read()
        connection.close()
        return response

    manifest = json.loads((STATIC_ROOT / "staticfiles.json").read_text())["paths"]
    static, page = get(f"/static/{manifest['css/archipel.css']}"), get("/")
    return {
        "static file: gzip, cached a year, immutable": static.status == 200
        and static.headers["Content-Encoding"] == "gzip"
        and "immutable" in static.headers["Cache-Control"],
        "page: gzip, nginx's X-Request-ID": page.status == 200
        and page.headers["Content-Encoding"] == "gzip"
        and re.fullmatch(r"[0-9a-f]{32}", page.headers["X-Request-ID"] or "") is not None,
        "3 MB body refused by nginx (413)": get("/preconisations/", body=b"x" * 3_000_000).status == 413,
    }


# The citizens --------------------------------------------------------------------------------


def fetch(port, source, method, path, cookies, log, body=None, headers=None):
    """One request from the address `source` (each citizen has a loopback address of their
    own, as on the Internet: rate limits count per address); status 0 when the connection
    failed. Appends (start, method, status, ms) to `log`."""
    started = time.monotonic()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30, source_address=(source, 0))
    headers = {**(headers or {}), "Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())}
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        status, data = response.status, response.read().decode("utf-8", "replace")
        for cookie in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = cookie.partition("=")
            cookies[name.strip()] = rest.split(";", 1)[0]
    except (OSError, http.client.HTTPException):
        status, data = 0, ""
    finally:
        connection.close()
    log.append((started, method, status, (time.monotonic() - started) * 1000))
    return status, data


def citizen_votes(citizen: dict, port: int, log: list, stop: threading.Event) -> None:
    """From its start time on: GET each target préconisation (the CSRF token), POST a
    vote, one in ten change it. A failed request is tried again (a vote is idempotent)."""
    rng = random.Random(citizen["user_id"])
    cookies = {"sessionid": citizen["session_key"]}
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Origin": f"http://127.0.0.1:{port}"}
    if citizen["user_id"] % 2:
        headers["HX-Request"] = "true"  # half of them have JavaScript
    try:
        if stop.wait(max(citizen["start_at"] - time.monotonic(), 0)):
            return
        for slug in citizen["targets"]:
            path = f"/preconisations/{slug}/"
            for _try in range(TRIES):
                status, page = fetch(port, citizen["source"], "GET", path, cookies, log)
                token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
                if status == 200 and token or stop.wait(0.5):
                    break
            if not token:
                citizen["unacknowledged"].append((slug, "page"))
                continue
            first = rng.choice(["pour", "contre"])
            for value in [first, "contre" if first == "pour" else "pour"][: 1 + (rng.random() < 0.1)]:
                stop.wait(rng.uniform(0.1, 0.4))  # reading, then clicking
                body, acknowledged = f"csrfmiddlewaretoken={token[1]}&value={value}", False
                for _try in range(TRIES):
                    status, _page = fetch(
                        port, citizen["source"], "POST", f"{path}vote/", cookies, log, body, headers
                    )
                    acknowledged = 200 <= status < 400
                    if acknowledged or stop.wait(0.5):
                        break
                if not acknowledged:
                    citizen["unacknowledged"].append((slug, value))
                    break
                citizen["acknowledged"][slug] = value
                citizen["posts"] += 1
    finally:
        citizen["done"] = True


# The run ----------------------------------------------------------------------------------------


def populate(voters: int, citizens: int, per_citizen: int):
    """The préconisation to answer, voted by `voters` citizens; `citizens` more, signed in
    (sessions made server-side), each with an address, targets and a start time offset."""
    from allauth.account.models import EmailAddress
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.auth.hashers import make_password
    from django.contrib.sessions.backends.db import SessionStore
    from django.db import transaction

    from archipel.models import User
    from proposals import services
    from proposals.models import CLOSED_STATUSES, Proposal, Topic, Vote

    password = make_password(None)  # nobody signs in with a password here

    def users(prefix, count):
        return [
            User(username=f"{prefix}-{i}", email=f"{prefix}-{i}@cluster.archipel.test", password=password)
            for i in range(count)
        ]

    with transaction.atomic():
        author = User.objects.create(
            username="autrice", email="autrice@cluster.archipel.test", password=password
        )
        voter_rows = User.objects.bulk_create(users("votant", voters))
        citizen_rows = User.objects.bulk_create(users("citoyen", citizens))
        EmailAddress.objects.bulk_create(
            EmailAddress(user=user, email=user.email, verified=True, primary=True)
            for user in [author, *voter_rows, *citizen_rows]
        )
        answered = services.proposal_create(
            user=author,
            topic=Topic.objects.get(is_home=True),
            title="Un conseil citoyen des jumelages",
            body="Que les habitants suivent et évaluent chaque année les jumelages de la ville.",
        )
        values = random.Random(1).choices(["pour", "contre"], k=voters)
        Vote.objects.bulk_create(
            Vote(proposal=answered, user=user, value=v) for user, v in zip(voter_rows, values, strict=True)
        )
        services.proposals_recount([answered.pk])
    others = list(
        Proposal.objects.filter(is_hidden=False)
        .exclude(status__in=CLOSED_STATUSES)
        .exclude(pk=answered.pk)
        .values_list("slug", flat=True)
    )
    people = []
    for index, user in enumerate(citizen_rows):
        session = SessionStore()
        session.update(
            {SESSION_KEY: str(user.pk), BACKEND_SESSION_KEY: "django.contrib.auth.backends.ModelBackend"}
        )
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        people.append(
            {
                "user_id": user.pk,
                "session_key": session.session_key,
                "source": f"127.1.{index // 250}.{index % 250 + 1}",
                "targets": random.Random(user.pk).sample(others, min(per_citizen, len(others))),
                "offset": index / citizens,
                "acknowledged": {},
                "posts": 0,
                "unacknowledged": [],
                "done": False,
            }
        )
    return answered, people, {user.email for user in voter_rows} | {author.email}


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
