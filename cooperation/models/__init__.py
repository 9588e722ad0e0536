"""The cooperation app's models, in three modules: `places` (countries, authorities,
organisations), `catalogue` (axes, SDGs, fields of action, sources, partnerships) and
`evaluation` (actions, yearly assessments, citizens' reviews and scores).

Django finds the models here, and `from cooperation.models import X` works for all of
them. Each module imports those it builds on, so the models register in the order of the
former single module: places, then catalogue, then evaluation.
"""

from cooperation.models.catalogue import (
    ActionField,
    Partnership,
    PartnershipKind,
    PartnershipMilestone,
    PartnershipQuerySet,
    PartnershipStatus,
    Source,
    SustainableDevelopmentGoal,
    Term,
    Theme,
)
from cooperation.models.evaluation import (
    SCORE_VALIDATORS,
    YEAR_VALIDATORS,
    PartnershipAction,
    PartnershipAssessment,
    PartnershipReview,
    ReviewQuerySet,
    ReviewScore,
)
from cooperation.models.places import (
    ActivityType,
    AuthorityKind,
    Continent,
    Country,
    LocalAuthority,
    LocalAuthorityQuerySet,
    Organisation,
    OrganisationKind,
    OrganisationQuerySet,
    localized_name,
)

__all__ = [
    "ActionField",
    "ActivityType",
    "AuthorityKind",
    "Continent",
    "Country",
    "LocalAuthority",
    "LocalAuthorityQuerySet",
    "Organisation",
    "OrganisationKind",
    "OrganisationQuerySet",
    "Partnership",
    "PartnershipAction",
    "PartnershipAssessment",
    "PartnershipKind",
    "PartnershipMilestone",
    "PartnershipQuerySet",
    "PartnershipReview",
    "PartnershipStatus",
    "ReviewQuerySet",
    "ReviewScore",
    "SCORE_VALIDATORS",
    "SustainableDevelopmentGoal",
    "Source",
    "Term",
    "Theme",
    "YEAR_VALIDATORS",
    "localized_name",
]
