"""The scope boundary: refuse anything that looks like data about identifiable people.

deportsim works on aggregate public statistics only. Inputs whose keys or column names are
personal identifiers (names, A-numbers, birth dates, addresses, ...), or whose values look like
A-numbers, are refused with a clear error before anything is stored or computed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any

__all__ = ["PERSON_LEVEL_FIELDS", "find_person_level", "is_person_level_field", "refusal_message"]

#: Normalised field names (lower case, letters and digits only) that identify a person.
PERSON_LEVEL_FIELDS = frozenset(
    {
        "firstname", "lastname", "fullname", "givenname", "surname", "familyname", "middlename",
        "personname", "detaineename", "anumber", "aliennumber", "alienregistrationnumber",
        "alienid", "dateofbirth", "dob", "birthdate", "birthday", "ssn", "socialsecuritynumber",
        "passportnumber", "fin", "finnumber", "fbinumber", "subjectid", "personid",
        "detaineeid", "bookingnumber", "homeaddress", "streetaddress", "residentialaddress",
        "phone", "phonenumber", "email", "emailaddress", "uniqueidentifier", "eidsubjectid",
    }
)  # fmt: skip

# An A-number is "A" followed by 8 or 9 digits, often grouped in threes.
_A_NUMBER = re.compile(r"\bA[-\s]?\d{2,3}[-\s]?\d{3}[-\s]?\d{3}\b")


def _normalise(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def is_person_level_field(name: str) -> bool:
    """True when a key or column name identifies a person (e.g. ``A-Number``, ``Date of Birth``)."""
    return _normalise(name) in PERSON_LEVEL_FIELDS


def _walk(value: Any, path: tuple[str | int, ...]) -> Iterator[tuple[tuple[str | int, ...], str]]:
    if isinstance(value, dict):
        for key, child in value.items():
            if is_person_level_field(str(key)):
                yield (*path, key), f"field {key!r} identifies a person"
            yield from _walk(child, (*path, key))
    elif isinstance(value, list):
        for i, child in enumerate(value):
            yield from _walk(child, (*path, i))
    elif isinstance(value, str) and _A_NUMBER.search(value):
        yield path, "a value looks like an alien registration number (A-number)"


def find_person_level(data: Any | Iterable[str]) -> tuple[tuple[str | int, ...], str] | None:
    """Return the first (path, reason) that looks like person-level data, or None."""
    return next(_walk(data, ()), None)


def refusal_message(reason: str) -> str:
    """The one-line refusal shown to users."""
    return (
        f"refused: {reason}; deportsim works on aggregate public statistics only and never "
        "reads data about identifiable people"
    )
