"""The evaluation of partnerships moves to its own app (`evaluation`).

Its four models leave this app's state only: their tables, rows, sequences and
constraints stay as they are, and `evaluation/0001_initial` takes them back into its
state under the same table names. Nothing is recreated, nothing is copied."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("cooperation", "0004_evaluation"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name="partnershipassessment",
                    name="partnership",
                ),
                migrations.RemoveField(
                    model_name="partnershipassessment",
                    name="sources",
                ),
                migrations.RemoveField(
                    model_name="partnershipreview",
                    name="author",
                ),
                migrations.RemoveField(
                    model_name="partnershipreview",
                    name="partnership",
                ),
                migrations.RemoveField(
                    model_name="reviewscore",
                    name="review",
                ),
                migrations.RemoveField(
                    model_name="reviewscore",
                    name="theme",
                ),
                migrations.DeleteModel(
                    name="PartnershipAction",
                ),
                migrations.DeleteModel(
                    name="PartnershipAssessment",
                ),
                migrations.DeleteModel(
                    name="PartnershipReview",
                ),
                migrations.DeleteModel(
                    name="ReviewScore",
                ),
            ],
            database_operations=[],
        ),
    ]
