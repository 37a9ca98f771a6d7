"""Postponing the annual holiday for incapacity for work (vuosilomalaki 162/2005 25 §). Imports
no Django.

The section, as amended by 182/2016 (in force 1.4.2016), read as quoted in full by
https://www.hyvinvointiala.fi/tyosuhdetietoa/vuosiloma/vuosiloma-ja-tyokyvyttomyys/ and by
https://www.oulunelintarviketyontekijat.fi/tes-asiat/vuosilomat-2017/ (canonical text
https://finlex.fi/fi/laki/ajantasa/2005/20050162, not itself in the stored sources searched;
the amendment's purpose in HE 145/2015, https://finlex.fi/fi/esitykset/he/2015/20150145):

* **1 mom.**: "Jos työntekijä on vuosilomansa tai sen osan alkaessa synnytyksen, sairauden
  tai tapaturman vuoksi työkyvytön, loma on työntekijän pyynnöstä siirrettävä myöhempään
  ajankohtaan. Työntekijällä on pyynnöstään oikeus loman tai sen osan siirtämiseen myös, jos
  tiedetään, että työntekijä joutuu lomansa aikana sellaiseen sairaanhoitoon tai muuhun siihen
  rinnastettavaan hoitoon, jonka aikana hän on työkyvytön." Ground ``at_start`` (incapacitated
  on the holiday's first day) and ``known_beforehand`` (asked before the holiday began, for an
  incapacity within it): every holiday day of the incapacity within the holiday is postponed,
  no deductible days.
* **2 mom.**: "Jos synnytyksestä, sairaudesta tai tapaturmasta johtuva työkyvyttömyys alkaa
  vuosiloman tai sen osan aikana, työntekijällä on oikeus pyynnöstään saada siirretyksi
  vuosilomaan sisältyvät kuusi lomapäivää ylittävät työkyvyttömyyspäivät. Edellä tarkoitetut
  omavastuupäivät eivät saa vähentää työntekijän oikeutta neljän viikon vuosilomaan." Ground
  ``during``: the first incapacity days of the holiday are deductible days (omavastuupäivät),
  not postponed, at most six (``payroll.holidays.postponement.deductible_days``) for the
  holiday earned in one credit year, summer and winter part together (the six are counted
  "kultakin lomanmääräytymisvuodelta ansaitun lomaoikeuden perusteella",
  https://www.esimiesliitto.com/tyosuhdeinfo/vuosiloma/sairastuminen-vuosilomalla/), and
  never so many that fewer than four weeks, 24 weekdays
  (``payroll.holidays.postponement.guaranteed_days``), are left of the days the year earned:
  one who earned 24 days or fewer has none, 27 days three, the full six from 30
  (https://tyopaikat.oikotie.fi/tyontekijalle/artikkelit/vuosilomalaki-muuttumassa-142016-alkaen).
* **3-4 mom.**: no right when the employee caused the incapacity on purpose or by gross
  negligence; the employee must ask without delay and, when asked, give reliable proof.
  Neither is judged here: the employer records the request it accepted.

The days are holiday days (lomapäivät, 3 § 2 mom., :func:`tase.rules.absences.holiday_days`):
the deductible days are the first such days of the incapacity within the holiday, the
postponed days the rest of them, so ``postponed + deductible = incapacity days``. When the
postponed days are given is 26 § (:mod:`.giving`): the summer holiday in the holiday season,
the winter holiday before the next season begins, if not possible in the following calendar
year's season and by its end at the latest, and what the continuing incapacity kept from
being given then is paid as holiday compensation by 17 §.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from tase.rules.absences import holiday_days, is_holiday_day
from tase.rules.parameters import value_at

P_DEDUCTIBLE = "payroll.holidays.postponement.deductible_days"
P_GUARANTEED = "payroll.holidays.postponement.guaranteed_days"
AT_START, KNOWN_BEFOREHAND, DURING = "at_start", "known_beforehand", "during"
GROUNDS = (AT_START, KNOWN_BEFOREHAND, DURING)
SOURCES = {
    AT_START: "vuosilomalaki 162/2005 25 § 1 mom., 1. virke",
    KNOWN_BEFOREHAND: "vuosilomalaki 162/2005 25 § 1 mom., 2. virke",
    DURING: "vuosilomalaki 162/2005 25 § 2 mom.",
}
ONE_DAY = dt.timedelta(days=1)


class PostponementError(ValueError):
    """A request that cannot be postponed, naming the field at fault; ``message`` is a fixed
    English text with ``{placeholders}`` filled from ``params`` (for translation)."""

    def __init__(self, field: str, message: str, **params):
        self.field, self.message, self.params = field, message, params
        super().__init__(f"{field}: {message.format(**params)}")


@dataclass(frozen=True, slots=True)
class Postponement:
    """What one request postpones of one holiday (or part of one)."""

    ground: str  # one of GROUNDS
    first_day: dt.date  # the first and last day of the incapacity within the holiday
    last_day: dt.date
    incapacity_days: int  # holiday days (3 § 2 mom.) between them
    deductible_days: int  # of those, the first ones, kept as holiday (25 § 2 mom.)
    postponed_days: int  # the rest, given later (26 §)
    postponed_from: dt.date | None  # the first postponed day; they run to ``last_day``

    @property
    def source(self) -> str:
        return SOURCES[self.ground]


def ground(holiday_start: dt.date, incapacity_start: dt.date, requested_on: dt.date) -> str:
    """Which rule of 25 § a request rests on: ``at_start`` when the employee was incapacitated
    on the holiday's first day (1 mom., first sentence), ``known_beforehand`` when the
    incapacity begins within the holiday and the request was made before the holiday began
    (1 mom., second sentence: treatment known of beforehand), else ``during`` (2 mom.)."""
    if incapacity_start <= holiday_start:
        return AT_START
    if requested_on < holiday_start:
        return KNOWN_BEFOREHAND
    return DURING


def _credit_year_key(year_end: dt.date) -> dt.date:
    """The date the parameters are read on: the day after the credit year ends (the
    amendment 182/2016, in force 1.4.2016, applies first to the year ended 31.3.2016)."""
    return year_end + ONE_DAY


def deductible_allowance(earned: int, used: int, year_end: dt.date) -> int:
    """The deductible days still to be used of the holiday earned in the credit year ending
    ``year_end``: at most ``deductible_days`` (six) a credit year, and at most the days
    ``earned`` beyond the ``guaranteed_days`` (24, four weeks; 25 § 2 mom., second sentence),
    less the ``used`` deductible days of the year's earlier postponements; never below
    zero."""
    on = _credit_year_key(year_end)
    most = int(value_at(P_DEDUCTIBLE, on))
    if most <= 0:
        return 0
    beyond_four_weeks = max(earned - int(value_at(P_GUARANTEED, on)), 0)
    return max(min(most, beyond_four_weeks) - max(used, 0), 0)


def _nth_holiday_day(start: dt.date, end: dt.date, count: int) -> dt.date | None:
    """The day after the first ``count`` holiday days from ``start``: the first of the rest,
    or None when the rest (to ``end``) holds no holiday day."""
    day, seen = start, 0
    while day <= end:
        if is_holiday_day(day):
            if seen == count:
                return day
            seen += 1
        day += ONE_DAY
    return None


def postponement(
    holiday_start: dt.date,
    holiday_end: dt.date,
    incapacity_start: dt.date,
    incapacity_end: dt.date,
    requested_on: dt.date,
    *,
    year_end: dt.date,
    earned: int,
    deductible_used: int = 0,
) -> Postponement:
    """The days a request postpones of the holiday ``holiday_start`` - ``holiday_end`` (of the
    credit year ending ``year_end``, which earned ``earned`` days and whose earlier
    postponements used ``deductible_used`` deductible days) for the incapacity
    ``incapacity_start`` - ``incapacity_end``, asked on ``requested_on``: the incapacity's
    holiday days within the holiday; under 25 § 2 mom. (:func:`ground` ``during``) the first
    of them, up to :func:`deductible_allowance`, are deductible days and the rest postponed;
    under 1 mom. all are postponed.

    Refused (:class:`PostponementError` naming ``absence``) when the incapacity does not
    overlap the holiday or its overlap holds no holiday day.

    Example: a holiday 6.7.-31.7.2026 (23 holiday days) of a year that earned 30 days, sick
    13.7.-24.7. and asked on 13.7.: 11 holiday days of incapacity, the first six (13.-18.7.)
    deductible, the five from 20.7. postponed."""
    first, last = max(holiday_start, incapacity_start), min(holiday_end, incapacity_end)
    if first > last:
        raise PostponementError("absence", "The incapacity does not overlap the holiday.")
    days = holiday_days(first, last)
    if days == 0:
        raise PostponementError(
            "absence", "The incapacity holds no holiday day of the holiday to postpone."
        )
    why = ground(holiday_start, incapacity_start, requested_on)
    deductible = 0
    if why == DURING:
        deductible = min(deductible_allowance(earned, deductible_used, year_end), days)
    postponed = days - deductible
    return Postponement(
        ground=why,
        first_day=first,
        last_day=last,
        incapacity_days=days,
        deductible_days=deductible,
        postponed_days=postponed,
        postponed_from=_nth_holiday_day(first, last, deductible) if postponed else None,
    )
