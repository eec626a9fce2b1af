"""The seed every test starts from: the programme GLO/22/31/IRL as `make run` loads it, with the demo
accounts and their grants, plus ``nogrant`` (an active user with no grant) and a second Malawi officer."""

import datetime
import io
import sqlite3
from io import StringIO
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from django.core.management import call_command

if TYPE_CHECKING:  # the models are imported once Django is set up
    from programme.models import Programme

ROOT = Path(__file__).resolve().parent.parent
SEED_PAGE = ROOT / "fixtures" / "glo-22-31-irl-outputs.txt"
SEED_CODE = "GLO/22/31/IRL"
SEED_SLUG = "glo-22-31-irl"
DEMO_PASSWORD = "demo-password-for-tests"
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# The accounts of the ``users`` fixture, which names them as attributes: officer-mw is users.officer_mw.
USERNAMES = ("admin", "coordinator", "donor", "officer-mw", "officer-mz", "officer-vn", "officer-zm",
             "officer-global", "nogrant", "officer-mw2")


def load_seed() -> None:
    """The seed programme with its history, the demo accounts and their grants, ``nogrant`` and
    ``officer-mw2``, into a database that does not hold them."""
    from django.contrib.auth import get_user_model

    from outputs.models import Output
    from programme.models import AccessGrant, Country, Programme, Role

    call_command("loaddata", ROOT / "fixtures" / "ilo_regions_countries.json", verbosity=0)
    call_command("loaddata", ROOT / "fixtures" / "glo-22-31-irl.json", verbosity=0)
    call_command("populate_history", "--auto", stdout=StringIO())  # as `setup_demo` does
    # Recorded as imported when the programme started, so that "as of" dates in 2025 find them.
    Output.history.update(history_date=datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC))

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DEMO_PASSWORD", DEMO_PASSWORD)
        call_command("create_demo_users", stdout=StringIO())
    User = get_user_model()
    User.objects.create_user(
        "nogrant", email="nogrant@example.org", password=DEMO_PASSWORD, first_name="Nobody"
    )
    officer_mw2 = User.objects.create_user(
        "officer-mw2", email="officer-mw2@example.org", password=DEMO_PASSWORD,
        first_name="Tiyamike", last_name="Phiri",
    )
    AccessGrant.objects.create(
        user=officer_mw2, programme=Programme.objects.get(code=SEED_CODE),
        country=Country.objects.get(code="MW"), role=Role.OFFICER,
    )


def seed_programme_loaded() -> "Programme":
    """The seed programme, loaded first (with the demo users) when the database does not hold it:
    at the start of the session, and after a transactional test, which pytest-django follows with
    a flush."""
    from programme.models import Programme

    programme = Programme.objects.filter(code=SEED_CODE).first()
    if programme is None:
        load_seed()
        programme = Programme.objects.get(code=SEED_CODE)
    return programme


class SeedSnapshot:
    """The test database as the seed left it, taken once per session and put back after a transactional
    test (whose data pytest-django flushes): SQLite's online backup of the whole database, or on
    PostgreSQL a COPY of every table, each in a small fraction of the seed's loading time."""

    def __init__(self) -> None:
        self.sqlite: sqlite3.Connection | None = None
        self.tables: dict[str, bytes] = {}  # PostgreSQL: each table's rows in COPY's text format

    @property
    def taken(self) -> bool:
        return self.sqlite is not None or bool(self.tables)

    def take(self) -> None:
        from django.db import connection

        connection.ensure_connection()
        if connection.vendor == "sqlite":
            self.sqlite = sqlite3.connect(":memory:")
            connection.connection.backup(self.sqlite)
            return
        with connection.cursor() as cursor:
            for table in seeded_tables(connection):
                rows = io.BytesIO()
                cursor.cursor.copy_expert(f'COPY "{table}" TO STDOUT', rows)
                self.tables[table] = rows.getvalue()

    def restore(self) -> None:
        """The seeded database again, committed: outside a test's transaction, as after a flush."""
        from django.apps import apps
        from django.contrib.contenttypes.models import ContentType
        from django.core.management.color import no_style
        from django.db import connection, transaction

        connection.ensure_connection()
        if self.sqlite is not None:
            self.sqlite.backup(connection.connection)
        else:
            # One transaction: the foreign keys Django declares are checked at its end.
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("TRUNCATE " + ", ".join(f'"{table}"' for table in self.tables))
                for table, rows in self.tables.items():
                    if rows:
                        cursor.cursor.copy_expert(f'COPY "{table}" FROM STDIN', io.BytesIO(rows))
                # Each id sequence after its table's rows: a flush may have restarted them.
                for statement in connection.ops.sequence_reset_sql(no_style(), apps.get_models(include_auto_created=True)):
                    cursor.execute(statement)
        # The flush's post_migrate made content types under other ids, which Django keeps in memory.
        ContentType.objects.clear_cache()


def seeded_tables(connection) -> list[str]:
    """Every table the flush empties (all but the migrations' record)."""
    return [table for table in connection.introspection.table_names() if table != "django_migrations"]


SNAPSHOT = SeedSnapshot()
