"""Certificates of completion as PDF (reportlab), drawn on demand from the completion record."""

import io

from django.conf import settings
from django.utils import timezone
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas

from .models import Completion


def certificate_pdf(completion: Completion) -> bytes:
    buffer = io.BytesIO()
    width, height = landscape(A4)
    pdf = canvas.Canvas(buffer, pagesize=(width, height))
    pdf.setTitle(f"Certificate {completion.certificate_number}: {completion.course.title}")
    pdf.setAuthor(settings.COUNCIL_NAME)
    pdf.setLineWidth(3)
    pdf.rect(15 * mm, 15 * mm, width - 30 * mm, height - 30 * mm)
    pdf.setFont("Helvetica-Bold", 30)
    pdf.drawCentredString(width / 2, height - 55 * mm, "Certificate of completion")
    pdf.setFont("Helvetica", 16)
    pdf.drawCentredString(width / 2, height - 80 * mm, "This is to certify that")
    pdf.setFont("Helvetica-Bold", 24)
    pdf.drawCentredString(width / 2, height - 97 * mm, completion.employee.display_name)
    pdf.setFont("Helvetica", 16)
    pdf.drawCentredString(width / 2, height - 114 * mm, "has completed")
    pdf.setFont("Helvetica-Bold", 20)
    pdf.drawCentredString(width / 2, height - 130 * mm, completion.course.title)
    pdf.setFont("Helvetica", 13)
    when = timezone.localtime(completion.completed_at)
    line = f"on {when:%d %B %Y}"
    if completion.score_scaled is not None:
        line += f" with a score of {round(completion.score_scaled * 100)}%"
    pdf.drawCentredString(width / 2, height - 145 * mm, line)
    pdf.setFont("Helvetica", 10)
    pdf.drawString(25 * mm, 25 * mm, f"{settings.COUNCIL_NAME} – Learning and development")
    pdf.drawRightString(width - 25 * mm, 25 * mm, f"Certificate number {completion.certificate_number}")
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
