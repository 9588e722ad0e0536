"""Display names cannot impersonate: the folded public name of every account (its
display name, or its username without one), stored and unique.

Before the constraint, the names already there are made to fit it: a name that passes
for the site, its team, the city or a deleted account is taken back (the account shows
its neutral username again; staff are left as they are), and of two accounts whose names
fold alike the later one gets a number ("Jeanne Dupont 2"). The folding and the reserved
parts are copies of archipel/models.py and archipel/forms.py as they were when this
migration was written: migrations never import live code.
"""

import re

import django.db.models.functions.comparison
import django.db.models.functions.text
from django.db import migrations, models
from django.db.models import Count, Value
from django.db.models.functions import Lower

import core.search

NAME_NOISE = r"[\x01-\x2f\x3a-\x40\x5b-\x60\x7b-\x7f\u00a0-\u00bf\u00d7\u00f7\u2000-\u206f\u3000-\u303f]+"
RESERVED_NAME_PARTS = (
    "archipel",
    "equipe",
    "moderat",
    "administrat",
    "comptesupprime",
    "anonyme",
    "villedetoulouse",
    "mairiedetoulouse",
    "toulousemetropole",
    "officiel",
)
NAMELESS_ACCOUNT = re.compile(r"citoyen[0-9a-f]{8}")
MAX_LENGTH = 60


def _folded(expression):
    return models.Func(
        Lower(core.search.Unaccent(Lower(expression))),
        Value(NAME_NOISE),
        Value(""),
        Value("g"),
        function="regexp_replace",
        output_field=models.TextField(),
    )


def fit_names(apps, schema_editor):
    User = apps.get_model("archipel", "User")
    db = schema_editor.connection.alias
    users = User.objects.using(db)
    for user in users.exclude(display_name="").filter(is_staff=False).only("display_name", "name_key"):
        key = user.name_key
        if any(part in key for part in RESERVED_NAME_PARTS) or NAMELESS_ACCOUNT.fullmatch(key):
            users.filter(pk=user.pk).update(display_name="")
    shared = (
        users.values("name_key").annotate(n=Count("pk")).filter(n__gt=1).values_list("name_key", flat=True)
    )
    for key in list(shared):
        later = users.filter(name_key=key).order_by("date_joined", "pk")[1:]
        for user in list(later.only("display_name", "username")):
            name = user.display_name or user.username
            number = 2
            while True:
                suffix = f" {number}"
                candidate = name[: MAX_LENGTH - len(suffix)] + suffix
                if not users.filter(name_key=_folded(Value(candidate))).exists():
                    break
                number += 1
            users.filter(pk=user.pk).update(display_name=candidate)


class Migration(migrations.Migration):
    dependencies = [
        ("archipel", "0004_roles"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="name_key",
            field=models.GeneratedField(
                db_persist=True,
                expression=models.Func(
                    django.db.models.functions.text.Lower(
                        core.search.Unaccent(
                            django.db.models.functions.text.Lower(
                                django.db.models.functions.comparison.Coalesce(
                                    django.db.models.functions.comparison.NullIf(
                                        models.F("display_name"), models.Value("")
                                    ),
                                    models.F("username"),
                                )
                            )
                        )
                    ),
                    models.Value(
                        "[\\x01-\\x2f\\x3a-\\x40\\x5b-\\x60\\x7b-\\x7f\\u00a0-\\u00bf\\u00d7\\u00f7\\u2000-\\u206f\\u3000-\\u303f]+"
                    ),
                    models.Value(""),
                    models.Value("g"),
                    function="regexp_replace",
                    output_field=models.TextField(),
                ),
                output_field=models.TextField(),
                verbose_name="nom public replié",
            ),
        ),
        migrations.RunPython(fit_names, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="user",
            constraint=models.UniqueConstraint(
                fields=("name_key",),
                name="user_public_name_unique_folded",
                violation_error_message="Ce nom est déjà celui d’un autre participant ; choisissez-en un autre.",
            ),
        ),
    ]
