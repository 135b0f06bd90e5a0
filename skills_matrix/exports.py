"""Gap matrix exports: CSV and XLSX of every row, and a PDF summary for a department."""

import csv
import io

from core.exports import spreadsheet_safe
from core.xlsx import xlsx_bytes

from .matrix import Matrix


def _header(matrix: Matrix) -> list[str]:
    head = ["Name", "Job title", "Team", "Role profile", "Work style", "Skills below requirement", "Total levels short"]
    for c in matrix.columns:
        head += [f"{c.name} – current", f"{c.name} – required"]
    return head


def _rows(matrix: Matrix):
    keys = [(str(c.skill_id), c.skill_id) for c in matrix.columns]
    for r in matrix.rows:
        out = [r.name, r.job_title, r.unit_name, r.profile_name, r.work_style, r.gaps, r.total_shortfall]
        levels, required = r.levels, r.required
        for key, skill_id in keys:
            out += [levels.get(key), required.get(skill_id)]  # None: blank cell
        yield out


def matrix_csv(matrix: Matrix) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(_header(matrix))
    writer.writerows([spreadsheet_safe(v) for v in row] for row in _rows(matrix))
    return buf.getvalue()


def matrix_xlsx(matrix: Matrix) -> bytes:
    """The CSV's rows on a first sheet, skills ranked by shortfall on a second. Written by
    core.xlsx's streaming writer: openpyxl took over a second for 2,000 people × 60 skills."""
    def people():
        yield _header(matrix)
        for row in _rows(matrix):
            yield [spreadsheet_safe(v) for v in row]

    def ranked():
        yield ["Skill", "Area", "People required", "People below", "Total levels short"]
        for t in matrix.ranked_skills:
            yield [spreadsheet_safe(t.column.name), spreadsheet_safe(t.column.area_name), t.people_required,
                   t.people_short, t.total_shortfall]

    return xlsx_bytes([("Gap matrix", people()), ("Skills by shortfall", ranked())])


def matrix_pdf(matrix: Matrix, *, title: str, council: str) -> bytes:
    """A department summary on A4 landscape: headline figures, skills ranked by shortfall, and each
    person's totals (a full people × skills grid does not fit on paper; the XLSX has it)."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    styles = getSampleStyleSheet()
    out = io.BytesIO()
    doc = SimpleDocTemplate(out, pagesize=landscape(A4), title=title, author=council,
                            leftMargin=12 * mm, rightMargin=12 * mm, topMargin=12 * mm, bottomMargin=12 * mm)
    grid = TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#f3f2f1")),
        ("FONTNAME", (0, 0), (-1, 0), "Helvetica-Bold"),
        ("FONTSIZE", (0, 0), (-1, -1), 8),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ])
    story = [
        Paragraph(title, styles["Title"]),
        Paragraph(
            f"{len(matrix.rows)} people; {matrix.people_with_gaps} below requirement in at least one skill; "
            f"{len(matrix.columns)} skills measured.", styles["Normal"]),
        Spacer(1, 6 * mm),
        Paragraph("Skills ranked by how many people fall short", styles["Heading2"]),
    ]
    ranked = [["Skill", "Area", "People required", "People below", "Total levels short"]]
    ranked += [[t.column.name, t.column.area_name, t.people_required, t.people_short, t.total_shortfall] for t in matrix.ranked_skills]
    if len(ranked) == 1:
        ranked.append(["Everyone meets every requirement", "", "", "", ""])
    story += [Table(ranked, repeatRows=1, style=grid), Spacer(1, 6 * mm), Paragraph("People", styles["Heading2"])]
    people = [["Name", "Job title", "Team", "Role profile", "Skills below", "Levels short"]]
    people += [[r.name, r.job_title, r.unit_name, r.profile_name, r.gaps, r.total_shortfall]
               for r in sorted(matrix.rows, key=lambda r: (-r.total_shortfall, r.name))]
    story.append(Table(people, repeatRows=1, style=grid))
    doc.build(story)
    return out.getvalue()
