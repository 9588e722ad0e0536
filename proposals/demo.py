"""Synthetic participation data at city scale, for benchmarks and demonstrations.

`demo_data_generate` fills the current database with verified citizens, préconisations on
the home topic, votes and comments, then recomputes every denormalised counter from the
rows. Rows go in through PostgreSQL COPY (psycopg 3): the default sizes (100,000 users,
2 million votes) take a few minutes, where the ORM would take hours.

Demo rows are recognisable, so that `--reset` removes them and nothing else: a demo user
has a username starting with "demo-" and an address at DEMO_EMAIL_DOMAIN (a reserved
.invalid domain no real account can have verified); a demo proposal has a slug starting
with "demo-" and a demo author.
"""

import datetime
import math
import random
from dataclasses import dataclass

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone
from django.utils.text import slugify
from taggit.models import Tag

from cooperation.models import Theme
from proposals.models import (
    Alignment,
    Comment,
    Proposal,
    ProposalStatus,
    Report,
    TaggedProposal,
    Topic,
    Vote,
    VoteValue,
)
from proposals.services import proposals_recount

DEMO_PREFIX = "demo-"
DEMO_EMAIL_DOMAIN = "demo.archipel.invalid"
# Every demo account signs in with this password (hashed once, shared by all rows).
DEMO_PASSWORD = "archipel-demo"
BENCHMARK_SLUG = "demo-grand-debat-2000-commentaires"
BENCHMARK_COMMENTS = 2000
REPLY_SHARE = 0.3
HISTORY_DAYS = 730
# Popularity of a proposal follows a Pareto law: a few gather most votes and comments.
PARETO_ALPHA = 1.2
MAX_VOTERS_SHARE = 0.6  # no proposal gets votes from more than 60 % of the users
COPY_BATCH = 20_000  # rows between two progress-bar updates

STATUS_WEIGHTS = {
    ProposalStatus.PUBLISHED: 70,
    ProposalStatus.UNDER_STUDY: 12,
    ProposalStatus.ADOPTED: 8,
    ProposalStatus.REJECTED: 5,
    ProposalStatus.WITHDRAWN: 5,
}
OFFICIAL_ANSWERS = {
    ProposalStatus.UNDER_STUDY: "Les services de la ville étudient cette préconisation ; réponse détaillée à venir.",
    ProposalStatus.ADOPTED: "Préconisation retenue : elle sera intégrée au prochain programme de coopération.",
    ProposalStatus.REJECTED: "Préconisation écartée : elle recoupe une action déjà engagée par la métropole.",
}

# fmt: off
TAG_POOL = [
    # The étiquettes of the official préconisations (fixtures/06_proposals.json) come first:
    # demo proposals share them, as citizens' proposals would.
    "partenariats", "jumelage", "innovation", "économie", "recherche", "réciprocité",
    "solidarité internationale", "associations", "évaluation", "transparence", "fonds européens",
    "porteurs de projets", "réseaux de villes", "Europe", "Eurorégion", "coopération transfrontalière",
    "culture", "emploi", "climat", "coopération décentralisée", "Hanoï",
    "jeunesse", "Erasmus+", "mobilité", "éducation", "langues", "sport", "santé", "eau", "énergie",
    "alimentation", "agriculture urbaine", "mobilités douces", "biodiversité", "déchets", "logement",
    "urbanisme", "numérique", "aéronautique", "espace", "universités", "apprentissage",
    "économie sociale et solidaire", "tourisme durable", "patrimoine", "musique", "cinéma",
    "festival", "diaspora", "accueil des réfugiés", "égalité femmes-hommes", "démocratie locale",
    "budget participatif", "conseil de quartier", "Méditerranée", "Afrique de l’Ouest",
    "Amérique latine", "Asie", "aide d’urgence", "ODD",
]

