"""The scope boundary: refuse anything that looks like data about identifiable people.

deportsim works on aggregate public statistics only. Inputs are refused with a clear error before
anything is stored or computed when:

* a key or column name is a personal identifier (names, A-numbers, birth dates, addresses, ...),
  or a row of column names describes one person per row (``Detainee`` beside ``Gender``);
* free text (a description, note, title, a workbook's cell) holds an identifier: an A-number
  (``A123456789``, ``a-123-456-789``, ``A#12345678``), a date of birth (``DOB 1990-04-12``,
  ``born on April 12, 1990``) or a booking number (``booking no. 2024-00123``).

A personal name alone cannot be detected reliably (``Juan Perez`` and ``Del Valle`` look alike),
so names are not looked for: what is refused is a name's companions, the identifiers that turn a
name into a record about one person (``Juan Perez, DOB 1990-04-12``, ``Juan Perez A123456789``,
``Juan Perez, booking #20240012345``).

Text is folded before it is screened: Unicode NFKC (full-width digits and letters become ASCII),
Greek and Cyrillic look-alikes of Latin capitals and small letters (``Α``, ``А``, ``О``, ...) become
Latin, every dash becomes ``-`` and invisible characters (zero-width spaces, soft hyphens) go.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from deportsim.core.errors import Location, UserError
from deportsim.core.strict_yaml import YamlDoc

__all__ = [
    "PERSON_LEVEL_FIELDS",
    "find_person_level",
    "fold",
    "is_person_level_field",
    "person_level_row",
    "person_level_text",
    "refusal_message",
    "screen_data",
    "screen_document",
]

#: Normalised field names (lower case, letters and digits only) that identify a person.
PERSON_LEVEL_FIELDS = frozenset(
    {
        "firstname", "lastname", "fullname", "givenname", "surname", "familyname", "middlename",
        "personname", "detaineename", "anumber", "anum", "aliennumber", "alienno", "aliennum",
        "alienregistrationnumber", "alienregistrationno", "alienid", "dateofbirth", "dob",
        "birthdate", "birthday", "birthyear", "yearofbirth", "ssn", "socialsecuritynumber",
        "passportnumber", "fin", "finnumber", "fbinumber", "subjectid", "personid", "detaineeid",
        "detaineenumber", "detaineeno", "bookingnumber", "bookingno", "bookingnum", "bookingid",
        "homeaddress", "streetaddress", "residentialaddress", "mailingaddress", "phone",
        "phonenumber", "email", "emailaddress", "uniqueidentifier", "eidsubjectid",
    }
)  # fmt: skip

# Column names that say "one person per row" only together: a noun for the person beside one of
# their attributes. ICE's facility listings have `Name` beside `Address` (the facility's), so that
# one pair is allowed.
_PERSON_NOUNS = frozenset({"detainee", "name", "alien", "noncitizen", "individual", "person"})
_PERSON_ATTRIBUTES = frozenset(
    {
        "address", "gender", "sex", "age", "race", "ethnicity", "nationality", "citizenship",
        "countryofcitizenship", "citizenshipcountry", "countryofbirth", "birthcountry",
        "placeofbirth", "birthplace",
    }
)  # fmt: skip
_ALLOWED_PAIRS = frozenset({("name", "address")})

# Greek and Cyrillic letters that look like Latin ones, and the Latin letter each is read as.
_LOOK_ALIKES = {
    "ΑΒΕΖΗΙΚΜΝΟΡΤΥΧ": "ABEZHIKMNOPTYX",  # Greek capitals
    "αοικνρτυχ": "aoikvptux",  # Greek small letters
    "АВЕКМНОРСТУХІЈЅ": "ABEKMHOPCTYXIJS",  # Cyrillic capitals
    "аеокрстухіјѕ": "aeokpctyxijs",  # Cyrillic small letters
}
_FOLD: dict[int, str | None] = {
    ord(k): v for ks, vs in _LOOK_ALIKES.items() for k, v in zip(ks, vs, strict=True)
}
_FOLD.update(dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63"), "-"))
_FOLD.update(dict.fromkeys(map(ord, "\u00ad\u180e\u200b\u200c\u200d\u2060\ufeff"), None))


def fold(text: str) -> str:
    r"""Text as the screen reads it: NFKC, look-alike letters made Latin, one kind of dash.

    >>> fold("\u0391\uff11\uff12\uff13"), fold("A\u2013123\u200b-456")
    ('A123', 'A-123-456')
    """
    return unicodedata.normalize("NFKC", text).translate(_FOLD)


# An A-number (alien registration number) is "A" followed by 8 or 9 digits, written bare
# (A123456789), after "#", "-" or spaces (A#123456789, A-123456789), or in groups of three, the
# first of two or three digits, split by one kind of separator (A-123-456-789, A 12 345 678). The
# A stands alone (not the end of "FY" or a word) and no digit follows the last group, so "FY2024",
# "Table A-1", "A1" and "a 100,000-bed" are not A-numbers.
_A_NUMBER = re.compile(
    r"(?<![^\W_])A[\s#-]{0,3}(?:\d{8,9}|\d{2,3}(?P<sep>[\s-])\d{3}(?P=sep)\d{3})(?!\d)",
    re.IGNORECASE,
)

_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_DAY = r"\d{1,2}(?:st|nd|rd|th)?"
_DATE = (
    r"(?:\d{4}[-/.]\d{1,2}[-/.]\d{1,2}"  # 1990-04-12, 1990/4/12
    r"|\d{1,2}[-/.]\d{1,2}[-/.]\d{2,4}"  # 04/12/1990, 12.04.90
    rf"|{_MONTH}\s*{_DAY},?\s*\d{{4}}"  # April 12, 1990
    rf"|{_DAY}\s*(?:of\s+)?{_MONTH},?\s*\d{{4}}"  # 12 April 1990, 12th of Apr. 1990
    rf"|{_MONTH},?\s*\d{{4}}"  # April 1990
    r"|\d{1,2}[-/]\d{4}|\d{4}-\d{1,2}(?!\d)"  # 04/1990, 1990-04
    r"|\d{8})"  # 19900412
)
# A date of birth: a label (DOB, D.O.B., date of birth, birth date, birthday, born on) and,
# right after it, a date. The label alone ("the records hold no date of birth") and policy text
# about cohorts ("born on or after February 19, 2025", "born on 2025-02-19 or later") pass.
_DOB = re.compile(
    r"(?<![^\W_])(?:(?:dob|date\s+of\s+birth|birth\s*date|birth\s*day|born\s+on)(?![^\W_])"
    r"|d\.\s?o\.\s?b\.?)[\s:=#,.()-]*(?:(?:is|was|of)\s+)?"
    rf"{_DATE}(?![-/.]?\d)(?!,?\s*(?:or|and)\s+(?:later|after|before|earlier))",
    re.IGNORECASE,
)
# A booking number: the label, then an identifier with at least five digits (a year is not one).
_BOOKING = re.compile(
    r"(?<![^\W_])booking[\s-]*(?:(?:number|num|no|id)(?![^\W_])\.?|#)[\s:=#.]*(?:is\s+)?"
    r"(?P<id>[a-z0-9][a-z0-9-]*)",
    re.IGNORECASE,
)


def person_level_text(text: str) -> str | None:
    """Why free text looks like data about a person (an A-number, a DOB, ...), or None.

    >>> person_level_text("Juan Perez, DOB 1990-04-12")
    'a value holds a date of birth'
    >>> person_level_text("A 100,000-bed expansion in FY2024 (Table A-1, p. 12)") is None
    True
    """
    folded = fold(text)
    if _A_NUMBER.search(folded):
        return "a value looks like an alien registration number (A-number)"
    if _DOB.search(folded):
        return "a value holds a date of birth"
    for m in _BOOKING.finditer(folded):
        if sum(ch.isdigit() for ch in m["id"]) >= 5:
            return "a value holds a booking number"
    return None


def _normalise(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", fold(name).lower())


def _field_forms(name: str) -> Iterator[str]:
    # "Date of Birth (DOB)": the whole name, the name without its brackets, each bracket's text
    yield _normalise(name)
    yield _normalise(re.sub(r"\([^)]*\)|\[[^\]]*\]", "", name))
    for inner in re.findall(r"\(([^)]*)\)|\[([^\]]*)\]", name):
        yield _normalise("".join(inner))


def is_person_level_field(name: str) -> bool:
    """True when a key or column name identifies a person (e.g. ``A-Number``, ``Date of Birth``)."""
    return any(form in PERSON_LEVEL_FIELDS for form in _field_forms(name))


def person_level_row(cells: Sequence[str]) -> tuple[int, str] | None:
    """The first column name of a row that makes it person-level, with the reason, or None.

    A row is person-level when one name identifies a person (``A-Number``), or when a noun for a
    person (``Detainee``, ``Name``) stands beside one of their attributes (``Gender``, ``Age``,
    ``Address``; ``Name`` beside ``Address`` is allowed: facility listings have both).
    """
    for i, cell in enumerate(cells):
        if is_person_level_field(cell):
            return i, f"column {cell!r} identifies a person"
    keys = [_normalise(c) for c in cells]
    for i, noun in enumerate(keys):
        if noun not in _PERSON_NOUNS:
            continue
        for j, attr in enumerate(keys):
            if attr in _PERSON_ATTRIBUTES and (noun, attr) not in _ALLOWED_PAIRS:
                return i, (
                    f"columns {cells[i]!r} and {cells[j]!r} together describe one person per row"
                )
    return None


def _walk(value: Any, path: tuple[str | int, ...]) -> Iterator[tuple[tuple[str | int, ...], str]]:
    if isinstance(value, dict):
        for key, child in value.items():
            if is_person_level_field(str(key)):
                yield (*path, key), f"field {key!r} identifies a person"
            elif (reason := person_level_text(str(key))) is not None:
                yield (*path, key), reason.replace("a value", "a key")
            yield from _walk(child, (*path, key))
    elif isinstance(value, list | tuple):
        for i, child in enumerate(value):
            yield from _walk(child, (*path, i))
    elif isinstance(value, str) and (reason := person_level_text(value)) is not None:
        yield path, reason


def find_person_level(data: Any | Iterable[str]) -> tuple[tuple[str | int, ...], str] | None:
    """Return the first (path, reason) that looks like person-level data, or None.

    Every key and every string anywhere in ``data`` is screened: descriptions, notes, titles and
    sources included.
    """
    return next(_walk(data, ()), None)


def refusal_message(reason: str) -> str:
    """The one-line refusal shown to users."""
    return (
        f"refused: {reason}; deportsim works on aggregate public statistics only and never "
        "reads data about identifiable people"
    )


def screen_document(doc: YamlDoc) -> None:
    """Refuse a YAML document that holds data about a person, naming the file, line and key.

    Its keys and values are screened (:func:`find_person_level`), then every line of its text,
    so that an identifier in a comment (which the parsed data no longer holds) is refused too.
    """
    hit = find_person_level(doc.data)
    if hit is not None:
        raise UserError(refusal_message(hit[1]), doc.loc(hit[0]))
    for number, line in enumerate(doc.text.splitlines(), start=1):
        if (reason := person_level_text(line)) is not None:
            reason = reason.replace("a value", "a line (a comment or a value)")
            raise UserError(refusal_message(reason), Location(doc.file, number))


def screen_data(data: Any, where: Location) -> None:
    """Refuse data read from a file (a claims or sensitivity JSON) that holds data about a person.

    The error names ``where`` and the key path of the value at fault.
    """
    hit = find_person_level(data)
    if hit is not None:
        path = ".".join(str(k) for k in hit[0])
        shown = f"{where.path}: {path}" if where.path and path else (where.path or path or None)
        raise UserError(refusal_message(hit[1]), Location(where.file, where.line, shown))
