"""A backup restored into an empty database gives back every row and every evidence file.

Runs on the database of the test run: pg_dump/pg_restore into a new database of the same
PostgreSQL cluster, or SQLite's backup API into a new file.
"""

import json
import os
import subprocess
import sys
from collections import Counter
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from core.backup import BackupError, backup_create, backup_restore
from outputs.models import Evidence, Output, StatusUpdate
from outputs.services.output_edits import output_edit
from testing.files import upload
from testing.workflow import approve, save_update, seed_output

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def reported_programme(users, tmp_media):
    """Approved and pending updates with evidence files and a link, and an edited output."""
    malawi = seed_output("MW", "1.1")
    approved = save_update(malawi, users.officer_mw, status="at_risk", narrative="Delayed by the floods.",
                           files=[upload("pdf")])
    approve(approved, users.coordinator)
    save_update(malawi, users.officer_mw, progress=70, files=[upload("png")])  # pending again
    mozambique = seed_output("MZ", "1.1")
    save_update(mozambique, users.officer_mz, files=[upload("docx"), upload("xlsx")],
                links=["https://example.org/report"])
    malawi.refresh_from_db()
    output_edit(output=malawi, user=users.coordinator, base_revision=malawi.revision,
                title="Social protection law adopted (revised)", reason="Wording agreed with the ministry")
    return users


@pytest.fixture
def empty_database(tmp_path):
    """Settings of a new, empty database next to the test database; dropped afterwards."""
    settings_dict = dict(connection.settings_dict)
    if connection.vendor == "postgresql":
        settings_dict["NAME"] = f"{connection.settings_dict['NAME']}_restored"
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{settings_dict["NAME"]}"')
            cursor.execute(f'CREATE DATABASE "{settings_dict["NAME"]}" TEMPLATE template0')
    else:
        settings_dict["NAME"] = str(tmp_path / "restored.sqlite3")
    yield settings_dict
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{settings_dict["NAME"]}"')


def database_url(settings_dict):
    if settings_dict["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{settings_dict['NAME']}"
    user = settings_dict["USER"] + (f":{settings_dict['PASSWORD']}" if settings_dict["PASSWORD"] else "")
    return f"postgres://{user}@{settings_dict['HOST']}:{settings_dict['PORT']}/{settings_dict['NAME']}"


def dump_default():
    """Every row of every table the models know, as dumpdata writes them (ordered by key)."""
    out = StringIO()
    call_command("dumpdata", format="json", stdout=out)
    return json.loads(out.getvalue())


def dump_restored(settings_dict, tmp_path):
    """The same, read by a separate `manage.py dumpdata` from the restored database."""
    env = {"PATH": os.environ["PATH"], "DJANGO_SETTINGS_MODULE": "config.settings",
           "DATABASE_URL": database_url(settings_dict), "BUILD_DIR": str(tmp_path / "build")}
    result = subprocess.run([sys.executable, "manage.py", "dumpdata", "--format=json"], cwd=ROOT, env=env,
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def counts(rows):
    by_model = Counter(row["model"] for row in rows)
    updates = [row["fields"] for row in rows if row["model"] == "outputs.statusupdate"]
    return {
        **{model: by_model[model] for model in (
            "programme.programme", "programme.outcome", "outputs.output", "outputs.statusupdate",
            "outputs.reviewevent", "outputs.evidence", "outputs.historicaloutput",
            "outputs.historicalstatusupdate", "auth.user",
        )},
        "approved updates": sum(update["review_state"] == "approved" for update in updates),
        "pending updates": sum(update["review_state"] != "approved" for update in updates),
        "edited output history": sum(
            row["model"] == "outputs.historicaloutput" and row["fields"]["history_type"] == "~" for row in rows
        ),
    }


@pytest.mark.django_db(transaction=True)
def test_backup_restores_every_row_and_file_into_an_empty_database(reported_programme, tmp_media, empty_database,
                                                                   tmp_path):
    original = dump_default()
    before = counts(original)
    assert before["programme.programme"] == 1 and before["outputs.output"] == 63
    assert before["approved updates"] == 1 and before["pending updates"] == 2
    assert before["outputs.evidence"] == 5 and before["edited output history"] == 1
    assert before["outputs.historicalstatusupdate"] >= 3 and before["outputs.reviewevent"] >= 4
    files = {evidence.file.name: Path(evidence.file.path).read_bytes()
             for evidence in Evidence.objects.exclude(file="")}
    assert len(files) == 4

    archive, manifest = backup_create(directory=tmp_path / "backups")
    assert archive.name.startswith("tracker-") and archive.name.endswith(".tar.gz")
    assert archive.stat().st_mode & 0o777 == 0o600
    assert manifest["media_files"] == 4
    assert manifest["tables"]["outputs_statusupdate"] == 3

    restored_media = tmp_path / "restored-media"
    backup_restore(archive, settings_dict=empty_database, media_root=restored_media)

    restored = dump_restored(empty_database, tmp_path)
    assert counts(restored) == before
    assert restored == original  # every row of every table, field by field
    malawi = Output.objects.get(outcome__country__code="MW", code="1.1")
    restored_malawi = next(row["fields"] for row in restored if row["model"] == "outputs.output" and row["pk"] == malawi.pk)
    assert restored_malawi["title"] == "Social protection law adopted (revised)"
    assert restored_malawi["reported_update"] == malawi.reported_update_id
    assert restored_malawi["pending_update"] == malawi.pending_update_id
    assert any(row["model"] == "outputs.historicaloutput" and row["fields"]["history_change_reason"]
               == "Wording agreed with the ministry" for row in restored)
    for name, content in files.items():
        assert (restored_media / name).read_bytes() == content

    # The restored database now has tables: a second restore into it is refused, nothing written.
    with pytest.raises(BackupError, match="not empty"):
        backup_restore(archive, settings_dict=empty_database, media_root=restored_media)
    assert dump_restored(empty_database, tmp_path) == original


@pytest.mark.django_db(transaction=True)
def test_commands_back_up_and_refuse_to_restore_over_data(reported_programme, tmp_path):
    out = StringIO()
    call_command("backup", output_dir=str(tmp_path), stdout=out)
    archive = Path(out.getvalue().strip().splitlines()[-1])
    assert archive.parent == tmp_path and archive.is_file()
    assert "4 media files" in out.getvalue()

    with pytest.raises(CommandError, match="restores into an empty database only"):
        call_command("restore", str(archive), stdout=StringIO())
    assert StatusUpdate.objects.count() == 3


@pytest.mark.django_db
def test_restore_refuses_what_is_not_a_backup(tmp_path):
    not_a_backup = tmp_path / "notes.tar.gz"
    not_a_backup.write_bytes(b"just some bytes")
    with pytest.raises(CommandError, match="is not a backup"):
        call_command("restore", str(not_a_backup))
    with pytest.raises(CommandError, match="No backup at"):
        call_command("restore", str(tmp_path / "missing.tar.gz"))
