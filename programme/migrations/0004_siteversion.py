import secrets

from django.db import migrations, models


def create_row(apps, schema_editor):
    apps.get_model("programme", "SiteVersion").objects.using(schema_editor.connection.alias).create(
        pk=1, value=secrets.randbits(62) + 1
    )


class Migration(migrations.Migration):

    dependencies = [
        ("programme", "0003_programme_data_version"),
    ]

    operations = [
        migrations.CreateModel(
            name="SiteVersion",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("value", models.PositiveBigIntegerField()),
            ],
            options={"verbose_name": "site version", "verbose_name_plural": "site version"},
        ),
        migrations.RunPython(create_row, migrations.RunPython.noop),
    ]
