"""Narratives saved before the services normalised line endings keep the CRLF browsers send (or a
lone CR): stored from now on with \\n, like every new one. One UPDATE in the database; the
narratives' history keeps what was stored at the time."""

from django.db import migrations
from django.db.models import Value
from django.db.models.functions import Replace


def newline_endings(apps, schema_editor):
    StatusUpdate = apps.get_model("outputs", "StatusUpdate")
    StatusUpdate.objects.filter(narrative__contains="\r").update(
        narrative=Replace(Replace("narrative", Value("\r\n"), Value("\n")), Value("\r"), Value("\n"))
    )


class Migration(migrations.Migration):
    dependencies = [("outputs", "0002_evidence_link_2000_characters")]

    operations = [migrations.RunPython(newline_endings, migrations.RunPython.noop)]
