from pathlib import Path

import pytest
from django.core.management import call_command

ROOT = Path(__file__).resolve().parent
SEED_PAGE = ROOT / "fixtures" / "glo-22-31-irl-outputs.txt"
SEED_CODE = "GLO/22/31/IRL"


@pytest.fixture
def seed_page_path():
    return SEED_PAGE


@pytest.fixture
def seed_programme(db):
    """The seed programme as `make run` loads it: the ILO country table and the GLO/22/31/IRL fixture."""
    call_command("loaddata", ROOT / "fixtures" / "ilo_regions_countries.json", verbosity=0)
    call_command("loaddata", ROOT / "fixtures" / "glo-22-31-irl.json", verbosity=0)
    from programme.models import Programme

    return Programme.objects.get(code=SEED_CODE)


@pytest.fixture
def write_page(tmp_path):
    """Write an outputs page as bytes (or text, encoded as UTF-8) and return its path."""

    def write(content, name="page.txt"):
        path = tmp_path / name
        path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
        return path

    return write
