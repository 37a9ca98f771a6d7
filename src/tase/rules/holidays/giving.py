"""Giving the holiday: when days that could not be given are compensated in money (26 §), and
the free time of an employee who earned no holiday (8 § 1 mom.). Imports no Django.

**Holiday postponed by incapacity** (vuosilomalaki 162/2005 25-26 §). 25 § 1 mom.: "Jos
työntekijä on vuosilomansa tai sen osan alkaessa synnytyksen, sairauden tai tapaturman vuoksi
työkyvytön, loma on työntekijän pyynnöstä siirrettävä myöhempään ajankohtaan." 26 § 1 mom.:
"Edellä 25 §:ssä säädetyllä perusteella siirretty kesäloma on annettava lomakaudella ja
talviloma ennen seuraavan lomakauden alkua. Jos loman antaminen tällä tavalla ei ole
mahdollista, loma on annettava lomakautta seuraavan kalenterivuoden lomakauden aikana,
viimeistään kuitenkin kyseisen kalenterivuoden päättymiseen mennessä. Jos loman antaminen ei
työkyvyttömyyden jatkumisen vuoksi ole edellä tarkoitetuin tavoinkaan mahdollista, saamatta
jäänyt loma korvataan 17 §:ssä tarkoitetulla lomakorvauksella." Read in TEM's guide quoting
the Act, https://www.vuosilomaopas.fi/fi/vuosiloman-antaminen/tyokyvyttomyyden-vuoksi-siirretyn-vuosiloman-ajankohta.html
and (25 §) https://www.hyvinvointiala.fi/tyosuhdetietoa/vuosiloma/vuosiloma-ja-tyokyvyttomyys/
(https://finlex.fi/fi/laki/ajantasa/2005/20050162). So the days of the credit year ending 31
March of year Y are given at the latest by 31 December of Y + 1 (the calendar year following
the holiday season 2.5.-30.9. of Y, 4 § 2 kohta); those the continuing incapacity kept from
being given by then are paid as holiday compensation by 17 § while the employment goes on.

Family leave is not such a ground: 24 § 2 mom. lets the holiday that the pregnancy or
parental leave kept from being given be given within six months of the leave's end, and
Taloushallintoliitto's adviser (https://tilisanomat.fi/asiantuntija-vastaa/kysy-palkoista/vanhempainvapaat-ja-vuosiloma)
answers that family leave is no ground in law for paying the days not held as compensation.

**Free time** (8 § 1 mom.): "Työntekijällä, joka sopimuksen mukaan tekee kaikkina
kalenterikuukausina työtä alle 14 päivää tai 35 tuntia, on työsuhteen kestäessä oikeus
halutessaan saada vapaata kaksi arkipäivää kultakin kalenterikuukaudelta ..."; 19 § 1 mom.:
"Työntekijälle, joka käyttää oikeuttaan 8 §:n 1 momentissa tarkoitettuun vapaaseen, 16 §:ssä
säädetty lomakorvaus maksetaan vapaan yhteydessä siten kuin 15 §:ssä säädetään. Muutoin
lomakorvaus maksetaan viimeistään lomakauden päättyessä." Read in TEM's guide,
https://www.vuosilomaopas.fi/fi/lomakorvaus-2/lomakorvauksen-maksaminen.html and
http://www.vuosilomaopas.fi/fi/lomakorvaus-2.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from tase.rules.absences import FIVE_DAY_WEEK, Absence, holiday_days, incapacities
from tase.rules.parameters import value_at

P_FREE_TIME_DAYS = "payroll.holidays.earning.free_time_days_per_month"
ONE_DAY = dt.timedelta(days=1)


def giving_deadline(year_end: dt.date) -> dt.date:
    """The last day by which the holiday of the credit year ending ``year_end`` (31 March of
    Y), postponed by incapacity, must be given: 31 December of Y + 1, the end of the calendar
    year following the holiday season (26 § 1 mom.)."""
    return dt.date(year_end.year + 1, 12, 31)


def days_not_given(unused: int, incapacity_end: dt.date | None, deadline: dt.date) -> int:
    """Of ``unused`` holiday days of a credit year still not given at its ``deadline``
    (:func:`giving_deadline`), those the continuing incapacity kept from being given (26 § 1
    mom., third sentence): all of them when the incapacity (``incapacity_end``, its last day)
    goes on to the deadline; when it ended before, those that did not fit into the holiday
    days (3 § 2 mom., :func:`tase.rules.absences.holiday_days`) between its end and the
    deadline - the rest could have been given and are not compensated under 26 §. Without an
    incapacity in the year of the deadline, none.

    Example: 24 days of the year ending 31.3.2025 left at 31.12.2026, sick from 1.9.2026 to
    17.12.2026: 18.-31.12.2026 hold 9 holiday days (Christmas Eve, Christmas and Boxing Day
    not counted), so 24 - 9 = 15 days are compensated."""
    if unused <= 0 or incapacity_end is None:
        return 0
    if incapacity_end >= deadline:
        return unused
    if incapacity_end < dt.date(deadline.year, 1, 1):
        return 0
    return max(unused - holiday_days(incapacity_end + ONE_DAY, deadline), 0)


def incapacity_end(sick_leaves, deadline: dt.date, schedule: str = FIVE_DAY_WEEK) -> dt.date | None:
    """The last day of the latest incapacity that began by ``deadline``: ``sick_leaves``
    ((first day, last day) pairs) without a working day of ``schedule`` between them are one
    incapacity (:func:`tase.rules.absences.incapacities`); None without one."""
    absences = [Absence("sick", start, end) for start, end in sick_leaves]
    ends: dict = {}
    for absence, first in incapacities(absences, schedule).items():
        if absence.start <= deadline:
            ends[first] = max(ends.get(first, absence.end), absence.end)
    return max(ends.values(), default=None)


def days_not_given_by_sick_leave(
    unused: int, sick_leaves, year_end: dt.date, schedule: str = FIVE_DAY_WEEK
) -> int:
    """:func:`days_not_given` of the credit year ending ``year_end`` from the employee's
    ``sick_leaves`` ((first day, last day) pairs): the incapacity is the latest chain of sick
    leaves that began by the year's deadline (:func:`incapacity_end`), as the recorded
    holidays' 26 § compensation finds it. ``unused``: the year's days still not given (earned
    less those taken, planned or saved) at the deadline."""
    deadline = giving_deadline(year_end)
    return days_not_given(unused, incapacity_end(sick_leaves, deadline, schedule), deadline)


def free_time_days(months: int, on: dt.date) -> int:
    """The free time (weekdays) of a credit year of 8 § 1 mom.: two weekdays for each calendar
    month of the employment within it (``payroll.holidays.earning.free_time_days_per_month``)."""
    return int(value_at(P_FREE_TIME_DAYS, on)) * max(months, 0)


def free_time_share(owed: Decimal, days: int, days_left: int) -> Decimal:
    """The 16 § compensation paid with ``days`` of free time (19 § 1 mom.: with the free
    time) when ``days_left`` days of the year's recorded free time are not yet paid (these
    included) and ``owed`` is still owed: ``owed x days / days_left``, rounded to the cent,
    half up, so the last free time pays what is left."""
    if days <= 0 or days_left <= 0 or owed <= 0:
        return Decimal("0.00")
    if days >= days_left:
        return owed
    share = owed * days / days_left
    return share.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
