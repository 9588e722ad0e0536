"""What marks a row as demo data, and removing it all (`generate_demo_data --reset`).

A demo user has a username starting with "demo-" and an address at DEMO_EMAIL_DOMAIN (a
reserved .invalid domain no real account can have verified); a demo proposal has a slug
starting with "demo-" and a demo author. Nothing else is ever removed.
"""

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.db import connection

from proposals.models import Comment, Proposal, Report, TaggedProposal, Vote

DEMO_PREFIX = "demo-"
DEMO_EMAIL_DOMAIN = "demo.archipel.invalid"


def demo_users():
    return get_user_model().objects.filter(
        username__startswith=DEMO_PREFIX, email__endswith=f"@{DEMO_EMAIL_DOMAIN}"
    )


def demo_proposals():
    return Proposal.objects.filter(slug__startswith=DEMO_PREFIX, author__in=demo_users())


def demo_data_exists() -> bool:
    return demo_users().exists() or demo_proposals().exists()


def demo_data_delete() -> None:
    """Delete the demo users and proposals with everything hanging from them.

    Set-based SQL for the big tables (votes and comments by the million), then the ORM for
    the users themselves, so that any other table pointing at a user is handled as Django
    declares it. Counters of the remaining proposals are recomputed afterwards by the caller.
    """
    User = get_user_model()
    users_sql, users_params = demo_users().values("id").query.sql_with_params()
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
    User.objects.filter(pk__in=demo_users().values("pk")).delete()
