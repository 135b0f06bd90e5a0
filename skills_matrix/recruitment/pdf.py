"""The results sheet for the recruiting panel (reportlab, A4)."""

import io
from xml.sax.saxutils import escape

from django.utils import timezone
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from skills_matrix.models import Level

from .models import Applicant, Attempt


def results_pdf(*, applicant: Applicant, attempt: Attempt, area_results, council_name: str) -> bytes:
    buf = io.BytesIO()
    doc = SimpleDocTemplate(
        buf, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, topMargin=18 * mm, bottomMargin=18 * mm,
        title=f"ICT test result – {applicant.display_name}", author=council_name,
    )
    styles = getSampleStyleSheet()
    outcome = "PASS" if attempt.passed else "DOES NOT MEET THE BASELINE"
    story = [
        Paragraph(f"{escape(council_name)} – recruitment ICT test result", styles["Title"]),
        Paragraph(f"<b>Applicant:</b> {escape(applicant.display_name)}", styles["Normal"]),
        Paragraph(f"<b>Vacancy:</b> {escape(applicant.vacancy_reference)}", styles["Normal"]),
        Paragraph(f"<b>Test:</b> {escape(attempt.template.name)}"
                  + (f" (role: {escape(str(attempt.template.role_profile or attempt.template.role_name))})"
                     if attempt.template.role_profile_id or attempt.template.role_name else ""), styles["Normal"]),
        Paragraph(f"<b>Taken:</b> {timezone.localtime(attempt.started_at):%d %b %Y %H:%M}; "
                  f"<b>finished:</b> {timezone.localtime(attempt.completed_at):%H:%M} ({attempt.get_state_display()})",
                  styles["Normal"]),
        Spacer(1, 6 * mm),
        Paragraph(f"<b>Overall:</b> {attempt.percent}% ({attempt.correct_count} of {attempt.question_count}) – "
                  f"<b>{outcome}</b>", styles["Heading2"]),
        Spacer(1, 3 * mm),
    ]
    rows = [["Area", "Score", "Pass mark", "Baseline level", "Result"]]
    for r in area_results:
        rows.append([
            Paragraph(escape(r.area.name), styles["Normal"]), f"{r.percent}% ({r.correct_count}/{r.question_count})",
            f"{r.pass_mark_percent}%", Level(r.baseline_level).label, "Met" if r.passed else "Not met",
        ])
    table = Table(rows, colWidths=[60 * mm, 30 * mm, 22 * mm, 40 * mm, 22 * mm], repeatRows=1)
    table.setStyle(TableStyle([
        ("FONTNAME", (0, 0), (-1, 0), "Helvetica-Bold"),
        ("LINEBELOW", (0, 0), (-1, 0), 1, colors.black),
        ("LINEBELOW", (0, 1), (-1, -1), 0.25, colors.grey),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]))
    story += [table, Spacer(1, 6 * mm), Paragraph(
        "Scores are marked against the exact wording of each question the applicant saw. "
        "This sheet contains personal data: keep it with the recruitment file and destroy it with that file.",
        styles["Italic"])]
    doc.build(story)
    return buf.getvalue()
