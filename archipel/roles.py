"""The staff roles: Django groups, and the model permissions each one holds.

A staff member's role is their group; superusers hold every permission without one.
The groups are created by data migrations that copy this table (`archipel/0004_roles`,
then `0006_roles_meetings` for what meetings added):
a change here is a new migration copying the new table, and
tests/archipel/test_roles.py fails until the groups of a migrated database match it.

Each entry names a model (`app_label.model_name`) and the actions allowed on it; an
action is a permission's codename without its model: `view`, `add`, `change`,
`delete`, or one of the custom permissions the models declare (`moderate` and `answer`
in proposals/models.py, where "change" is too coarse).
"""

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
        # Public meetings about the partnerships and networks, and who registered.
        "meetings.meeting": CRUD,
        "meetings.registration": ("view",),
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
        "meetings.meeting": CRUD,
        "meetings.registration": CRUD,
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


def role_permissions(role: str) -> set[str]:
    """The role's permissions as `user.has_perm` names them: `app_label.codename`."""
    return {
        f"{label.split('.')[0]}.{action}_{label.split('.')[1]}"
        for label, actions in ROLES[role].items()
        for action in actions
    }
