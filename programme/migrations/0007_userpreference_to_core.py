from django.db import migrations


class Migration(migrations.Migration):
    """UserPreference now belongs to the core app, which keeps this app's table."""

    dependencies = [
        ("programme", "0006_grant_messages"),
        ("core", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[migrations.DeleteModel(name="UserPreference")]),
    ]
