from django.db import migrations

from cooperation.search import CREATE_UNACCENT_SQL, DROP_UNACCENT_SQL


class Migration(migrations.Migration):
    """archipel_unaccent(text): accent folding for search and sorting.

    First, because indexes and generated columns of the catalogue use it.
    """

    initial = True
    dependencies = []

    operations = [migrations.RunSQL(CREATE_UNACCENT_SQL, DROP_UNACCENT_SQL)]
