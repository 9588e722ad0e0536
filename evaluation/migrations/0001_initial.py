"""The evaluation's models, taken over from `cooperation` (its 0005 removed them from
its state): the tables are those that `cooperation/0004_evaluation` created, under the
same names (`db_table`, also for the many-to-many tables), so this migration creates
them in the state only and the database is left untouched, rows included.

Their content types follow (app_label cooperation → evaluation), so the permissions
granted on them and the admin's history of their rows stay attached."""

import django.core.validators
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

MODELS = ["partnershipaction", "partnershipassessment", "partnershipreview", "reviewscore"]


def _move_content_types(apps, schema_editor, source, target):
    """Relabel the content types of the moved models, keeping their ids (to which the
    permissions and the admin's log entries point). A database migrated from scratch has
    none yet: they are created after `migrate`, directly under `evaluation`."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    for model in MODELS:
        if ContentType.objects.using(db).filter(app_label=target, model=model).exists():
            continue
        ContentType.objects.using(db).filter(app_label=source, model=model).update(app_label=target)


def content_types_to_evaluation(apps, schema_editor):
    _move_content_types(apps, schema_editor, "cooperation", "evaluation")


def content_types_to_cooperation(apps, schema_editor):
    _move_content_types(apps, schema_editor, "evaluation", "cooperation")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("cooperation", "0005_evaluation_moves_to_its_app"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="PartnershipReview",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="créé le")),
                        ("updated_at", models.DateTimeField(auto_now=True, verbose_name="modifié le")),
                        (
                            "hidden_reason",
                            models.CharField(blank=True, max_length=300, verbose_name="motif du masquage"),
                        ),
                        (
                            "comment",
                            models.TextField(blank=True, max_length=2000, verbose_name="commentaire"),
                        ),
                        ("is_hidden", models.BooleanField(default=False, verbose_name="commentaire masqué")),
                        (
                            "author",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="partnership_reviews",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="auteur",
                            ),
                        ),
                        (
                            "partnership",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="reviews",
                                to="cooperation.partnership",
                                verbose_name="partenariat",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "avis citoyen",
                        "verbose_name_plural": "avis citoyens",
                        "db_table": "cooperation_partnershipreview",
                        "ordering": ["-updated_at", "pk"],
                    },
                ),
                migrations.CreateModel(
                    name="ReviewScore",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "score",
                            models.PositiveSmallIntegerField(
                                validators=[
                                    django.core.validators.MinValueValidator(1),
                                    django.core.validators.MaxValueValidator(5),
                                ],
                                verbose_name="note",
                            ),
                        ),
                        (
                            "review",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="scores",
                                to="evaluation.partnershipreview",
                                verbose_name="avis",
                            ),
                        ),
                        (
                            "theme",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="scores",
                                to="cooperation.theme",
                                verbose_name="axe",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "note",
                        "verbose_name_plural": "notes",
                        "db_table": "cooperation_reviewscore",
                        "ordering": ["theme__position", "pk"],
                    },
                ),
                migrations.CreateModel(
                    name="PartnershipAction",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("title", models.CharField(max_length=300, verbose_name="intitulé")),
                        (
                            "year",
                            models.PositiveSmallIntegerField(
                                validators=[
                                    django.core.validators.MinValueValidator(1900),
                                    django.core.validators.MaxValueValidator(2100),
                                ],
                                verbose_name="année",
                            ),
                        ),
                        (
                            "budget",
                            models.PositiveIntegerField(
                                blank=True,
                                help_text="Laissez vide quand il n’est pas connu.",
                                null=True,
                                verbose_name="budget (euros)",
                            ),
                        ),
                        (
                            "other_partners",
                            models.CharField(
                                blank=True,
                                help_text="Ceux qui ne sont pas dans l’annuaire : écoles, clubs, entreprises…",
                                max_length=500,
                                verbose_name="autres partenaires",
                            ),
                        ),
                        (
                            "outcomes_here",
                            models.TextField(blank=True, verbose_name="retombées ici (côté français)"),
                        ),
                        (
                            "outcomes_abroad",
                            models.TextField(blank=True, verbose_name="retombées chez le partenaire"),
                        ),
                        (
                            "action_field",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="actions",
                                to="cooperation.actionfield",
                                verbose_name="champ d’action",
                            ),
                        ),
                        (
                            "organisations",
                            models.ManyToManyField(
                                blank=True,
                                db_table="cooperation_partnershipaction_organisations",
                                help_text="Les acteurs de l’annuaire qui y ont pris part.",
                                related_name="actions",
                                to="cooperation.organisation",
                                verbose_name="acteurs impliqués",
                            ),
                        ),
                        (
                            "partnership",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="actions",
                                to="cooperation.partnership",
                                verbose_name="partenariat",
                            ),
                        ),
                        (
                            "sdgs",
                            models.ManyToManyField(
                                blank=True,
                                db_table="cooperation_partnershipaction_sdgs",
                                related_name="actions",
                                to="cooperation.sustainabledevelopmentgoal",
                                verbose_name="ODD",
                            ),
                        ),
                        (
                            "sources",
                            models.ManyToManyField(
                                blank=True,
                                db_table="cooperation_partnershipaction_sources",
                                related_name="actions",
                                to="cooperation.source",
                                verbose_name="sources",
                            ),
                        ),
                        (
                            "themes",
                            models.ManyToManyField(
                                blank=True,
                                db_table="cooperation_partnershipaction_themes",
                                related_name="actions",
                                to="cooperation.theme",
                                verbose_name="axes",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "action",
                        "verbose_name_plural": "actions",
                        "db_table": "cooperation_partnershipaction",
                        "ordering": ["-year", "title", "pk"],
                        "indexes": [
                            models.Index(fields=["partnership", "year"], name="action_partnership_year")
                        ],
                        "constraints": [
                            models.CheckConstraint(
                                condition=models.Q(("year__gte", 1900), ("year__lte", 2100)),
                                name="action_year_valid",
                                violation_error_message="L’année doit être comprise entre 1900 et 2100.",
                            )
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="PartnershipAssessment",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "year",
                            models.PositiveSmallIntegerField(
                                validators=[
                                    django.core.validators.MinValueValidator(1900),
                                    django.core.validators.MaxValueValidator(2100),
                                ],
                                verbose_name="année évaluée",
                            ),
                        ),
                        ("published_on", models.DateField(verbose_name="publié le")),
                        ("achievements", models.TextField(verbose_name="ce qui a été fait")),
                        (
                            "cost",
                            models.PositiveIntegerField(
                                blank=True,
                                help_text="Laissez vide quand il n’est pas connu.",
                                null=True,
                                verbose_name="coût (euros)",
                            ),
                        ),
                        (
                            "returns_here",
                            models.TextField(
                                blank=True, verbose_name="retour pour les acteurs d’ici (côté français)"
                            ),
                        ),
                        (
                            "returns_abroad",
                            models.TextField(
                                blank=True, verbose_name="retour pour les acteurs du partenaire"
                            ),
                        ),
                        (
                            "partnership",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="assessments",
                                to="cooperation.partnership",
                                verbose_name="partenariat",
                            ),
                        ),
                        (
                            "sources",
                            models.ManyToManyField(
                                blank=True,
                                db_table="cooperation_partnershipassessment_sources",
                                related_name="assessments",
                                to="cooperation.source",
                                verbose_name="sources",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "bilan annuel",
                        "verbose_name_plural": "bilans annuels",
                        "db_table": "cooperation_partnershipassessment",
                        "ordering": ["-year", "pk"],
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("partnership", "year"),
                                name="assessment_one_per_year",
                                violation_error_message="Un bilan existe déjà pour ce partenariat et cette année.",
                            ),
                            models.CheckConstraint(
                                condition=models.Q(("year__gte", 1900), ("year__lte", 2100)),
                                name="assessment_year_valid",
                                violation_error_message="L’année doit être comprise entre 1900 et 2100.",
                            ),
                        ],
                    },
                ),
                migrations.AddIndex(
                    model_name="partnershipreview",
                    index=models.Index(
                        fields=["partnership", "-updated_at"], name="review_partnership_recent"
                    ),
                ),
                migrations.AddConstraint(
                    model_name="partnershipreview",
                    constraint=models.UniqueConstraint(
                        fields=("partnership", "author"),
                        name="review_one_per_citizen",
                        violation_error_message="Vous avez déjà donné votre avis sur ce partenariat.",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="reviewscore",
                    constraint=models.UniqueConstraint(
                        fields=("review", "theme"),
                        name="score_one_per_axis",
                        violation_error_message="Une seule note par axe.",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="reviewscore",
                    constraint=models.CheckConstraint(
                        condition=models.Q(("score__gte", 1), ("score__lte", 5)),
                        name="score_between_1_and_5",
                        violation_error_message="La note va de 1 à 5.",
                    ),
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(content_types_to_evaluation, content_types_to_cooperation),
    ]
