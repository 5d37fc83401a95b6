"""Latency of the inbox's pages (a department's queue, a mention) for signed-in people.

Loads N mentions (default 100,000) into PostgreSQL as the projection would
store them: routed to the organisation's departments, with topics,
sentiments, priorities and SLA deadlines, several per relationship, their
delivery receipts, and the claims, replies and resolutions of people (bulk
inserts of the projection's rows; the schema comes from the migrations).
Adds `--users` people with `add_person`, serves the history API with uvicorn
in a separate process, signs every person in through /login, and has each of
them loop: their department's /inbox, then one mention of that queue. Prints
p50/p95/p99 and requests/s per page, with the machine, commit and date.

    .venv/bin/python bench/inbox.py --quick        # 2,000 mentions, 5 s: does it work
    .venv/bin/python bench/inbox.py                # 100,000 mentions, 20 people, 30 s
    .venv/bin/python bench/inbox.py --reuse        # keeps the loaded database for the next run
    .venv/bin/python bench/inbox.py --database-url postgresql://...  # an EMPTY database

Without --database-url (or WEBCARE_TEST_DATABASE_URL) it starts a throwaway
PostgreSQL the way the tests do (deploy/postgres/start.sh) and drops it at the
end; with --reuse that cluster lives in /tmp/webcare-bench-inbox-pg and its database
(one per --mentions) is kept for the next --reuse run.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import httpx  # noqa: E402
from sqlalchemy import delete, func, insert, select, text  # noqa: E402

from schemas import ConversationEvent  # noqa: E402
from services.common.organisation import Organisation, load_organisation  # noqa: E402
from services.history.database import (  # noqa: E402
    ConversationEventRow,
    DeliveryReceiptRow,
    MentionRouteRow,
    MentionRow,
    PersonRow,
    SavedReplyRow,
    WebSessionRow,
    make_engine,
    session_factories,
)
from services.history.inbox.people import add_person  # noqa: E402
from services.history.keys import Role  # noqa: E402
from services.history.migrate import migrate  # noqa: E402
from services.ingest.normalise import mention_id, relationship_id  # noqa: E402

ORGANISATION = REPO / "deploy" / "config" / "organisation.yaml"
REUSED_CLUSTER = Path("/tmp/webcare-bench-inbox-pg")
DAYS = 90  # mentions are spread over the last DAYS days
CLAIM_TTL = timedelta(minutes=30)  # ApiContext's default
SOURCES = {"x": 30, "mastodon": 15, "bluesky": 15, "facebook": 20, "email": 15, "rss": 5}
TOPIC_WEIGHTS = {
    "complaints": 25,
    "fundraising": 25,
    "volunteers": 20,
    "programs": 15,
    "vacancies": 10,
    "press": 5,
}
FILLER = {
    "nl": (
        "ik wij jullie vraag hoe wanneer graag dank al drie weken nog steeds de het een "
        "mijn onze zaterdag morgen vandaag stichting iemand antwoord bericht"
    ),
    "en": (
        "i we you question how when please still three weeks the a my our saturday "
        "tomorrow today charity someone answer message"
    ),
}
REPLIES = ["Dank voor je bericht, we kijken ernaar.", "Thanks, we're on it!", "Opgelost, fijn dag!"]
COLLEAGUES = [f"medewerker-{n:02d}" for n in range(30)]
MENTION_ON_PAGE = re.compile(r'data-mention="([^"]+)"')
CSRF_FIELD = re.compile(r'name="csrf" value="([^"]+)"')


def say(line: str = "") -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# --- the database -----------------------------------------------------------------------


@contextmanager
def cluster(reuse: bool) -> Iterator[str]:
    """An admin URL of a local PostgreSQL started as the tests start it; stopped afterwards."""
    ensured = subprocess.run(
        ["bash", str(REPO / "deploy/postgres/ensure.sh")], capture_output=True, text=True
    )
    if ensured.returncode != 0:
        raise SystemExit(f"no PostgreSQL:\n{ensured.stdout}\n{ensured.stderr}")
    data = REUSED_CLUSTER if reuse else Path(f"/tmp/webcare-bench-inbox-pg-{os.getpid()}")
    if not reuse:
        shutil.rmtree(data, ignore_errors=True)
    data.mkdir(mode=0o755, exist_ok=True)
    started = subprocess.run(
        ["bash", str(REPO / "deploy/postgres/start.sh"), str(data), str(free_port())],
        capture_output=True,
        text=True,
    )
    if started.returncode != 0:
        raise SystemExit(f"PostgreSQL did not start:\n{started.stdout}\n{started.stderr}")
    try:
        yield started.stdout.strip().splitlines()[-1]
    finally:
        subprocess.run(["bash", str(REPO / "deploy/postgres/stop.sh"), str(data)], check=False)
        if not reuse:
            shutil.rmtree(data, ignore_errors=True)


@contextmanager
def database(given: str | None, reuse: bool, mentions: int) -> Iterator[str]:
    """The URL to benchmark: the one given, else a fresh database (kept only with --reuse)."""
    if given:
        yield given
        return
    with cluster(reuse) as admin:
        # One kept database per size, so a --quick run never spoils the full one.
        name = f"webcare_bench_inbox_{mentions if reuse else uuid.uuid4().hex[:8]}"
        exists = subprocess.run(
            ["psql", admin, "-tAc", f"SELECT 1 FROM pg_database WHERE datname = '{name}'"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        if not exists:
            subprocess.run(["psql", admin, "-qc", f"CREATE DATABASE {name}"], check=True)
        try:
            yield admin.rsplit("/", 1)[0] + f"/{name}"
        finally:
            if not reuse:
                subprocess.run(
                    ["psql", admin, "-qc", f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"],
                    check=False,
                )


def mention_count(url: str) -> int:
    engine = make_engine(url)
    migrate(engine)
    with engine.connect() as connection:
        count = connection.scalar(select(func.count()).select_from(MentionRow)) or 0
    engine.dispose()
    return int(count)


# --- the mentions -----------------------------------------------------------------------


@dataclass
class Rows:
    """One chunk of the projection's rows, inserted together."""

    mentions: list[dict[str, Any]] = field(default_factory=list)
    routes: list[dict[str, Any]] = field(default_factory=list)
    receipts: list[dict[str, Any]] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)


