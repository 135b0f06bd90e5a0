"""core.xlsx, the streaming XLSX writer for large exports: what goes in is what a spreadsheet
reads back (openpyxl stands in for Excel), text is never a formula, and XML-breaking input is safe."""

import datetime as dt
import io
import math
import zipfile

from openpyxl import load_workbook

from core.xlsx import MAX_TEXT, xlsx_bytes


def _read(content):
    wb = load_workbook(io.BytesIO(content))
    return {ws.title: [list(r) for r in ws.iter_rows(values_only=True)] for ws in wb.worksheets}


def test_values_come_back_as_written():
    rows = [["Name", "Level", "Share", "Met", None, "Last"],
            ["Siân O'Brien & Zoë <team>", 3, 2.5, True, None, "x"],
            ["  padded  ", 0, -1.25, False, None, None]]
    sheets = _read(xlsx_bytes([("Gap matrix", rows), ("Second", [["only"]])]))
    assert list(sheets) == ["Gap matrix", "Second"]
    got = sheets["Gap matrix"]
    assert got[0] == rows[0] and got[1] == rows[1]
    assert got[2][:4] == ["  padded  ", 0, -1.25, False]
    assert sheets["Second"] == [["only"]]


def test_text_is_never_a_formula():
    sheets = _read(xlsx_bytes([("S", [["=HYPERLINK(\"http://x\")", "+1", "@SUM(A1)"]])]))
    assert sheets["S"] == [["=HYPERLINK(\"http://x\")", "+1", "@SUM(A1)"]]
    wb = load_workbook(io.BytesIO(xlsx_bytes([("S", [["=1+1"]])])))
    assert wb.worksheets[0]["A1"].data_type == "s"


def test_input_that_would_break_the_xml_is_made_safe():
    evil = "bell\x07 and ]]> </t></is></c> \x00"
    sheets = _read(xlsx_bytes([("a/b:c*d?[e]" + "x" * 40, [[evil, "y" * (MAX_TEXT + 10), math.nan, math.inf, "end"]])]))
    (name, rows), = sheets.items()
    assert len(name) == 31 and not set(name) & set("[]:*?/\\")
    assert rows[0][0] == "bell and ]]> </t></is></c> "
    assert len(rows[0][1]) == MAX_TEXT
    assert rows[0][2:] == [None, None, "end"]  # NaN and infinity have no spreadsheet value: blank


def test_dates_and_other_values_are_written_as_text_and_sheet_names_stay_unique():
    sheets = _read(xlsx_bytes([("Same", [[dt.date(2027, 3, 1), dt.datetime(2027, 3, 1, 9, 30)]]), ("same", [[1]])]))
    assert list(sheets) == ["Same", "same 2"]
    assert sheets["Same"] == [["2027-03-01", "2027-03-01T09:30:00"]]


def test_rows_are_consumed_as_they_come_and_the_package_is_complete():
    seen = []

    def rows():
        for i in range(1000):
            seen.append(i)
            yield [i, f"row {i}"]

    content = xlsx_bytes([("Big", rows())])
    names = set(zipfile.ZipFile(io.BytesIO(content)).namelist())
    assert {"[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/_rels/workbook.xml.rels",
            "xl/styles.xml", "xl/worksheets/sheet1.xml"} <= names
    got = _read(content)["Big"]
    assert len(got) == 1000 and got[999] == [999, "row 999"] and len(seen) == 1000
