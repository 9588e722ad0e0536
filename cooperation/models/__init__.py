"""The cooperation app's models, in two modules: `places` (countries, authorities,
organisations) and `catalogue` (axes, SDGs, fields of action, sources, partnerships).
The evaluation of partnerships (actions, yearly assessments, citizens' reviews) is the
`evaluation` app's.

Django finds the models here, and `from cooperation.models import X` works for all of
them. Each module imports those it builds on, so the models register in the order of the
former single module: places, then catalogue.
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
    "PartnershipKind",
    "PartnershipMilestone",
    "PartnershipQuerySet",
    "PartnershipStatus",
    "SustainableDevelopmentGoal",
    "Source",
    "Term",
    "Theme",
    "localized_name",
]