class Generator:
    """Mentions as the pipeline would have stored them, for one organisation and one `now`."""

    def __init__(self, org: Organisation, now: datetime, seed: int) -> None:
        self.org = org
        self.now = now
        self.rng = random.Random(seed)
        self.keywords = {t.slug: [k for k in t.keywords if " " not in k] for t in org.topics}
        self.sla = {t.slug: t.sla_minutes or org.default_sla_minutes for t in org.topics}
        self.departments = {
            t.slug: [d.slug for d in org.departments if t.slug in d.topics] for t in org.topics
        }

    def relationship(self, number: int, rows: Rows, budget: int) -> int:
        """Adds one person's mentions (skewed: most write once or twice); returns how many."""
        rng = self.rng
        source = rng.choices(list(SOURCES), weights=list(SOURCES.values()))[0]
        author_id = str(100_000 + number)
        author: dict[str, Any] = {
            "id": author_id,
            "handle": f"persoon{number}",
            "display_name": f"Persoon {number}" if rng.random() < 0.7 else None,
            "followers": int(rng.paretovariate(1.2) * 50),
        }
        rel = relationship_id(source, author_id)
        lang = "nl" if rng.random() < 0.75 else "en"
        count = min(budget, 1 + int(rng.expovariate(1 / 3)), 60)
        for k in range(count):
            self.mention(rows, source, author, rel, lang, f"{number}-{k}")
        return count

    def mention(
        self, rows: Rows, source: str, author: dict[str, Any], rel: str, lang: str, ext: str
    ) -> None:
        rng = self.rng
        created = self.now - timedelta(seconds=rng.uniform(60, DAYS * 86400))
        topics = sorted(
            set(
                rng.choices(
                    list(TOPIC_WEIGHTS),
                    weights=list(TOPIC_WEIGHTS.values()),
                    k=rng.choices([0, 1, 2], weights=[15, 70, 15])[0],
                )
            )
        )
        words = [rng.choice(self.keywords[t]) for t in topics]
        words += rng.choices(FILLER[lang].split(), k=rng.randint(6, 30))
        rng.shuffle(words)
        negative = 0.7 if "complaints" in topics else 0.2
        sentiment = rng.choices(["negative", "neutral", "positive"], [negative, 0.5, 0.3])[0]
        touchy = {"complaints", "press"} & set(topics)
        priority = (
            "urgent"
            if touchy and sentiment == "negative"
            else "high"
            if touchy or author["followers"] >= 10_000
            else "low"
            if not topics
            else "normal"
        )
        mid = mention_id(source, ext)
        decided = created + timedelta(seconds=rng.uniform(1, 20))
        sla = min((self.sla[t] for t in topics), default=self.org.default_sla_minutes)
        routes: dict[str, list[str]] = {}
        for topic in topics:
            for department in self.departments[topic]:
                routes.setdefault(department, []).append(topic)
        rule = "topic" if routes else "triage"
        routes = routes or {self.org.triage_department: []}
        mention = {
            "id": mid,
            "source": source,
            "external_id": ext,
            "relationship_id": rel,
            "thread_id": mid,
            "author": author,
            "text": " ".join(words).capitalize() + rng.choice([".", "!", "?", " @openhart"]),
            "lang": lang,
            "created_at": created,
            "url": f"https://{source}.example/{ext}",
            "in_reply_to": None,
            "ingested_at": created + timedelta(seconds=1),
            "topics": topics,
            "scores": {t: round(rng.uniform(0.5, 0.99), 3) for t in topics},
            "sentiment": sentiment,
            "model_version": "keywords-1",
            "classified_at": created + timedelta(seconds=1),
            "priority": priority,
            "sla_deadline": decided + timedelta(minutes=sla),
            "decision_id": f"decision-{mid}",
            "decided_at": decided,
            "status": "open",
            # every row carries every key: an executemany binds the first row's keys
            "claimed_by": None,
            "claimed_department": None,
            "claimed_at": None,
            "resolved_at": None,
            "tags": None,
            "explanation": None,
        }
        rows.mentions.append(mention)
        for department, matched in routes.items():
            rows.routes.append(
                {
                    "mention_id": mid,
                    "department": department,
                    "matched_topics": matched,
                    "rule": rule,
                    "decision_id": f"decision-{mid}",
                }
            )
            delivery = f"{mid}|{department}"
            rows.receipts.append(
                {
                    "receipt_id": f"{delivery}|kafka|webcare.dept.{department}|1",
                    "delivery_id": delivery,
                    "mention_id": mid,
                    "relationship_id": rel,
                    "department": department,
                    "channel": "kafka",
                    "target": f"webcare.dept.{department}",
                    "outcome": "delivered",
                    "attempt": 1,
                    "status_code": None,
                    "error": None,
                    "at": decided + timedelta(milliseconds=rng.randint(5, 500)),
                }
            )
        self.work(rows, mention, sorted(routes)[0])

    def work(self, rows: Rows, mention: dict[str, Any], department: str) -> None:
        """What people did: old mentions are mostly resolved, new ones mostly open."""
        rng = self.rng
        age = self.now - mention["created_at"]
        days = age / timedelta(days=1)
        resolved_share = 0.97 if days > 3 else 0.7 if days > 1 else 0.3
        who = rng.choice(COLLEAGUES)
        base = {
            "relationship_id": mention["relationship_id"],
            "mention_id": mention["id"],
            "department": department,
            "actor": who,
            "text": None,
            "channel": None,
            "topics": None,
            "linked_relationship_id": None,
        }

        def event(kind: str, at: datetime, **values: Any) -> None:
            rows.events.append(
                {**base, "event_id": f"{mention['id']}#{kind}", "kind": kind, "at": at, **values}
            )

        if rng.random() < resolved_share:
            latest = max(mention["decided_at"], self.now - timedelta(seconds=30))
            picked = mention["decided_at"] + timedelta(minutes=rng.expovariate(1 / 120))
            claimed = min(picked, latest)
            event("claimed", claimed)
            done = claimed + timedelta(seconds=rng.uniform(10, 15))
            if rng.random() < 0.85:  # the rest is resolved without a reply (spam, a thank-you)
                event("replied", done, text=rng.choice(REPLIES), channel=mention["source"])
            event("resolved", done + timedelta(seconds=1))
            mention.update(status="resolved", resolved_at=done + timedelta(seconds=1))
        elif rng.random() < 0.15:
            claimed = self.now - timedelta(minutes=rng.uniform(1, 180))  # a quarter still live
            claimed = max(claimed, mention["decided_at"])
            event("claimed", claimed)
            mention.update(
                status="claimed", claimed_by=who, claimed_department=department, claimed_at=claimed
            )
        if rng.random() < 0.03:
            note_at = min(mention["decided_at"] + timedelta(minutes=5), self.now)
            event("note", note_at, text="Zie ook het eerdere gesprek met deze persoon.")


