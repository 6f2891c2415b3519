"""A Hypothesis strategy for damaged workbooks: ICE's FY2019 workbook with cells changed in its XML.

An ``.xlsx`` file is a zip of XML parts; each cell is ``<c r="B7" t="..."><v>...</v></c>``. The
strategy picks one to five value cells of the data sheets and gives each an odd value (negative,
huge, not finite, text where a number was, an empty value, a string index that does not exist, a
boolean or error type), or cuts a sheet's XML short, and writes the result as a new workbook.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from hypothesis import strategies as st

from ice_data import FY_FILES, ice_dir

BASE = FY_FILES[0]  # FY19-detentionstats.xlsx, the smallest
_CELL = re.compile(rb'<c r="([A-Z]+\d+)"([^>]*?)>(?:<f>[^<]*</f>)?<v>([^<]*)</v></c>')

#: Numbers and not-numbers where a number was.
ODD_NUMBERS = [
    "-5", "-0.5", "1e308", "1e300", "340000001", "NaN", "INF", "-INF", "", "abc", "1,000",
    "0x10", "1e-320", "99999999999999999999999",
]  # fmt: skip
#: What a damaged cell may hold: (type attribute, value text).
ODD_CELLS = st.one_of(
    st.tuples(
        st.just(""),
        st.sampled_from(ODD_NUMBERS),
    ),
    st.tuples(st.just(' t="s"'), st.sampled_from(["999999", "-1", "x", ""])),
    st.tuples(st.just(' t="b"'), st.sampled_from(["1", "7", "x"])),
    st.tuples(st.just(' t="e"'), st.sampled_from(["#DIV/0!", "#N/A", "#REF!"])),
    st.tuples(st.just(' t="str"'), st.sampled_from(["", "12", "A-123-456-789", "\u00a0"])),
    st.tuples(st.just(""), st.integers(-(10**6), 10**9).map(str)),
    st.tuples(st.just(""), st.floats(allow_nan=True, allow_infinity=True).map(repr)),
)


def _sheets(base: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(base) as z:
        return {n: z.read(n) for n in z.namelist()}


@st.composite
def damaged_workbook(draw: st.DrawFn, folder: Path) -> Path:
    """ICE's FY2019 workbook with some cells damaged, written into ``folder`` (same file name)."""
    parts = _sheets(ice_dir() / BASE)
    sheet_names = sorted(n for n in parts if n.startswith("xl/worksheets/sheet"))
    name = draw(st.sampled_from(sheet_names))
    xml = parts[name]
    if draw(st.integers(0, 9)) == 0:  # one in ten: the sheet cut off
        parts[name] = xml[: draw(st.integers(0, len(xml) - 1))]
    else:
        cells = list(_CELL.finditer(xml))
        picked = sorted(set(draw(st.lists(st.integers(0, len(cells) - 1), min_size=1, max_size=5))))
        pieces, last = [], 0
        for i in picked:
            m = cells[i]
            kind, value = draw(ODD_CELLS)
            attrs = re.sub(rb'\s*t="[^"]*"', b"", m.group(2)) + kind.encode()
            new = b'<c r="' + m.group(1) + b'"' + attrs + b"><v>" + value.encode() + b"</v></c>"
            pieces += [xml[last : m.start()], new]
            last = m.end()
        parts[name] = b"".join([*pieces, xml[last:]])
    path = folder / BASE
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for part, data in parts.items():
            z.writestr(part, data)
    return path
