from django.db import migrations

# The function as it was created: a migration keeps its own copy of the SQL, so that
# editing cooperation/search.py never rewrites history for new databases. A change of
# the function is a new migration.
CREATE_UNACCENT_SQL = "\nCREATE OR REPLACE FUNCTION archipel_unaccent(text) RETURNS text\nLANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT AS $$\n    SELECT replace(replace(replace(replace(translate($1, 'àáâãäåāçćčèéêëēęěìíîïīñńòóôõöøōùúûüūýÿžźżšśłđÀÁÂÃÄÅĀÇĆČÈÉÊËĒĘĚÌÍÎÏĪÑŃÒÓÔÕÖØŌÙÚÛÜŪÝŸŽŹŻŠŚŁĐ-’', 'aaaaaaaccceeeeeeeiiiiinnooooooouuuuuyyzzzssldAAAAAAACCCEEEEEEEIIIIINNOOOOOOOUUUUUYYZZZSSLD  '),\n        'œ', 'oe'), 'Œ', 'OE'), 'æ', 'ae'), 'ß', 'ss')\n$$;\n"
DROP_UNACCENT_SQL = "DROP FUNCTION IF EXISTS archipel_unaccent(text);"


class Migration(migrations.Migration):
    """archipel_unaccent(text): accent folding for search and sorting.

    First, because indexes and generated columns of the catalogue use it.
    """

    initial = True
    dependencies = []

    operations = [migrations.RunSQL(CREATE_UNACCENT_SQL, DROP_UNACCENT_SQL)]