def load(url: str, org: Organisation, mentions: int, seed: int) -> dict[str, int]:
    """Bulk-inserts the rows of `mentions` mentions in chunks; returns the row counts."""
    generator = Generator(org, datetime.now(UTC), seed)
    engine = make_engine(url)
    counts = {"relationships": 0, "routes": 0, "receipts": 0, "events": 0}
    loaded = 0
    while loaded < mentions:
        rows = Rows()
        while len(rows.mentions) < 5000 and loaded < mentions:
            loaded += generator.relationship(counts["relationships"], rows, mentions - loaded)
            counts["relationships"] += 1
        with engine.begin() as connection:
            connection.execute(insert(MentionRow), rows.mentions)
            connection.execute(insert(MentionRouteRow), rows.routes)
            connection.execute(insert(DeliveryReceiptRow), rows.receipts)
            if rows.events:
                connection.execute(insert(ConversationEventRow), rows.events)
        counts["routes"] += len(rows.routes)
        counts["receipts"] += len(rows.receipts)
        counts["events"] += len(rows.events)
    with engine.begin() as connection:
        connection.execute(delete(SavedReplyRow))
        connection.execute(
            insert(SavedReplyRow),
            [
                {
                    "department": d.slug,
                    "language": lang,
                    "title": f"{title} ({d.slug})",
                    "body": f"Hoi {{author_name}}, {title.lower()}. Groet, {{my_name}}",
                    "updated_by": "bench",
                    "updated_at": generator.now,
                }
                for d in org.departments
                for lang in ("nl", "en")
                for title in ("Dank", "We zoeken het uit", "Doorverwezen")
            ],
        )
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("ANALYZE"))
    engine.dispose()
    return counts


