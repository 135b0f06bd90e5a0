"""A streaming XLSX writer for large exports: sheets of rows of text, numbers and blanks, written as
SpreadsheetML straight into the zip, one short string per cell.

Why not openpyxl: its write-only mode still builds a cell object per value, and the 2,000 × 60
skills matrix (a quarter of a million cells) takes it over a second; XlsxWriter's constant-memory
mode is about as slow. This writes the same workbook several times faster, and only what exports
need: plain values, no styles or formulas. Text is always stored as text (an inline string), never
as a formula, whatever it starts with; callers still pass cells through core.exports.spreadsheet_safe
so the CSV and the XLSX of an export read the same.

Values: str; int and float (a NaN or infinity is written blank); bool; None (a blank cell);
date and datetime as ISO text; anything else as str(value). Excel's limits apply: a sheet name is cut
to 31 characters (and []:*?/\\ replaced), a text cell to 32,767 characters, and characters XML
cannot carry (control characters other than tab, newline and carriage return) are dropped.
"""

import datetime as dt
import io
import math
import re
import zipfile
from collections.abc import Iterable, Sequence
from typing import BinaryIO
from xml.sax.saxutils import escape, quoteattr

MAX_TEXT = 32_767
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")
_FLUSH_ROWS = 200  # rows joined per write into the zip: fewer, larger writes

_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


def _column_letters(n: int) -> str:
    letters = ""
    n += 1
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _text(value: str) -> str:
    if _NOT_XML.search(value):
        value = _NOT_XML.sub("", value)
    if len(value) > MAX_TEXT:
        value = value[:MAX_TEXT]
    text = escape(value)
    if value[:1].isspace() or value[-1:].isspace():
        return f'<is><t xml:space="preserve">{text}</t></is>'
    return f"<is><t>{text}</t></is>"


def _cell(ref: str, value) -> str:
    """One cell; '' for a blank one (blank cells are left out of the row)."""
    if value is None:
        return ""
    kind = type(value)
    if kind is str:
        return f'<c r="{ref}" t="inlineStr">{_text(value)}</c>' if value else ""
    if kind is bool:
        return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
    if kind is int:
        return f'<c r="{ref}"><v>{value}</v></c>'
    if kind is float:
        return f'<c r="{ref}"><v>{value!r}</v></c>' if math.isfinite(value) else ""
    if isinstance(value, bool):
        return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, int | float):
        return _cell(ref, int(value) if isinstance(value, int) else float(value))
    if isinstance(value, dt.date | dt.datetime):
        return _cell(ref, value.isoformat())
    return _cell(ref, str(value))


def _sheet_rows(rows: Iterable[Sequence]) -> Iterable[str]:
    letters: list[str] = []
    for number, row in enumerate(rows, start=1):
        if len(row) > len(letters):
            letters += [_column_letters(i) for i in range(len(letters), len(row))]
        suffix = str(number)
        cells = []
        for i, v in enumerate(row):
            if v is None:
                continue
            if type(v) is int:  # the common case (levels, counts), inline: it is most of the time spent
                cells.append(f'<c r="{letters[i]}{suffix}"><v>{v}</v></c>')
            else:
                cells.append(_cell(letters[i] + suffix, v))
        yield f'<row r="{number}">{"".join(cells)}</row>'


def _sheet_name(name: str, taken: set[str]) -> str:
    base = _BAD_SHEET_CHARS.sub("-", name).strip("'")[:31] or "Sheet"
    candidate, n = base, 1
    while candidate.lower() in taken:
        n += 1
        candidate = f"{base[:31 - len(str(n)) - 1]} {n}"
    taken.add(candidate.lower())
    return candidate


def write_xlsx(out: BinaryIO, sheets: Iterable[tuple[str, Iterable[Sequence]]]) -> None:
    """Write a workbook of `sheets` ([(name, rows), ...], each row a sequence of values) to `out`.
    Rows are consumed as they come, so a generator of rows is never held whole in memory."""
    names: list[str] = []
    taken: set[str] = set()
    # Level 1 deflate: the XML is repetitive enough that it still shrinks about tenfold.
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        for index, (name, rows) in enumerate(sheets, start=1):
            names.append(_sheet_name(name, taken))
            with z.open(f"xl/worksheets/sheet{index}.xml", "w") as f:
                f.write(f'{_HEAD}<worksheet xmlns="{_NS}"><sheetData>'.encode())
                batch: list[str] = []
                for row_xml in _sheet_rows(rows):
                    batch.append(row_xml)
                    if len(batch) >= _FLUSH_ROWS:
                        f.write("".join(batch).encode())
                        batch = []
                f.write(("".join(batch) + "</sheetData></worksheet>").encode())
        n = range(1, len(names) + 1)
        z.writestr("[Content_Types].xml", (
            f'{_HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/styles.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
            + "".join(f'<Override PartName="/xl/worksheets/sheet{i}.xml" '
                      'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
                      for i in n)
            + "</Types>"))
        z.writestr("_rels/.rels", (
            f'{_HEAD}<Relationships xmlns="{_PKG_REL_NS}"><Relationship Id="rId1" '
            f'Type="{_REL_NS}/officeDocument" Target="xl/workbook.xml"/></Relationships>'))
        z.writestr("xl/workbook.xml", (
            f'{_HEAD}<workbook xmlns="{_NS}" xmlns:r="{_REL_NS}"><sheets>'
            + "".join(f'<sheet name={quoteattr(name)} sheetId="{i}" r:id="rId{i}"/>' for i, name in zip(n, names, strict=True))
            + "</sheets></workbook>"))
        z.writestr("xl/_rels/workbook.xml.rels", (
            f'{_HEAD}<Relationships xmlns="{_PKG_REL_NS}">'
            + "".join(f'<Relationship Id="rId{i}" Type="{_REL_NS}/worksheet" Target="worksheets/sheet{i}.xml"/>' for i in n)
            + f'<Relationship Id="rId{len(names) + 1}" Type="{_REL_NS}/styles" Target="styles.xml"/></Relationships>'))
        z.writestr("xl/styles.xml", (
            f'{_HEAD}<styleSheet xmlns="{_NS}">'
            '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
            '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>'
            '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
            '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
            '<cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs>'
            '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
            "</styleSheet>"))


def xlsx_bytes(sheets: Iterable[tuple[str, Iterable[Sequence]]]) -> bytes:
    out = io.BytesIO()
    write_xlsx(out, sheets)
    return out.getvalue()
