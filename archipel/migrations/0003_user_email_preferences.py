from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("archipel", "0002_seed_files")]

    operations = [
        migrations.AddField(
            model_name="user",
            name="email_answers",
            field=models.BooleanField(
                default=True,
                db_default=True,
                help_text="Un courriel quand une préconisation que vous avez proposée ou votée reçoit une réponse.",
                verbose_name="réponses officielles",
            ),
        ),
        migrations.AddField(
            model_name="user",
            name="email_moderation",
            field=models.BooleanField(
                default=True,
                db_default=True,
                help_text="Un courriel quand l’une de vos contributions est masquée ou de nouveau visible.",
                verbose_name="décisions de modération",
            ),
        ),
    ]
