"""factory_boy factories for the catalogue and users, and pytest fixtures built on them.

Load as a pytest plugin (`pytest_plugins = ["tests.factories"]` in tests/conftest.py).
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

# Loaded with `pytest -p tests.factories`, this module is imported before pytest-django
# sets Django up, and factory_boy resolves "app_label.Model" at class creation: set it
# up here (pytest-django's own set-up then finds it done). Through `pytest_plugins` in
# tests/conftest.py, Django is already ready and this does nothing.
if not apps.ready:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "archipel.settings")
    django.setup()

YEAR, MONTH = "year", "month"

# ISO 3166-1 reserves QM–QZ and XA–XZ for user-assigned codes: no real country has them
# (XK, used for Kosovo by some, is skipped). Past 39 countries the codes come round again
# and django_get_or_create hands back the existing test country.
_TEST_COUNTRY_CODES = [f"Q{c}" for c in "MNOPQRSTUVWXYZ"] + [f"X{c}" for c in "ABCDEFGHIJLMNOPQRSTUVWXYZ"]


class CountryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "cooperation.Country"
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: _TEST_COUNTRY_CODES[n % len(_TEST_COUNTRY_CODES)])
    name = factory.LazyAttribute(lambda o: f"Pays d’essai {o.code}")
    name_en = factory.LazyAttribute(lambda o: f"Test country {o.code}")
    continent = "europe"


class LocalAuthorityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "cooperation.LocalAuthority"

    name = factory.Sequence(lambda n: f"Ville d’essai {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
    kind = "commune"
    country = factory.SubFactory(CountryFactory)
    latitude = None
    longitude = None


class FrenchAuthorityFactory(LocalAuthorityFactory):
    """A French collectivité: France is fetched by its code when the fixtures hold it."""

    name = factory.Sequence(lambda n: f"Commune française d’essai {n}")
    country = factory.SubFactory(CountryFactory, code="FR", name="France", name_en="France")


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "cooperation.Organisation"

    name = factory.Sequence(lambda n: f"Organisation d’essai {n}")
    acronym = factory.Sequence(lambda n: f"OE{n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
    kind = "association"
    country = factory.SubFactory(CountryFactory)


class ThemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "cooperation.Theme"

    name = factory.Sequence(lambda n: f"Axe d’essai {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
    position = factory.Sequence(lambda n: 100 + n)


class PartnershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "cooperation.Partnership"
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
        model = "networks.Network"
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
        model = "networks.Objective"

    network = factory.SubFactory(NetworkFactory)
    position = factory.Sequence(lambda n: n + 1)
    text = factory.Sequence(lambda n: f"Objectif d’essai {n}")


class KeyDateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "networks.KeyDate"

    network = factory.SubFactory(NetworkFactory)
    position = factory.Sequence(lambda n: n + 1)
    date = datetime.date(2004, 5, 1)
    date_precision = MONTH
    label = factory.Sequence(lambda n: f"Événement d’essai {n}")


class MembershipFactory(factory.django.DjangoModelFactory):
    """An authority's membership; pass authority=None, organisation=… for an organisation."""

    class Meta:
        model = "networks.Membership"

    network = factory.SubFactory(NetworkFactory)
    authority = factory.SubFactory(LocalAuthorityFactory)
    organisation = None
    role = "Membre"
    since = datetime.date(2010, 1, 1)
    since_precision = YEAR


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "archipel.User"
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"utilisateur{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")
    password = factory.django.Password("mot-de-passe-de-test")
    is_staff = False
    is_superuser = False


def verify(user):
    """Give `user` a verified primary e-mail address: may vote, comment, propose, report."""
    from allauth.account.models import EmailAddress

    EmailAddress.objects.update_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
    return user


class ProposalFactory(factory.django.DjangoModelFactory):
    """A préconisation on the home topic (the real catalogue holds it)."""

    class Meta:
        model = "proposals.Proposal"

    topic = factory.LazyFunction(lambda: apps.get_model("proposals", "Topic").objects.get(is_home=True))
    title = factory.Sequence(lambda n: f"Préconisation d’essai {n}")
    slug = factory.Sequence(lambda n: f"preconisation-d-essai-{n}")
    body = "Ouvrir une maison de l’Europe dans chaque quartier."


CATALOGUE_APPS = ["cooperation", "evaluation", "networks", "proposals"]


class StaffUserFactory(UserFactory):
    """A catalogue editor: is_staff with every permission of the project's apps, not superuser."""

    username = factory.Sequence(lambda n: f"equipe{n}")
    is_staff = True

    @factory.post_generation
    def catalogue_permissions(self, create, extracted, **kwargs):
        if create:
            from django.contrib.auth.models import Permission

            self.user_permissions.set(Permission.objects.filter(content_type__app_label__in=CATALOGUE_APPS))


# Fixtures -------------------------------------------------------------------------------

_FACTORIES = {
    "country_factory": CountryFactory,
    "local_authority_factory": LocalAuthorityFactory,
    "french_authority_factory": FrenchAuthorityFactory,
    "organisation_factory": OrganisationFactory,
    "theme_factory": ThemeFactory,
    "partnership_factory": PartnershipFactory,
    "network_factory": NetworkFactory,
    "objective_factory": ObjectiveFactory,
    "key_date_factory": KeyDateFactory,
    "membership_factory": MembershipFactory,
    "user_factory": UserFactory,
    "staff_user_factory": StaffUserFactory,
    "proposal_factory": ProposalFactory,
}


def _factory_fixture(name, factory_class):
    @pytest.fixture(name=name)
    def fixture(db):
        return factory_class

    fixture.__doc__ = f"The {factory_class.__name__} class, with database access."
    return fixture


for _name, _factory in _FACTORIES.items():
    globals()[_name] = _factory_fixture(_name, _factory)
del _name, _factory


@pytest.fixture
def citizen(db):
    """A registered user with no staff rights."""
    return UserFactory(username="citoyenne")


@pytest.fixture
def other_citizen(db):
    return UserFactory(username="citoyen")


@pytest.fixture
def verified_citizen(citizen):
    """The citizen, with a verified primary address: may take part."""
    return verify(citizen)


@pytest.fixture
def verified_other_citizen(other_citizen):
    return verify(other_citizen)


@pytest.fixture
def staff_user(db):
    """A catalogue editor (is_staff, every permission of the project's apps)."""
    return StaffUserFactory(username="equipe")


@pytest.fixture
def staff_client(client, staff_user):
    client.force_login(staff_user)
    return client


@pytest.fixture
def citizen_client(client, citizen):
    client.force_login(citizen)
    return client
