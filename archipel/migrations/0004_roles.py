"""The staff roles as groups, with their permissions (see archipel/roles.py).

The table is a copy of archipel/roles.py as it was when this migration was written:
migrations never import live code, and a later change to the roles is a new migration.

The permissions are created here first: Django creates them after `migrate` ends
(post_migrate), too late for a fresh database. Re-running it leaves the same groups.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

CATALOGUE_EDITOR = "Éditeur du catalogue"
MODERATOR = "Modérateur"
ANSWER_MANAGER = "Gestionnaire des réponses"
ADMINISTRATOR = "Administrateur"

CRUD = ("view", "add", "change", "delete")

ROLES = {
    # The catalogue: partnerships and their evaluation, authorities, the directory of
    # organisations, networks, and the vocabularies they use.
    CATALOGUE_EDITOR: {
        "cooperation.partnership": CRUD,
        "cooperation.partnershipmilestone": CRUD,
        "cooperation.localauthority": CRUD,
        "cooperation.organisation": CRUD,
        "cooperation.activitytype": CRUD,
        "cooperation.country": CRUD,
        "cooperation.theme": CRUD,
        "cooperation.sustainabledevelopmentgoal": CRUD,
        "cooperation.actionfield": CRUD,
        "cooperation.source": CRUD,
        "networks.network": CRUD,
        "networks.objective": CRUD,
        "networks.keydate": CRUD,
        "networks.membership": CRUD,
        "evaluation.partnershipaction": CRUD,
        "evaluation.partnershipassessment": CRUD,
        # Citizens' corrections of those pages: accepted or declined, with an answer.
        "corrections.correction": ("view", "change"),
    },
    # The moderation queue, and hiding or restoring what citizens write (with a reason);
    # rewriting it is nobody's job.
    MODERATOR: {
        "proposals.report": ("view", "change"),
        "proposals.proposal": ("view", "moderate"),
        "proposals.comment": ("view", "moderate"),
        "evaluation.partnershipreview": ("view", "change"),
    },
    # A préconisation's status and official answer, nothing else of it.
    ANSWER_MANAGER: {
        "proposals.proposal": ("view", "answer"),
    },
    # Everything the admin offers, users, groups and their authenticators included.
    ADMINISTRATOR: {
        "archipel.user": CRUD,
        "mfa.authenticator": CRUD,
        "archipel.seedfile": CRUD,
        "auth.group": CRUD,
        "auth.permission": CRUD,
        "account.emailaddress": CRUD,
        "account.emailconfirmation": CRUD,
        "cooperation.partnership": CRUD,
        "cooperation.partnershipmilestone": CRUD,
        "cooperation.localauthority": CRUD,
        "cooperation.organisation": CRUD,
        "cooperation.activitytype": CRUD,
        "cooperation.country": CRUD,
        "cooperation.theme": CRUD,
        "cooperation.sustainabledevelopmentgoal": CRUD,
        "cooperation.actionfield": CRUD,
        "cooperation.source": CRUD,
        "networks.network": CRUD,
        "networks.objective": CRUD,
        "networks.keydate": CRUD,
        "networks.membership": CRUD,
        "evaluation.partnershipaction": CRUD,
        "evaluation.partnershipassessment": CRUD,
        "evaluation.partnershipreview": CRUD,
        "evaluation.reviewscore": CRUD,
        "corrections.correction": CRUD,
        "proposals.topic": CRUD,
        "proposals.proposal": (*CRUD, "moderate", "answer"),
        "proposals.taggedproposal": CRUD,
        "proposals.vote": CRUD,
        "proposals.comment": (*CRUD, "moderate"),
        "proposals.report": CRUD,
        "taggit.tag": CRUD,
        "taggit.taggeditem": CRUD,
        "newsletter.subscription": CRUD,
        "newsletter.bulletin": CRUD,
        "mailing.message": CRUD,
        "mailing.delivery": CRUD,
        "opendata.export": CRUD,
        "procrastinate.procrastinatejob": CRUD,
        "procrastinate.procrastinateevent": CRUD,
        "procrastinate.procrastinateperiodicdefer": CRUD,
        "procrastinate.procrastinateworker": CRUD,
    },
}


def create_roles(apps, schema_editor):
    using = schema_editor.connection.alias
    for app_label in sorted({label.split(".")[0] for models in ROLES.values() for label in models}):
        app_config = apps.get_app_config(app_label)
        # Historical app configs have no models module, and create_permissions skips those.
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, using=using, apps=apps)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, models in ROLES.items():
        wanted = [
            (label.split(".")[0], f"{action}_{label.split('.')[1]}")
            for label, actions in models.items()
            for action in actions
        ]
        permissions = []
        for app_label, codename in wanted:
            # get(), not filter(): a permission missing from the table's models fails loudly.
            permissions.append(
                Permission.objects.using(using).get(content_type__app_label=app_label, codename=codename)
            )
        group, _created = Group.objects.using(using).get_or_create(name=role)
        group.permissions.set(permissions)


def delete_roles(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.using(schema_editor.connection.alias).filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("archipel", "0003_user_email_preferences"),
        ("account", "0009_emailaddress_unique_primary_email"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("cooperation", "0006_history"),
        ("corrections", "0001_initial"),
        ("evaluation", "0002_history"),
        ("mailing", "0001_initial"),
        ("mfa", "0003_authenticator_type_uniq"),
        ("networks", "0002_history"),
        ("newsletter", "0002_confirmation_token"),
        ("opendata", "0001_exports"),
        ("procrastinate", "0041_post_retry_failed_job"),
        ("proposals", "0003_moderation_and_answer_permissions"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
    ]

    operations = [migrations.RunPython(create_roles, delete_roles)]
