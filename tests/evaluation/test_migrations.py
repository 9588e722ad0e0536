"""The evaluation models moved from `cooperation` to `evaluation` in the migration state
only (cooperation/0005, evaluation/0001): a database at the former schema keeps every
row, and the content types keep their ids, so permissions and admin history follow.

The test takes the test database back to `cooperation/0004_evaluation` (the schema
before the move), writes rows with the models of that state, migrates forward and reads
them through the new models."""

import datetime

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from cooperation.models import Organisation, Partnership, Source, SustainableDevelopmentGoal, Theme
from evaluation.figures import refresh_summaries, scorecard
from evaluation.models import PartnershipAction, PartnershipAssessment, PartnershipReview, ReviewScore
from tests.factories import UserFactory

BEFORE = [("cooperation", "0004_evaluation")]
MOVED = ["partnershipaction", "partnershipassessment", "partnershipreview", "reviewscore"]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets or executor.loader.graph.leaf_nodes())
    ContentType.objects.clear_cache()
    return executor.loader.project_state(targets).apps if targets else None


def table_names():
    with connection.cursor() as cursor:
        return set(connection.introspection.table_names(cursor))


@pytest.mark.django_db(transaction=True)
def test_moving_the_evaluation_keeps_every_row_and_content_type():
    call_command("load_catalogue", verbosity=0)
    tables = table_names()
    atlanta = Partnership.objects.get(slug="toulouse-atlanta")
    themes = list(Theme.objects.all())
    author, other = UserFactory(), UserFactory()
    ContentType.objects.get_for_model(PartnershipReview)  # made by migrate, as in production
    try:
        old = migrate(BEFORE)
        # Going back changed none of the moved tables (later migrations' own tables, the
        # history's and the corrections', go with them).
        assert {f"cooperation_{model}" for model in MOVED} <= table_names() <= tables
        assert not ContentType.objects.filter(app_label="evaluation", model__in=MOVED).exists()
        Action = old.get_model("cooperation", "PartnershipAction")
        Assessment = old.get_model("cooperation", "PartnershipAssessment")
        Review = old.get_model("cooperation", "PartnershipReview")
        Score = old.get_model("cooperation", "ReviewScore")
        action = Action.objects.create(
            partnership_id=atlanta.pk, title="Échange scolaire", year=2022, budget=1200
        )
        action.themes.set([theme.pk for theme in themes[:2]])
        action.sdgs.set(SustainableDevelopmentGoal.objects.values_list("pk", flat=True)[:1])
        action.organisations.set(Organisation.objects.values_list("pk", flat=True)[:2])
        action.sources.set(Source.objects.values_list("pk", flat=True)[:1])
        assessment = Assessment.objects.create(
            partnership_id=atlanta.pk,
            year=2023,
            published_on=datetime.date(2024, 3, 1),
            achievements="Fait",
            cost=5000,
        )
        assessment.sources.set(Source.objects.values_list("pk", flat=True)[:2])
        review = Review.objects.create(partnership_id=atlanta.pk, author_id=author.pk, comment="Bien")
        hidden = Review.objects.create(
            partnership_id=atlanta.pk,
            author_id=other.pk,
            comment="Hors sujet",
            is_hidden=True,
            hidden_reason="insulte",
        )
        Score.objects.create(review=review, theme_id=themes[0].pk, score=4)
        Score.objects.create(review=review, theme_id=themes[1].pk, score=2)
        Score.objects.create(review=hidden, theme_id=themes[0].pk, score=5)
        # What staff had under the former app: a permission granted, an admin log entry.
        review_type = ContentType.objects.get(app_label="cooperation", model="partnershipreview")
        moderators = Group.objects.create(name="Modération des avis")
        moderators.permissions.add(
            Permission.objects.get(content_type=review_type, codename="change_partnershipreview")
        )
        LogEntry.objects.create(
            user_id=author.pk,
            content_type_id=review_type.pk,
            object_id=str(hidden.pk),
            object_repr="avis",
            action_flag=CHANGE,
        )
    finally:
        migrate(None)

    assert table_names() == tables
    action = PartnershipAction.objects.get()
    assert (action.partnership, action.title, action.year, action.budget) == (
        atlanta,
        "Échange scolaire",
        2022,
        1200,
    )
    assert list(action.themes.all()) == themes[:2]
    assert (action.sdgs.count(), action.organisations.count(), action.sources.count()) == (1, 2, 1)
    assessment = PartnershipAssessment.objects.get()
    assert (assessment.year, assessment.cost, assessment.sources.count()) == (2023, 5000, 2)
    reviews = list(PartnershipReview.objects.order_by("pk"))
    assert [(r.author, r.comment, r.is_hidden, r.hidden_reason) for r in reviews] == [
        (author, "Bien", False, ""),
        (other, "Hors sujet", True, "insulte"),
    ]
    assert sorted(ReviewScore.objects.values_list("review__author__pk", "theme", "score")) == sorted(
        [(author.pk, themes[0].pk, 4), (author.pk, themes[1].pk, 2), (other.pk, themes[0].pk, 5)]
    )
    # The same content type, relabelled: the permission and the log entry follow it.
    assert ContentType.objects.get_for_model(PartnershipReview).pk == review_type.pk
    assert not ContentType.objects.filter(app_label="cooperation", model__in=MOVED).exists()
    assert list(moderators.permissions.values_list("content_type__app_label", "codename")) == [
        ("evaluation", "change_partnershipreview")
    ]
    assert LogEntry.objects.get().get_edited_object() == reviews[1]
    # And the evaluation works on them: new writes go to the same tables and sequences.
    refresh_summaries([atlanta.pk])
    atlanta.refresh_from_db()
    assert (atlanta.action_count, atlanta.reviewer_count, atlanta.spending) == (1, 2, 6200)
    assert scorecard(atlanta).participants == 2
    PartnershipReview.objects.create(partnership=atlanta, author=UserFactory(), comment="Nouveau")
    assert PartnershipReview.objects.count() == 3
