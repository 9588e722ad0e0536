from django.db import migrations

from cooperation.search import CREATE_UNACCENT_SQL, DROP_UNACCENT_SQL


class Migration(migrations.Migration):
    """archipel_unaccent(text): accent folding for search (no unaccent extension needed)."""

    dependencies = [("cooperation", "0001_initial")]

    operations = [migrations.RunSQL(CREATE_UNACCENT_SQL, DROP_UNACCENT_SQL)]
