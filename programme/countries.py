"""The shipped table of ILO member States and their regions, and country-name recognition.

``data/ilo_member_states.csv`` lists every ILO member State (ISO alpha-2 code, UN short name, ILO
region); ``data/country_aliases.csv`` adds the spellings programme documents use (Vietnam, Lao PDR,
Cote d'Ivoire, ...). ISO 3166 names from pycountry are recognised too.
"""

import csv
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pycountry

DATA_DIR = Path(__file__).resolve().parent / "data"

ILO_REGIONS = (
    "Africa",
    "Americas",
    "Arab States",
    "Asia and the Pacific",
    "Europe and Central Asia",
)

_QUOTES = str.maketrans({"‘": "'", "’": "'", "`": "'", "´": "'", "“": '"', "”": '"'})


def normalise_name(name: str) -> str:
    """Fold case, accents, curly quotes, punctuation and spacing so spellings compare equal."""
    text = unicodedata.normalize("NFKD", name.translate(_QUOTES))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    text = text.replace("&", " and ")
    text = re.sub(r"[^\w']+", " ", text)
    text = re.sub(r"\bthe\b", " ", text)
    return " ".join(text.split())


@dataclass(frozen=True)
class MemberState:
    code: str
    name: str
    region: str


@cache
def member_states() -> dict[str, MemberState]:
    """Every ILO member State, keyed by ISO alpha-2 code."""
    with open(DATA_DIR / "ilo_member_states.csv", encoding="utf-8", newline="") as handle:
        return {
            row["alpha2"]: MemberState(row["alpha2"], row["name"], row["region"])
            for row in csv.DictReader(handle)
        }


@cache
def _names_to_codes() -> dict[str, str]:
    names = {}
    # ISO names first, so that the ILO names and the aliases win where they differ.
    for country in pycountry.countries:
        for attribute in ("name", "official_name", "common_name"):
            value = getattr(country, attribute, None)
            if value:
                names[normalise_name(value)] = country.alpha_2
    for state in member_states().values():
        names[normalise_name(state.name)] = state.code
    with open(DATA_DIR / "country_aliases.csv", encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            names[normalise_name(row["alias"])] = row["alpha2"]
    return names


@dataclass(frozen=True)
class RecognisedCountry:
    code: str
    name: str
    region: str | None  # None: an ISO country that is not an ILO member State


def recognise_country(name: str) -> RecognisedCountry | None:
    """The ISO country a heading names, or None when the name is not recognised."""
    code = _names_to_codes().get(normalise_name(name))
    if code is None:
        return None
    state = member_states().get(code)
    if state is not None:
        return RecognisedCountry(code=code, name=state.name, region=state.region)
    iso = pycountry.countries.get(alpha_2=code)
    return RecognisedCountry(code=code, name=iso.name if iso else code, region=None)
