"""iCalendar invites for sessions (RFC 5545 via the `icalendar` library).

One stable UID per session, so a learner's calendar replaces the event on every update: METHOD
REQUEST with a higher SEQUENCE for an invite or a change, METHOD CANCEL to take it away.
"""

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event, vCalAddress, vText

from .models import Booking, Session

REQUEST = "REQUEST"
CANCEL = "CANCEL"


def session_ics(session: Session, *, method: str = REQUEST, attendee_email: str = "") -> bytes:
    cal = Calendar()
    cal.add("prodid", f"-//{settings.COUNCIL_NAME}//Staff intranet training//EN")
    cal.add("version", "2.0")
    cal.add("method", method)
    event = Event()
    event.add("uid", session.ical_uid)
    event.add("sequence", session.sequence)
    event.add("dtstamp", timezone.now())
    event.add("dtstart", session.starts_at)
    event.add("dtend", session.ends_at)
    event.add("summary", session.course.title)
    location = session.venue or session.online_url
    if location:
        event.add("location", vText(location))
    description = session.course.summary or session.course.title
    if session.online_url:
        description += f"\nJoin online: {session.online_url}"
    event.add("description", description)
    event.add("status", "CANCELLED" if method == CANCEL else "CONFIRMED")
    organizer = vCalAddress(f"mailto:{settings.DEFAULT_FROM_EMAIL}")
    organizer.params["cn"] = vText("Learning and development")
    event["organizer"] = organizer
    if attendee_email:
        attendee = vCalAddress(f"mailto:{attendee_email}")
        attendee.params["role"] = vText("REQ-PARTICIPANT")
        event.add("attendee", attendee, encode=0)
    cal.add_component(event)
    return cal.to_ical()


def booking_ics(booking: Booking, *, method: str = REQUEST) -> bytes:
    return session_ics(booking.session, method=method, attendee_email=booking.employee.email)