FIRST_NAMES = [
    "Camille", "Léa", "Manon", "Inès", "Chloé", "Sarah", "Jade", "Louise", "Emma", "Yasmine", "Fatou",
    "Lucie", "Anaïs", "Clara", "Nour", "Mathilde", "Hugo", "Lucas", "Théo", "Nathan", "Karim", "Mamadou",
    "Antoine", "Julien", "Thomas", "Mehdi", "Pierre", "Paul", "Louis", "Arthur", "Jordi", "Ana", "Mei",
    "Linh", "Sofia", "Giulia", "Matteo", "Jonas", "Alejandro", "Dominique", "Claude", "Sacha",
]
SURNAME_INITIALS = "ABCDEFGHIJKLMNOPRSTVZ"

TITLE_VERBS = [
    "Créer", "Développer", "Soutenir", "Ouvrir", "Renforcer", "Financer", "Lancer", "Organiser",
    "Encourager", "Multiplier", "Faciliter", "Relancer",
]
TITLE_OBJECTS = [
    "un jumelage scolaire", "des échanges d’apprentis", "une maison de l’Europe",
    "un fonds pour les associations de solidarité internationale", "des résidences d’artistes",
    "un budget participatif international", "des ateliers sur les fonds européens",
    "un observatoire de la coopération", "des visites d’étude sur l’adaptation au climat",
    "un festival des villes jumelles", "des chantiers de jeunes bénévoles",
    "un réseau de fermes urbaines", "des bourses de mobilité", "un partenariat sur l’eau potable",
    "l’accueil des réfugiés", "des cours de langues gratuits", "des échanges entre conseils de quartier",
    "un guichet unique pour les projets européens", "des jumelages entre universités",
    "des coopérations sur les transports publics", "des échanges entre clubs sportifs",
    "un programme de reboisement partagé", "des marchés de producteurs européens",
    "des rencontres entre collectifs d’habitants",
]
TITLE_PLACES = [
    "avec Barcelone", "avec Hanoï", "avec Saint-Louis du Sénégal", "avec Düsseldorf", "avec Casablanca",
    "avec Ramallah", "avec Saragosse", "avec Bologne", "avec Elche", "avec Atlanta", "avec Chongqing",
    "avec Kiev", "avec Tel-Aviv", "dans chaque quartier", "pour les jeunes", "au sein de l’Eurorégion",
    "avec nos villes jumelles", "pour les petites associations", "à l’échelle de la métropole",
    "avec les réseaux de villes européennes",
]
BODY_SENTENCES = [
    "Toulouse a des partenaires dans le monde entier, mais les habitants en profitent trop peu.",
    "Le projet serait construit avec les associations qui travaillent déjà à l’international.",
    "Un premier bilan serait présenté publiquement au bout d’un an.",
    "Les financements européens existants couvriraient une grande partie du coût.",
    "Les jeunes des quartiers populaires seraient les premiers concernés.",
    "Nos villes partenaires ont déjà essayé des dispositifs semblables, avec de bons résultats.",
    "Il faudrait associer les universités et les laboratoires de recherche de la ville.",
    "La transition écologique doit être au cœur de chaque échange.",
    "Chaque action ferait l’objet d’une évaluation indépendante.",
    "Les petites structures manquent de temps pour monter des dossiers : il faut les aider.",
    "Ce serait aussi l’occasion de mieux faire connaître l’Eurorégion Pyrénées-Méditerranée.",
    "Les échanges se feraient dans les deux sens, pour que chacun y gagne.",
    "Un comité d’habitants suivrait la mise en œuvre.",
    "Le coût resterait modeste au regard du budget des relations internationales.",
    "Les entreprises locales de l’économie sociale et solidaire pourraient y participer.",
    "La culture est un formidable moyen de rapprocher les villes.",
]
COMMENT_SENTENCES = [
    "Très bonne idée, je soutiens.",
    "Je ne suis pas convaincu que ce soit une priorité pour la ville.",
    "Qui financerait concrètement ce projet ?",
    "C’est déjà ce que fait Barcelone depuis des années, avec succès.",
    "Il faudrait commencer par évaluer ce qui existe.",
    "Les associations de mon quartier seraient prêtes à s’impliquer.",
    "Attention à ne pas en faire une opération de communication.",
    "On pourrait s’appuyer sur les programmes Erasmus+.",
    "Je l’ai vécu comme étudiant : ces échanges changent une vie.",
    "Pourquoi pas, mais avec un vrai suivi des résultats.",
    "Le bilan carbone des déplacements doit être pris en compte.",
    "Il faut associer les jeunes dès la conception du projet.",
    "Bonne proposition, à étendre à toute la métropole.",
    "Je préférerais que cet argent aille aux associations locales.",
    "Les villes jumelles devraient être consultées aussi.",
    "Quel calendrier est envisagé ?",
]
REPLY_OPENINGS = [
    "Je suis d’accord.", "Pas tout à fait d’accord.", "Bonne question.", "Merci pour ce retour.",
    "Je complète :", "Justement,", "Au contraire,",
]

