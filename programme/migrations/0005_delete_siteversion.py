from django.db import migrations


class Migration(migrations.Migration):
    """The site-wide version row is gone: cached fragments are keyed by each programme's own data
    version, and access is read from the database on every request."""

    dependencies = [
        ("programme", "0004_siteversion"),
    ]

    operations = [
        migrations.DeleteModel(name="SiteVersion"),
    ]
