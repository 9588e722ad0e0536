"""The processes of `make cluster` (scripts/cluster.py): the deploy/ files made to run on
this machine (nginx configuration, the systemd units' command lines), the SMTP sink, and
the children started, killed, restarted and stopped."""

import os
import re
import secrets
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

from cluster_load import fetch

BASE_DIR = Path(__file__).resolve().parent.parent
DEPLOY = BASE_DIR / "deploy"
VENV_BIN = Path(os.path.abspath(sys.executable)).parent  # not resolved: the venv's own
DATABASE = "archipel_cluster"
SERVER_URL = "postgresql://postgres@127.0.0.1:5432"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
STATIC_ROOT = BASE_DIR / ".data" / "staticfiles"  # settings.STATIC_ROOT, as in production


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
    """deploy/nginx.conf for this machine: its log format, its micro-cache in `logs`, its
    upstream with our ports, its HTTPS server in plain HTTP on 127.0.0.1:`port`, every
    other directive unchanged (the plain-HTTP redirect is left out). Stops when a line it
    rewrites is gone."""
    chunks, current, depth = [], [], 0
    for line in text.splitlines():  # top-level statements and blocks
        current.append(line)
        depth += _brace_delta(line)
        if depth == 0 and (not line.strip() or line.rstrip()[-1:] in (";", "}") or line.lstrip()[:1] == "#"):
            chunks.append("\n".join(current))
            current = []
    ports = iter(upstreams)
    rules = {
        "proxy_cache_path": [
            (r"^proxy_cache_path /var/cache/nginx/archipel ", f"proxy_cache_path {logs}/nginx-cache ")
        ],
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
