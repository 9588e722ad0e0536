"""The public meetings join the roles (see archipel/roles.py): the catalogue editor
manages meetings and sees who registered; the administrator may do everything.

A copy of what archipel/roles.py added when this migration was written (migrations never
import live code). The permissions are created here first, as in 0004_roles.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CRUD = ("view", "add", "change", "delete")
ADDED = {
    "Éditeur du catalogue": {"meeting": CRUD, "registration": ("view",)},
    "Administrateur": {"meeting": CRUD, "registration": CRUD},
}


def _permissions(apps, using, models):
    Permission = apps.get_model("auth", "Permission")
    return [
        Permission.objects.using(using).get(content_type__app_label="meetings", codename=f"{action}_{model}")
        for model, actions in models.items()
        for action in actions
    ]


def add_meetings(apps, schema_editor):
    using = schema_editor.connection.alias
    app_config = apps.get_app_config("meetings")
    app_config.models_module = True  # historical app configs have none; create_permissions skips those
    create_permissions(app_config, verbosity=0, using=using, apps=apps)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    for role, models in ADDED.items():
        group, _created = Group.objects.using(using).get_or_create(name=role)
        group.permissions.add(*_permissions(apps, using, models))


def remove_meetings(apps, schema_editor):
    using = schema_editor.connection.alias
    Group = apps.get_model("auth", "Group")
    for role, models in ADDED.items():
        for group in Group.objects.using(using).filter(name=role):
            group.permissions.remove(*_permissions(apps, using, models))


class Migration(migrations.Migration):
    dependencies = [
        ("archipel", "0005_display_name_key"),
        ("meetings", "0001_initial"),
    ]

    operations = [migrations.RunPython(add_meetings, remove_meetings)]