# fmt: on


@dataclass
class DemoReport:
    users: int = 0
    proposals: int = 0
    votes: int = 0
    comments: int = 0
    replies: int = 0
    tags: int = 0
    benchmark_slug: str | None = None


class DemoDataExists(Exception):
    """The database already holds demo data: pass reset=True to replace it."""


class _NoProgress:
    def __init__(self, *args, **kwargs):
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def update(self, n=1):
        pass


def _demo_users():
    return get_user_model().objects.filter(
        username__startswith=DEMO_PREFIX, email__endswith=f"@{DEMO_EMAIL_DOMAIN}"
    )


def _demo_proposals():
    return Proposal.objects.filter(slug__startswith=DEMO_PREFIX, author__in=_demo_users())


def demo_data_exists() -> bool:
    return _demo_users().exists() or _demo_proposals().exists()


# Counters ---------------------------------------------------------------------------------


def _analyze() -> None:
    """Fresh planner statistics: without them pages use plans made for empty tables."""
    User = get_user_model()
    tables = [
        User._meta.db_table,
        EmailAddress._meta.db_table,
        Tag._meta.db_table,
        Proposal._meta.db_table,
        Proposal.themes.through._meta.db_table,
        TaggedProposal._meta.db_table,
        Vote._meta.db_table,
        Comment._meta.db_table,
    ]
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE " + ", ".join(connection.ops.quote_name(t) for t in tables))


# Reset -----------------------------------------------------------------------------------


def demo_data_delete() -> None:
    """Delete the demo users and proposals with everything hanging from them.

    Set-based SQL for the big tables (votes and comments by the million), then the ORM for
    the users themselves, so that any other table pointing at a user is handled as Django
    declares it. Counters of the remaining proposals are recomputed afterwards by the caller.
    """
    User = get_user_model()
    users_sql, users_params = _demo_users().values("id").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS demo_users, demo_proposals, demo_comments")
        cursor.execute(f"CREATE TEMPORARY TABLE demo_users AS {users_sql}", users_params)
        cursor.execute(
            f"""CREATE TEMPORARY TABLE demo_proposals AS
                SELECT id FROM {Proposal._meta.db_table}
                WHERE slug LIKE %s AND author_id IN (SELECT id FROM demo_users)""",
            [DEMO_PREFIX + "%"],
        )
        comments = Comment._meta.db_table
        cursor.execute(
            f"""CREATE TEMPORARY TABLE demo_comments AS
                SELECT id FROM {comments}
                WHERE proposal_id IN (SELECT id FROM demo_proposals) OR author_id IN (SELECT id FROM demo_users)"""
        )
        # Replies by real users to a demo comment go with it (one level: no deeper replies).
        cursor.execute(
            f"""INSERT INTO demo_comments
                SELECT id FROM {comments}
                WHERE parent_id IN (SELECT id FROM demo_comments) AND id NOT IN (SELECT id FROM demo_comments)"""
        )
        cursor.execute(
            f"""DELETE FROM {Report._meta.db_table}
                WHERE reporter_id IN (SELECT id FROM demo_users)
                   OR proposal_id IN (SELECT id FROM demo_proposals)
                   OR comment_id IN (SELECT id FROM demo_comments)"""
        )
        cursor.execute(f"DELETE FROM {comments} WHERE id IN (SELECT id FROM demo_comments)")
        cursor.execute(
            f"""DELETE FROM {Vote._meta.db_table}
                WHERE user_id IN (SELECT id FROM demo_users) OR proposal_id IN (SELECT id FROM demo_proposals)"""
        )
        cursor.execute(
            f"DELETE FROM {TaggedProposal._meta.db_table} "
            "WHERE content_object_id IN (SELECT id FROM demo_proposals)"
        )
        cursor.execute(
            f"DELETE FROM {Proposal.themes.through._meta.db_table} "
            "WHERE proposal_id IN (SELECT id FROM demo_proposals)"
        )
        cursor.execute(f"DELETE FROM {Proposal._meta.db_table} WHERE id IN (SELECT id FROM demo_proposals)")
        cursor.execute(
            f"""DELETE FROM {EmailAddress._meta.db_table}
                WHERE user_id IN (SELECT id FROM demo_users)"""
        )
        cursor.execute("DROP TABLE demo_users, demo_proposals, demo_comments")
    # What is left pointing at demo users (groups, admin log…) is small: the ORM knows it.
    User.objects.filter(pk__in=_demo_users().values("pk")).delete()