# --- the people and the server ----------------------------------------------------------


@dataclass(frozen=True)
class Person:
    username: str
    password: str
    department: str


def add_people(url: str, org: Organisation, users: int) -> list[Person]:
    """`users` members spread over the departments (every fifth works in two); replaces old ones."""
    slugs = org.department_slugs
    people = [
        Person(f"bench-{n:02d}", f"bench-password-{n:02d}", slugs[n % len(slugs)])
        for n in range(users)
    ]
    engine = make_engine(url)
    _readers, writers = session_factories(engine)
    with writers() as session, session.begin():
        names = [p.username for p in people]
        session.execute(delete(WebSessionRow).where(WebSessionRow.username.in_(names)))
        session.execute(delete(PersonRow).where(PersonRow.username.in_(names)))
        for n, person in enumerate(people):
            second = [slugs[(n + 1) % len(slugs)]] if n % 5 == 4 else []
            add_person(
                session,
                username=person.username,
                display_name=f"Bench {n:02d}",
                departments=[person.department, *second],
                role=Role.MEMBER,
                password=person.password,
                known_departments=slugs,
                now=datetime.now(UTC),
            )
    engine.dispose()
    return people


class NoPublishing:
    """The bench only reads pages: an action that reaches for Kafka is a bug of the bench."""

    def publish(self, event: ConversationEvent) -> None:
        raise RuntimeError(f"the inbox bench does not act (tried to publish {event.kind})")


def serve(url: str, port: int) -> None:
    """The history API (with the inbox) alone, in this process, as `make run` serves it."""
    import uvicorn

    from services.history.api import create_api
    from services.history.api_deps import ApiContext

    org = load_organisation(ORGANISATION)
    readers, writers = session_factories(make_engine(url))
    context = ApiContext(
        readers=readers,
        writers=writers,
        publisher=NoPublishing(),
        claim_ttl=CLAIM_TTL,
        departments=org.department_slugs,
        topics=[t.slug for t in org.topics],
        public_url=f"http://127.0.0.1:{port}",
        department_names={d.slug: d.name for d in org.departments},
    )
    uvicorn.run(
        create_api(context), host="127.0.0.1", port=port, log_level="warning", access_log=False
    )


