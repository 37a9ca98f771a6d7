"""Calendar invitations (iCalendar, RFC 5545) written with the ``icalendar`` library.

One VEVENT per file, METHOD:REQUEST so that mail programs offer to add it to the calendar;
times in UTC (the ``Z`` form, RFC 5545 §3.3.5), so no VTIMEZONE block is needed. A changed
meeting is sent again with the same UID and a higher SEQUENCE (§3.8.7.4). Pure Python: no Django.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from icalendar import Calendar, Event, vCalAddress, vText

PRODID = "-//Tase//Tase//FI"
CONTENT_TYPE = "text/calendar; charset=utf-8; method=REQUEST"


@dataclass(frozen=True)
class Invitation:
    uid: str  # stable for the meeting: "meeting-12@tase.example"
    starts_at: dt.datetime  # aware
    ends_at: dt.datetime  # aware
    summary: str
    description: str = ""
    location: str = ""
    url: str = ""
    organizer: tuple[str, str] | None = None  # (name, email)
    attendees: tuple[tuple[str, str], ...] = field(default_factory=tuple)  # (name, email)
    sequence: int = 0
    stamp: dt.datetime | None = None  # DTSTAMP; now when not given


def _utc(moment: dt.datetime) -> dt.datetime:
    if moment.tzinfo is None:
        raise ValueError("calendar times must be timezone-aware")
    return moment.astimezone(dt.UTC)


def _address(name: str, email: str, **params) -> vCalAddress:
    address = vCalAddress(f"mailto:{email}")
    if name:
        address.params["CN"] = vText(name)
    for key, value in params.items():
        address.params[key.replace("_", "-").upper()] = vText(value)
    return address


def invitation(inv: Invitation) -> bytes:
    """The .ics file of one meeting invitation (CRLF line ends, folded at 75 octets)."""
    if inv.ends_at <= inv.starts_at:
        raise ValueError("a meeting must end after it starts")
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "REQUEST")
    event = Event()
    event.add("uid", inv.uid)
    event.add("dtstamp", _utc(inv.stamp or dt.datetime.now(dt.UTC)))
    event.add("dtstart", _utc(inv.starts_at))
    event.add("dtend", _utc(inv.ends_at))
    event.add("sequence", inv.sequence)
    event.add("summary", inv.summary)
    if inv.description:
        event.add("description", inv.description)
    if inv.location:
        event.add("location", inv.location)
    if inv.url:
        event.add("url", inv.url)
    if inv.organizer:
        event["organizer"] = _address(*inv.organizer)
    for name, email in inv.attendees:
        event.add(
            "attendee",
            _address(name, email, role="REQ-PARTICIPANT", partstat="NEEDS-ACTION", rsvp="TRUE"),
            encode=0,
        )
    calendar.add_component(event)
    return calendar.to_ical()