# Generation ------------------------------------------------------------------------------


def _reserve_ids(model, n: int) -> int:
    """Reserve n consecutive ids for `model` and return the first one.

    The table is locked against other writers until commit, so no concurrent insert takes
    an id of the block; the identity sequence moves past the block for later inserts.
    """
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE")
        cursor.execute(
            f"""SELECT greatest(
                    (SELECT coalesce(max(id), 0) FROM {table}),
                    coalesce(pg_sequence_last_value(pg_get_serial_sequence(%s, 'id')::regclass), 0))""",
            [model._meta.db_table],
        )
        last = cursor.fetchone()[0]
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence(%s, 'id'), %s)", [model._meta.db_table, last + max(n, 1)]
        )
    return last + 1


def _copy(table: str, columns: list[str], rows, *, progress, total: int, desc: str) -> int:
    """COPY rows (tuples, in `columns` order) into `table`; return how many were written."""
    written = 0
    statement = f"COPY {connection.ops.quote_name(table)} ({', '.join(columns)}) FROM STDIN"
    with connection.cursor() as cursor, progress(total=total, desc=desc, unit=" lignes") as bar:
        # cursor.cursor is the psycopg 3 cursor under Django's wrapper.
        with cursor.cursor.copy(statement) as copy:
            pending = 0
            for row in rows:
                copy.write_row(row)
                pending += 1
                if pending == COPY_BATCH:
                    bar.update(pending)
                    written += pending
                    pending = 0
            bar.update(pending)
            written += pending
    return written


def _allocate(total: int, weights: list[float], cap: int) -> list[int]:
    """Split `total` into integer counts proportional to `weights`, none above `cap`."""
    n = len(weights)
    counts = [0] * n
    total = min(total, n * cap)
    remaining = total
    active = list(range(n))
    while remaining > 0 and active:
        weight_sum = sum(weights[i] for i in active)
        given = 0
        for i in active:
            add = min(int(remaining * weights[i] / weight_sum), cap - counts[i])
            counts[i] += add
            given += add
        remaining -= given
        active = [i for i in active if counts[i] < cap]
        if given == 0:
            # Less than one each is left: the heaviest proposals get one more.
            for i in sorted(active, key=lambda i: -weights[i])[:remaining]:
                counts[i] += 1
                remaining -= 1
            active = [i for i in active if counts[i] < cap]
    return counts


class _Clock:
    """Timestamps as COPY text, at second resolution over the generated history."""

    def __init__(self, now: datetime.datetime, days: int):
        self.now = now.replace(minute=0, second=0, microsecond=0).astimezone(datetime.UTC)
        self.span = days * 24 * 3600
        start = self.now - datetime.timedelta(days=days)
        self.hours = [
            (start + datetime.timedelta(hours=h)).strftime("%Y-%m-%d %H") for h in range(days * 24 + 1)
        ]

    def text(self, second: int) -> str:
        hour, rest = divmod(second, 3600)
        return f"{self.hours[hour]}:{rest // 60:02d}:{rest % 60:02d}+00"

    def between(self, rng: random.Random, lo: int, hi: int | None = None) -> int:
        """A random second in [lo, hi], both clamped to the history (hi defaults to now)."""
        lo = min(lo, self.span)
        hi = self.span if hi is None else min(hi, self.span)
        return rng.randint(lo, max(lo, hi))

    def of(self, moment: datetime.datetime) -> int:
        """The second (within the history) of a real datetime, clamped to the history."""
        return min(
            self.span,
            max(0, int((moment - (self.now - datetime.timedelta(seconds=self.span))).total_seconds())),
        )


