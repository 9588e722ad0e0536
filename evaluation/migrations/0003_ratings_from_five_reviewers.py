"""Never one citizen's scores: a partnership's stored average (rating_average) is kept
only from five citizens who gave a score, as evaluation.figures.refresh_summaries now
stores it (MINIMUM_REVIEWERS, copied here: migrations never import live code). Below,
the column is emptied, so /evaluation/, the API and the open data publish nothing."""

from django.db import migrations

MINIMUM_REVIEWERS = 5

FORGET_AVERAGES_UNDER_THE_THRESHOLD = f"""
UPDATE cooperation_partnership AS partnership
SET rating_average = NULL
WHERE rating_average IS NOT NULL
  AND (
    SELECT count(DISTINCT review.id)
    FROM cooperation_partnershipreview AS review
    JOIN cooperation_reviewscore AS score ON score.review_id = review.id
    WHERE review.partnership_id = partnership.id
  ) < {MINIMUM_REVIEWERS}
"""


class Migration(migrations.Migration):
    dependencies = [("evaluation", "0002_history")]

    operations = [migrations.RunSQL(FORGET_AVERAGES_UNDER_THE_THRESHOLD, migrations.RunSQL.noop)]
