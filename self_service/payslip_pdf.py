"""Payslip PDFs (reportlab). Built on request from the stored figures, never kept on disk."""

import io

from django.conf import settings
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas

from .models import Payslip


def _money(value) -> str:
    return f"£{value:,.2f}"


def payslip_pdf(payslip: Payslip) -> bytes:
    """One A4 page. Text is left uncompressed so assistive tools (and our tests) can read it."""
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, pageCompression=0, invariant=1)
    c.setTitle(f"Payslip {payslip.period.name}")
    c.setAuthor(settings.COUNCIL_NAME)
    c.setSubject(f"Payslip for {payslip.employee.display_name}")
    width, height = A4
    y = height - 25 * mm
    c.setFont("Helvetica-Bold", 16)
    c.drawString(20 * mm, y, settings.COUNCIL_NAME)
    y -= 9 * mm
    c.setFont("Helvetica-Bold", 13)
    c.drawString(20 * mm, y, f"Payslip: {payslip.period.name}")
    c.setFont("Helvetica", 10)
    y -= 8 * mm
    emp = payslip.employee
    for label, value in [
        ("Employee", f"{emp.first_name} {emp.last_name}"),
        ("Employee number", emp.employee_number or ""),
        ("Tax code", payslip.tax_code),
        ("Pay date", payslip.period.pay_date.strftime("%-d %B %Y")),
    ]:
        c.drawString(20 * mm, y, f"{label}:")
        c.drawString(60 * mm, y, value)
        y -= 6 * mm
    y -= 4 * mm
    c.setFont("Helvetica-Bold", 11)
    c.drawString(20 * mm, y, "Payments")
    c.drawString(110 * mm, y, "Deductions")
    c.setFont("Helvetica", 10)
    y -= 7 * mm
    c.drawString(20 * mm, y, "Gross pay")
    c.drawRightString(90 * mm, y, _money(payslip.gross_pay))
    rows = [("Income tax", payslip.income_tax), ("National Insurance", payslip.national_insurance),
            ("Pension", payslip.pension), ("Other deductions", payslip.other_deductions)]
    for label, value in rows:
        c.drawString(110 * mm, y, label)
        c.drawRightString(190 * mm, y, _money(value))
        y -= 6 * mm
    c.drawString(110 * mm, y, "Total deductions")
    c.drawRightString(190 * mm, y, _money(payslip.total_deductions))
    y -= 12 * mm
    c.setFont("Helvetica-Bold", 13)
    c.drawString(20 * mm, y, "Net pay")
    c.drawRightString(190 * mm, y, _money(payslip.net_pay))
    c.setFont("Helvetica", 8)
    c.drawString(20 * mm, 15 * mm, "Questions about your pay? Contact Payroll through the staff intranet.")
    c.showPage()
    c.save()
    return buf.getvalue()