def _skewed_index(rng: random.Random, n: int) -> int:
    # A few very active people write much of the content.
    return int(n * rng.random() ** 2.5)


@transaction.atomic
def demo_data_generate(
    *,
    users: int,
    proposals: int,
    votes: int,
    comments: int,
    seed: int = 1,
    progress=None,
    reset: bool = False,
    benchmark_comments: int | None = None,
    now: datetime.datetime | None = None,
) -> DemoReport:
    """Fill the database with demo citizens, proposals, votes and comments; one transaction.

    Preconditions: the catalogue is loaded (the home topic and the four axes exist). Raises
    DemoDataExists when demo data is already there, unless `reset` (which deletes it first).
    `progress` is tqdm-compatible: progress(total=, desc=, unit=) is a context manager with
    update(n). Proposals on the home topic that are not demo ones (the official
    préconisations) get demo votes and comments too. One demo proposal gets exactly
    `benchmark_comments` comments (2,000 by default, when `comments` leaves room for it).
    The same arguments and seed give the same rows (ids shifted by what the tables hold).
    """
    progress = progress or _NoProgress
    if demo_data_exists():
        if not reset:
            raise DemoDataExists(
                "La base contient déjà des données de démonstration : relancez avec --reset pour les remplacer."
            )
        with progress(total=1, desc="Suppression", unit=" étape") as bar:
            demo_data_delete()
            bar.update(1)
    if benchmark_comments is None:
        benchmark_comments = BENCHMARK_COMMENTS if comments >= 2 * BENCHMARK_COMMENTS else 0
    if benchmark_comments and (proposals < 1 or benchmark_comments > comments):
        raise ValueError("benchmark_comments needs a proposal and at most `comments` comments.")

    rng = random.Random(seed)
    clock = _Clock(now or timezone.now(), HISTORY_DAYS)
    topic = Topic.objects.get(is_home=True)
    theme_ids = list(Theme.objects.order_by("position").values_list("id", flat=True))
    report = DemoReport()

    # Users, each with a verified primary address (allauth lets them vote and comment).
    User = get_user_model()
    user_base = _reserve_ids(User, users)
    password = make_password(DEMO_PASSWORD)
    joined = sorted(clock.between(rng, 0) for _ in range(users))
    names = [f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAME_INITIALS)}." for _ in range(users)]

    def user_rows():
        for i in range(users):
            username = f"{DEMO_PREFIX}{i + 1:06d}"
            yield (
                user_base + i,
                password,
                None,
                False,
                username,
                "",
                "",
                f"{username}@{DEMO_EMAIL_DOMAIN}",
                False,
                True,
                clock.text(joined[i]),
                names[i],
            )

    report.users = _copy(
        User._meta.db_table,
        [
            "id",
            "password",
            "last_login",
            "is_superuser",
            "username",
            "first_name",
            "last_name",
            "email",
            "is_staff",
            "is_active",
            "date_joined",
            "display_name",
        ],
        user_rows(),
        progress=progress,
        total=users,
        desc="Utilisateurs",
    )
    _copy(
        EmailAddress._meta.db_table,
        ["email", "verified", '"primary"', "user_id"],
        ((f"{DEMO_PREFIX}{i + 1:06d}@{DEMO_EMAIL_DOMAIN}", True, True, user_base + i) for i in range(users)),
        progress=progress,
        total=users,
        desc="Adresses vérifiées",
    )

    # Étiquettes: the pool, created where missing (an existing one is reused, by name).
    Tag.objects.bulk_create(
        [Tag(name=name, slug=slugify(name, allow_unicode=True)) for name in TAG_POOL], ignore_conflicts=True
    )
    by_name = dict(Tag.objects.filter(name__in=TAG_POOL).values_list("name", "id"))
    tag_ids = [by_name[name] for name in TAG_POOL if name in by_name]
    report.tags = len(tag_ids)
    tag_weights = [1 / (rank + 1) ** 0.8 for rank in range(len(tag_ids))]

    # Proposals: the first is the benchmark one (exactly `benchmark_comments` comments).
    proposal_base = _reserve_ids(Proposal, proposals)
    statuses, status_weights = zip(*STATUS_WEIGHTS.items(), strict=True)
    created = []
    proposal_rows, theme_rows, tag_rows = [], [], []
    for i in range(proposals):
        pid = proposal_base + i
        benchmark = i == 0 and bool(benchmark_comments)
        if benchmark:
            title = "Grand débat : ouvrir une maison de l’Europe dans chaque quartier"
            slug = BENCHMARK_SLUG
            status, hidden = ProposalStatus.PUBLISHED, False
        else:
            title = f"{rng.choice(TITLE_VERBS)} {rng.choice(TITLE_OBJECTS)} {rng.choice(TITLE_PLACES)}"
            slug = f"{DEMO_PREFIX}{i + 1:06d}-{slugify(title)[:80].rstrip('-')}"
            status = rng.choices(statuses, status_weights)[0]
            hidden = rng.random() < 0.003
        body = " ".join(rng.sample(BODY_SENTENCES, rng.randint(2, 4)))
        at = clock.between(rng, 0, clock.span - 3600) if not benchmark else clock.span // 2
        created.append(at)
        answer, answered_at = OFFICIAL_ANSWERS.get(status, ""), None
        if answer:
            answered_at = clock.text(clock.between(rng, at, min(clock.span, at + 90 * 86400)))
        author = user_base + _skewed_index(rng, users)
        proposal_rows.append(
            (
                pid,
                title,
                slug,
                body,
                False,
                status,
                answer,
                answered_at,
                0,
                0,
                0,
                hidden,
                "Masquée après plusieurs signalements." if hidden else "",
                clock.text(at),
                answered_at or clock.text(at),
                author,
                topic.pk,
            )
        )
        for theme in rng.sample(theme_ids, min(len(theme_ids), rng.choice((1, 1, 2, 2, 3)))):
            theme_rows.append((pid, theme))
        chosen = set()
        while len(chosen) < min(len(tag_ids), rng.randint(1, 4)):
            chosen.add(rng.choices(tag_ids, tag_weights)[0])
        tag_rows.extend((pid, tag) for tag in sorted(chosen))
    report.proposals = _copy(
        Proposal._meta.db_table,
        [
            "id",
            "title",
            "slug",
            "body",
            "is_official",
            "status",
            "official_answer",
            "answered_at",
            "votes_for",
            "votes_against",
            "comment_count",
            "is_hidden",
            "hidden_reason",
            "created_at",
            "updated_at",
            "author_id",
            "topic_id",
        ],
        proposal_rows,
        progress=progress,
        total=proposals,
        desc="Préconisations",
    )
    _copy(
        Proposal.themes.through._meta.db_table,
        ["proposal_id", "theme_id"],
        theme_rows,
        progress=progress,
        total=len(theme_rows),
        desc="Axes",
    )
    _copy(
        TaggedProposal._meta.db_table,
        ["content_object_id", "tag_id"],
        tag_rows,
        progress=progress,
        total=len(tag_rows),
        desc="Étiquettes",
    )
    if benchmark_comments:
        report.benchmark_slug = BENCHMARK_SLUG

    # Targets of votes and comments: demo proposals and the topic's other proposals.
    others = list(
        Proposal.objects.filter(topic=topic)
        .exclude(pk__gte=proposal_base, pk__lt=proposal_base + proposals)
        .order_by("pk")
        .values_list("pk", "created_at")
    )
    target_ids = [proposal_base + i for i in range(proposals)] + [pk for pk, _ in others]
    target_created = created + [clock.of(at) for _, at in others]
    popularity = [rng.paretovariate(PARETO_ALPHA) for _ in target_ids]
    if benchmark_comments:
        popularity[0] = max(popularity)  # the big debate is among the most voted too

    # Votes: one per (proposal, user), sampled without replacement per proposal.
    vote_counts = _allocate(votes, popularity, max(1, int(users * MAX_VOTERS_SHARE)))

    def vote_rows():
        for pid, at, count in zip(target_ids, target_created, vote_counts, strict=True):
            support = rng.betavariate(2.2, 1.4)
            for voter in rng.sample(range(users), count):
                value = VoteValue.FOR if rng.random() < support else VoteValue.AGAINST
                when = clock.text(clock.between(rng, at))
                yield (value, when, when, pid, user_base + voter)

    report.votes = _copy(
        Vote._meta.db_table,
        ["value", "created_at", "updated_at", "proposal_id", "user_id"],
        vote_rows(),
        progress=progress,
        total=sum(vote_counts),
        desc="Votes",
    )

    # Comments: ~70 % top level, ~30 % replies to a top-level comment of the same proposal.
    comment_base = _reserve_ids(Comment, comments)
    rest = comments - benchmark_comments
    comment_weights = [w**0.8 for w in popularity]
    if benchmark_comments:
        comment_weights[0] = 0.0
    cap = max(benchmark_comments - 1, 2 * math.ceil(rest / max(1, len(target_ids) - 1)), 1)
    comment_counts = _allocate(rest, comment_weights, cap) if rest else [0] * len(target_ids)
    if benchmark_comments:
        comment_counts[0] = benchmark_comments
    alignments = [Alignment.FOR, Alignment.AGAINST, Alignment.NEUTRAL]

    def comment_rows():
        next_id = comment_base
        for index, (pid, at, count) in enumerate(
            zip(target_ids, target_created, comment_counts, strict=True)
        ):
            if not count:
                continue
            replies = min(count - 1, int(count * REPLY_SHARE + rng.random()))
            tops = count - replies
            benchmark = index == 0 and bool(benchmark_comments)
            top_rows = []
            for moment in sorted(clock.between(rng, at) for _ in range(tops)):
                top_rows.append((next_id, moment))
                alignment = rng.choice(alignments) if rng.random() < 0.2 else ""
                yield _comment_row(
                    rng,
                    clock,
                    next_id,
                    pid,
                    None,
                    moment,
                    alignment,
                    users,
                    user_base,
                    " ".join(rng.sample(COMMENT_SENTENCES, rng.randint(1, 3))),
                    benchmark,
                )
                next_id += 1
            for _ in range(replies):
                parent_id, parent_at = rng.choice(top_rows)
                moment = clock.between(rng, parent_at)
                body = f"{rng.choice(REPLY_OPENINGS)} {rng.choice(COMMENT_SENTENCES)}"
                report.replies += 1
                yield _comment_row(
                    rng, clock, next_id, pid, parent_id, moment, "", users, user_base, body, benchmark
                )
                next_id += 1

    report.comments = _copy(
        Comment._meta.db_table,
        [
            "id",
            "body",
            "alignment",
            "created_at",
            "edited_at",
            "deleted_at",
            "is_hidden",
            "hidden_reason",
            "author_id",
            "parent_id",
            "proposal_id",
        ],
        comment_rows(),
        progress=progress,
        total=sum(comment_counts),
        desc="Commentaires",
    )

    with progress(total=2, desc="Compteurs et statistiques", unit=" étape") as bar:
        proposals_recount()
        bar.update(1)
        _analyze()
        bar.update(1)
    return report


def _comment_row(rng, clock, cid, pid, parent_id, moment, alignment, users, user_base, body, benchmark):
    """One comments row; outside the benchmark proposal a few are edited, deleted or hidden."""
    edited = deleted = None
    hidden, reason = False, ""
    if not benchmark:
        draw = rng.random()
        if draw < 0.005:
            deleted, body, alignment = clock.text(clock.between(rng, moment)), "", ""
        elif draw < 0.007:
            hidden, reason = True, "Propos injurieux (signalements)."
        elif draw < 0.04:
            edited = clock.text(clock.between(rng, moment, moment + 3600))
    author = user_base + _skewed_index(rng, users)
    return (cid, body, alignment, clock.text(moment), edited, deleted, hidden, reason, author, parent_id, pid)