def cpu_seconds(pid: int) -> float:
    """User plus system CPU time of a process so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@contextmanager
def api_server(url: str, log: Path) -> Iterator[tuple[str, int]]:
    port = free_port()
    with log.open("ab") as out:
        server = subprocess.Popen(
            [sys.executable, __file__, "--serve", url, str(port)],
            cwd=REPO,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):  # up to a minute
            if server.poll() is not None:
                raise SystemExit(f"the API server exited with {server.returncode}; see {log}")
            try:
                if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        else:
            raise SystemExit(f"the API server did not answer /health; see {log}")
        yield base, server.pid
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


# --- the load -----------------------------------------------------------------------------


@dataclass
class Page:
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    from_queue: int = 0  # mention pages opened from the person's queue (not a random id)


async def sign_in(client: httpx.AsyncClient, person: Person) -> None:
    form = await client.get("/login")
    found = CSRF_FIELD.search(form.text)
    if form.status_code != 200 or found is None:
        raise SystemExit(f"/login answered {form.status_code} without a csrf field")
    answer = await client.post(
        "/login",
        data={
            "username": person.username,
            "password": person.password,
            "csrf": found.group(1),
            "next": "/inbox",
        },
    )
    if answer.status_code != 303 or "webcare_session" not in client.cookies:
        raise SystemExit(f"signing in {person.username} answered {answer.status_code}")


async def timed(client: httpx.AsyncClient, path: str, page: Page) -> str:
    started = time.perf_counter()
    try:
        answer = await client.get(path)
    except httpx.TransportError:  # counted, not fatal: a reset under load is a result
        page.errors += 1
        return ""
    page.latencies.append(time.perf_counter() - started)
    if answer.status_code != 200:
        page.errors += 1
    return answer.text


async def work(
    client: httpx.AsyncClient,
    person: Person,
    pages: dict[str, Page],
    any_ids: list[str],
    until: float,
    rounds: int,
    rng: random.Random,
) -> None:
    """One person: their queue, then a mention from it (a random one if the queue is empty)."""
    for _ in range(rounds):
        if time.perf_counter() >= until:
            return
        queue = await timed(client, f"/inbox?department={person.department}", pages["inbox"])
        ids = MENTION_ON_PAGE.findall(queue)
        pages["mention"].from_queue += bool(ids)
        chosen = rng.choice(ids or any_ids)
        await timed(client, f"/mentions/{quote(chosen, safe=':@')}", pages["mention"])


async def drive(
    base: str, people: list[Person], any_ids: list[str], seconds: float, rounds: int, api_pid: int
) -> tuple[dict[str, Page], float, float]:
    """Signs everyone in, warms up one round, then measures; returns pages, wall and API CPU."""
    limits = httpx.Limits(max_connections=1)
    clients = [httpx.AsyncClient(base_url=base, timeout=60.0, limits=limits) for _ in people]
    try:
        await asyncio.gather(*(sign_in(c, p) for c, p in zip(clients, people, strict=True)))
        warm = {"inbox": Page(), "mention": Page()}
        await asyncio.gather(
            *(
                work(c, p, warm, any_ids, time.perf_counter() + 60, 1, random.Random(n))
                for n, (c, p) in enumerate(zip(clients, people, strict=True))
            )
        )
        pages = {"inbox": Page(), "mention": Page()}
        started, api_cpu = time.perf_counter(), cpu_seconds(api_pid)
        await asyncio.gather(
            *(
                work(c, p, pages, any_ids, started + seconds, rounds, random.Random(100 + n))
                for n, (c, p) in enumerate(zip(clients, people, strict=True))
            )
        )
        return pages, time.perf_counter() - started, cpu_seconds(api_pid) - api_cpu
    finally:
        for client in clients:
            await client.aclose()


def sample_ids(url: str, count: int) -> list[str]:
    engine = make_engine(url)
    with engine.connect() as connection:
        ids = list(connection.scalars(select(MentionRow.id).order_by(func.random()).limit(count)))
    engine.dispose()
    return ids


def percentile(ordered: list[float], share: float) -> float:
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))] * 1000


def report(name: str, page: Page, elapsed: float) -> None:
    ordered = sorted(page.latencies)
    if not ordered:
        say(f"{name:<8} requests=0 errors={page.errors}")
        return
    say(
        f"{name:<8} requests={len(ordered):>6} errors={page.errors} "
        f"p50={statistics.median(ordered) * 1000:7.1f} ms p95={percentile(ordered, 0.95):7.1f} ms "
        f"p99={percentile(ordered, 0.99):7.1f} ms  throughput={len(ordered) / elapsed:7.1f} req/s"
    )


def commit() -> str:
    found = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=REPO, capture_output=True, text=True, check=False
    )
    return found.stdout.strip() or "unknown"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("WEBCARE_TEST_DATABASE_URL"))
    parser.add_argument("--mentions", type=int, default=100_000)
    parser.add_argument("--users", type=int, default=20, help="concurrent signed-in people")
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--requests", type=int, default=0, help="rounds per person (0: --seconds)")
    parser.add_argument("--reuse", action="store_true", help="keep the database; skip loading it")
    parser.add_argument("--quick", action="store_true", help="2,000 mentions for 5 s")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--serve", nargs=2, metavar=("URL", "PORT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve[0], int(args.serve[1]))
        return
    if args.quick:
        args.mentions, args.seconds = 2000, 5.0
    org = load_organisation(ORGANISATION)
    load_start = os.getloadavg()[0]
    with database(args.database_url, args.reuse, args.mentions) as url:
        present = mention_count(url)
        if present and not (args.reuse and present == args.mentions):
            raise SystemExit(
                f"the database holds {present} mentions; give an empty one, or --reuse with "
                f"--mentions {present}"
            )
        if present:
            say(f"reused {present} mentions already in PostgreSQL (--reuse)")
        else:
            started = time.perf_counter()
            counts = load(url, org, args.mentions, args.seed)
            say(
                f"loaded {args.mentions} mentions ({counts['relationships']} relationships, "
                f"{counts['routes']} routes, {counts['receipts']} delivery receipts, "
                f"{counts['events']} conversation events) into PostgreSQL by bulk inserts of "
                f"the projection's rows in {time.perf_counter() - started:.1f} s"
            )
        people = add_people(url, org, args.users)
        any_ids = sample_ids(url, 2000)
        log = Path(f"/tmp/webcare-bench-inbox-api-{os.getpid()}.log")
        load_before = os.getloadavg()[0]
        with api_server(url, log) as (base, pid):
            rounds = args.requests or 1_000_000  # --seconds bounds the loop then
            seconds = float("inf") if args.requests else args.seconds
            pages, elapsed, api_cpu = asyncio.run(
                drive(base, people, any_ids, seconds, rounds, pid)
            )
            load_after = os.getloadavg()[0]
        log.unlink(missing_ok=True)
    total = sum(len(p.latencies) for p in pages.values())
    say(
        f"{args.users} signed-in {'person' if args.users == 1 else 'people'}, each looping "
        "/inbox then /mentions/<id from the queue>, "
        + (f"{args.requests} rounds each" if args.requests else f"for {args.seconds:g} s")
        + f" (measured {elapsed:.1f} s)"
    )
    for name, page in pages.items():
        report(name, page, elapsed)
    say(f"all      requests={total:>6} throughput={total / elapsed:7.1f} req/s")
    opened = pages["mention"]
    say(
        f"mention ids from the person's queue: {opened.from_queue}/{len(opened.latencies)}; "
        f"API process CPU {api_cpu:.1f} s in {elapsed:.1f} s "
        f"({api_cpu / max(1, total) * 1000:.1f} ms a request)"
    )
    say(
        f"mentions={args.mentions} users={args.users} date={datetime.now(UTC):%Y-%m-%d %H:%M} UTC "
        f"commit={commit()[:12]} nproc={len(os.sched_getaffinity(0))} "
        f"load(1 min) at start={load_start:.2f} before the run={load_before:.2f} "
        f"after={load_after:.2f} (client, API and PostgreSQL share this machine)"
    )


if __name__ == "__main__":
    main()
