"""The citizens of `make cluster` (scripts/cluster.py): the accounts and signed-in sessions
made in the database, and each citizen's votes through nginx, from an address of their own."""

import http.client
import random
import re
import threading
import time

TRIES = 6  # a client tries a request this many times, 0.5 s apart, as a citizen clicks again


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
