"""factory_boy factories for the catalogue and users, registered as pytest fixtures with
pytest-factoryboy, and the standing people every test module shares.

Load as a pytest plugin (`pytest_plugins = ["tests.factories"]` in tests/conftest.py).
`register(UserFactory)` gives the fixtures `user_factory` (the class) and `user` (one
instance), and one `<model>__<field>` fixture per declaration, which a test module may
override to shape the shared instance (tests/proposals/test_views.py: `proposal__title`).

The real catalogue from fixtures/ is in the test database too: every unique value here
comes from a sequence whose shape the fixtures never use ("Ville d’essai 3", code "QM").
"""

import datetime
import os

import django
import factory
import pytest
from django.apps import apps
from django.utils.text import slugify
from pytest_factoryboy import LazyFixture, register

# Loaded with `pytest -p tests.factories`, this module is imported before pytest-django
# sets Django up, and the factories name their model classes, which register() reads to
# name the fixtures: set Django up here (pytest-django's own set-up then finds it done).
# Through `pytest_plugins` in tests/conftest.py, Django is already ready and this does nothing.
if not apps.ready:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "archipel.settings")
    django.setup()

from archipel.models import User  # noqa: E402
from cooperation.models import Country, LocalAuthority, Organisation, Partnership, Theme  # noqa: E402
from networks.models import KeyDate, Membership, Network, Objective  # noqa: E402
from proposals.models import Proposal  # noqa: E402

YEAR, MONTH = "year", "month"

# ISO 3166-1 reserves QM–QZ and XA–XZ for user-assigned codes: no real country has them
# (XK, used for Kosovo by some, is skipped). Past 39 countries the codes come round again
# and django_get_or_create hands back the existing test country.
_TEST_COUNTRY_CODES = [f"Q{c}" for c in "MNOPQRSTUVWXYZ"] + [f"X{c}" for c in "ABCDEFGHIJLMNOPQRSTUVWXYZ"]


class CountryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Country
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: _TEST_COUNTRY_CODES[n % len(_TEST_COUNTRY_CODES)])
    name = factory.LazyAttribute(lambda o: f"Pays d’essai {o.code}")
    name_en = factory.LazyAttribute(lambda o: f"Test country {o.code}")
    continent = "europe"


class LocalAuthorityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LocalAuthority

    name = factory.Sequence(lambda n: f"Ville d’essai {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
    kind = "commune"
    country = factory.SubFactory(CountryFactory)
    latitude = None
    longitude = None


FRANCE = {"code": "FR", "name": "France", "name_en": "France"}


class FrenchAuthorityFactory(LocalAuthorityFactory):
    """A French collectivité: France is fetched by its code when the fixtures hold it."""

    name = factory.Sequence(lambda n: f"Commune française d’essai {n}")
    country = factory.SubFactory(CountryFactory, **FRANCE)


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation d’essai {n}")
    acronym = factory.Sequence(lambda n: f"OE{n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
    kind = "association"
    country = factory.SubFactory(CountryFactory)


class ThemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Theme

    name = factory.Sequence(lambda n: f"Axe d’essai {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
    position = factory.Sequence(lambda n: 100 + n)


class PartnershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partnership
        skip_postgeneration_save = True

    slug = factory.Sequence(lambda n: f"partenariat-d-essai-{n}")
    french_authority = factory.SubFactory(FrenchAuthorityFactory)
    partner = factory.SubFactory(LocalAuthorityFactory)
    kind = "jumelage"
    status = "actif"
    since = datetime.date(1990, 1, 1)
    since_precision = YEAR

    @factory.post_generation
    def themes(self, create, extracted, **kwargs):
        if create and extracted:
            self.themes.set(extracted)


class NetworkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Network
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Réseau d’essai {n}")
    acronym = factory.Sequence(lambda n: f"RE{n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
    tagline = "Des villes qui coopèrent"
    description = "Un réseau de villes créé pour les tests."
    scope = "international"
    founded_on = datetime.date(2000, 1, 1)
    founded_on_precision = YEAR

    @factory.post_generation
    def themes(self, create, extracted, **kwargs):
        if create and extracted:
            self.themes.set(extracted)


class ObjectiveFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Objective

    network = factory.SubFactory(NetworkFactory)
    position = factory.Sequence(lambda n: n + 1)
    text = factory.Sequence(lambda n: f"Objectif d’essai {n}")


class KeyDateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = KeyDate

    network = factory.SubFactory(NetworkFactory)
    position = factory.Sequence(lambda n: n + 1)
    date = datetime.date(2004, 5, 1)
    date_precision = MONTH
    label = factory.Sequence(lambda n: f"Événement d’essai {n}")


class MembershipFactory(factory.django.DjangoModelFactory):
    """An authority's membership; pass authority=None, organisation=… for an organisation."""

    class Meta:
        model = Membership

    network = factory.SubFactory(NetworkFactory)
    authority = factory.SubFactory(LocalAuthorityFactory)
    organisation = None
    role = "Membre"
    since = datetime.date(2010, 1, 1)
    since_precision = YEAR


PASSWORD = "mot-de-passe-de-test"  # every test user's


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"utilisateur{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")
    password = factory.django.Password(PASSWORD)
    is_staff = False
    is_superuser = False


def verify(user):
    """Give `user` a verified primary e-mail address: may vote, comment, propose, report."""
    from allauth.account.models import EmailAddress

    EmailAddress.objects.update_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
    return user


class VerifiedUserFactory(UserFactory):
    """A user with a verified primary address (verify()): may vote, comment, propose, report."""

    @factory.post_generation
    def verified_address(self, create, extracted, **kwargs):
        if create:
            verify(self)


class ProposalFactory(factory.django.DjangoModelFactory):
    """A préconisation on the home topic (the real catalogue holds it)."""

    class Meta:
        model = Proposal

    topic = factory.LazyFunction(lambda: apps.get_model("proposals", "Topic").objects.get(is_home=True))
    title = factory.Sequence(lambda n: f"Préconisation d’essai {n}")
    slug = factory.Sequence(lambda n: f"preconisation-d-essai-{n}")
    body = "Ouvrir une maison de l’Europe dans chaque quartier."
    # Declared so that pytest-factoryboy makes `proposal__author` and `proposal__is_official`
    # fixtures a module can override: with no author by default, as the model's defaults.
    author = None
    is_official = False


CATALOGUE_APPS = ["cooperation", "evaluation", "networks", "proposals"]


# Every test staff member's authenticator app (the admin requires one: archipel.mfa).
STAFF_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def totp_code(secret: str = STAFF_TOTP_SECRET) -> str:
    """The code an authenticator app holding `secret` shows now."""
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value, yield_hotp_counters_from_time

    counters = list(yield_hotp_counters_from_time())
    return format_hotp_value(hotp_value(secret, counters[len(counters) // 2]))


class StaffUserFactory(UserFactory):
    """A catalogue editor: is_staff with every permission of the project's apps, not
    superuser, with an authenticator app (STAFF_TOTP_SECRET). `authenticator_app=False`:
    staff who have not set one up yet."""

    username = factory.Sequence(lambda n: f"equipe{n}")
    is_staff = True

    @factory.post_generation
    def catalogue_permissions(self, create, extracted, **kwargs):
        if create:
            from django.contrib.auth.models import Permission

            self.user_permissions.set(Permission.objects.filter(content_type__app_label__in=CATALOGUE_APPS))

    @factory.post_generation
    def authenticator_app(self, create, extracted, **kwargs):
        if create and extracted is not False:
            give_authenticator_app(self)


def give_authenticator_app(user):
    """Give `user` an authenticator app holding STAFF_TOTP_SECRET, as if set up."""
    from allauth.mfa.models import Authenticator
    from allauth.mfa.utils import encrypt

    Authenticator.objects.get_or_create(
        user=user, type=Authenticator.Type.TOTP, defaults={"data": {"secret": encrypt(STAFF_TOTP_SECRET)}}
    )
    return user


# Fixtures -------------------------------------------------------------------------------
# Each register() gives `<factory>_factory` (the class) and a model fixture (one instance,
# named after the model unless named here), neither asking for the database: a test using
# them is marked (pytestmark = pytest.mark.django_db) or asks for `db`. A user's model
# fixture is given the password in clear: pytest-factoryboy would hand the factory back its
# own Password declaration, which would then be hashed twice.

register(CountryFactory)
register(LocalAuthorityFactory)
register(OrganisationFactory)
register(ThemeFactory)
register(NetworkFactory)
register(ObjectiveFactory)
register(KeyDateFactory)
register(MembershipFactory)
register(UserFactory, password=PASSWORD)
register(VerifiedUserFactory, "verified_user", password=PASSWORD)
register(ProposalFactory)  # the one `proposal`; a module shapes it with `proposal__<field>`
# pytest-factoryboy would give a SubFactory's instance its model fixture (`country`), not
# France: the country is named here.
register(FrenchAuthorityFactory, "french_authority", country=LazyFixture(lambda: CountryFactory(**FRANCE)))
# A partnership's two sides are two authorities (by default both would be `local_authority`).
register(
    PartnershipFactory,
    french_authority=LazyFixture("french_authority"),
    partner=LazyFixture("local_authority"),
)


# The standing people ---------------------------------------------------------------------
# Each has a fixed username: UserFactory gets or creates by username, so one name is one
# person, and a test wanting more people gives other names (or none: a sequence names them).
# The anonymous visitor is pytest-django's `client`.

# Registered, no verified address (verified_citizen below has one).
register(UserFactory, "citizen", username="citoyenne", password=PASSWORD)
register(UserFactory, "other_citizen", username="citoyen", password=PASSWORD)
# A catalogue editor: is_staff with every permission of the project's apps, not superuser.
register(StaffUserFactory, "staff_user", username="equipe", password=PASSWORD)
# Verified citizens who write and vote on préconisations (tests/proposals).
register(VerifiedUserFactory, "author", username="autrice", password=PASSWORD)
register(VerifiedUserFactory, "voter", username="votante", password=PASSWORD)
register(VerifiedUserFactory, "other_voter", username="votant", password=PASSWORD)


@pytest.fixture
def verified_citizen(citizen):
    """The citizen, with a verified primary address: may take part."""
    return verify(citizen)


@pytest.fixture
def verified_other_citizen(other_citizen):
    return verify(other_citizen)


@pytest.fixture
def admin_user(admin_user):
    """pytest-django's superuser (and so its `admin_client`), with an authenticator app as
    every staff member has: the admin requires one (archipel.mfa)."""
    return give_authenticator_app(admin_user)


@pytest.fixture
def staff_client(client, staff_user):
    client.force_login(staff_user)
    return client


@pytest.fixture
def citizen_client(client, citizen):
    client.force_login(citizen)
    return client
