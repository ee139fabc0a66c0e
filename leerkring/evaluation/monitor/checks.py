"""The checks: one plain function `check_…(facts, rules) -> Check` per condition, and the
grading rules they share."""

from __future__ import annotations

import math
from fractions import Fraction

from django.utils.formats import date_format

from leerkring.communities.models import Organisation, RuleProfile
from leerkring.surveys.results import percent_half_up

from .catalogue import (
    CHECK_KEYS,
    EXECUTING_TYPES,
    GREEN,
    NO_NORM,
    ORANGE,
    PERIOD_DAYS,
    RED,
    RHYTHM_MIN_DAYS,
    UNKNOWN,
    Check,
    _,
    check_result,
    ngettext,
    number_format,
    translated_texts,
)
from .facts import Facts

# --- Grading -----------------------------------------------------------------------------


def grade_higher(value: Fraction, green, red) -> str:
    """Higher is better: green from `green` up, red below `red`, orange in between. Without a
    red threshold a value below green is orange; without a green one, anything not red is
    green."""
    if green is None and red is None:
        return NO_NORM
    if green is not None and value >= Fraction(green):
        return GREEN
    if red is not None and value < Fraction(red):
        return RED
    return GREEN if green is None else ORANGE


def grade_lower(value: Fraction, orange, red) -> str:
    """Lower is better: red above `red`, orange above `orange`, otherwise green."""
    if orange is None and red is None:
        return NO_NORM
    if red is not None and value > Fraction(red):
        return RED
    if orange is not None and value > Fraction(orange):
        return ORANGE
    return GREEN


def grade_range(value: int, low, high, margin) -> str:
    """Within [low, high] is green; up to `margin` outside it orange; further out red."""
    if low is None and high is None:
        return NO_NORM
    margin = margin or 0
    if low is not None and value < low:
        return ORANGE if value >= low - margin else RED
    if high is not None and value > high:
        return ORANGE if value <= high + margin else RED
    return GREEN


def _percent(value: Fraction) -> str:
    return f"{round(value)}%"


def _share(count: int, total: int) -> Fraction:
    return Fraction(100 * count, total)


def _span(low, high) -> str:
    if low is not None and high is not None:
        return _("%(low)s tot %(high)s") % {"low": low, "high": high}
    if low is not None:
        return _("minstens %(low)s") % {"low": low}
    return _("hoogstens %(high)s") % {"high": high}


def _higher_norm(green, red, unit: str = "%") -> str:
    def show(v):
        return f"{number_format(v)}{unit}"

    if green is not None and red is not None:
        return _("voldoet vanaf %(green)s, voldoet niet onder %(red)s") % {
            "green": show(green),
            "red": show(red),
        }
    if green is not None:
        return _("voldoet vanaf %(green)s") % {"green": show(green)}
    if red is not None:
        return _("voldoet niet onder %(red)s") % {"red": show(red)}
    return ""


# --- The checks --------------------------------------------------------------------------


def check_members(facts: Facts, rules: RuleProfile) -> Check:
    low, high = rules.members_min, rules.members_max
    value = ngettext("%(n)s lid", "%(n)s leden", facts.members) % {"n": facts.members}
    if low is None and high is None:
        return check_result(
            "members",
            NO_NORM,
            value,
            "",
            _("De spelregels stellen geen eis aan het aantal deelnemers."),
        )
    norm = _span(low, high)
    if rules.members_target:
        norm += ", " + _("streven %(n)s") % {"n": rules.members_target}
    status = grade_range(facts.members, low, high, rules.monitor_members_margin)
    if status == GREEN:
        reason = _("De groep heeft een werkbare omvang.")
    elif low is not None and facts.members < low:
        reason = _("De groep is kleiner dan het minimum: bij afwezigheid wordt hij snel te klein.")
    else:
        reason = _("De groep is groter dan het maximum: niet iedereen blijft dan betrokken.")
    return check_result("members", status, value, norm, reason, short=facts.members)


def check_organisations(facts: Facts, rules: RuleProfile) -> Check:
    n = facts.organisations
    value = ngettext("%(n)s organisatie", "%(n)s organisaties", n) % {"n": n}
    low = rules.organisations_min
    if low is None:
        return check_result(
            "organisations",
            NO_NORM,
            value,
            "",
            _("De spelregels stellen geen eis aan het aantal organisaties."),
        )
    status = grade_range(n, low, None, rules.monitor_organisations_margin)
    reason = (
        _("Er zitten genoeg organisaties aan tafel.")
        if status == GREEN
        else _("Er zitten minder organisaties aan tafel dan de spelregels vragen.")
    )
    return check_result("organisations", status, value, _span(low, None), reason, short=n)


def _type_labels() -> dict[str, str]:
    cache = translated_texts.get()
    labels = cache.get("__types__") if cache is not None else None
    if labels is None:
        labels = {value: str(label) for value, label in Organisation.Type.choices}
        if cache is not None:
            cache["__types__"] = labels
    return labels


def check_organisation_mix(facts: Facts, rules: RuleProfile) -> Check:
    labels = _type_labels()
    required = list(rules.required_organisation_types or [])
    wants_mix = rules.mix_municipality_and_executing
    present = facts.organisation_types
    value = ", ".join(sorted(str(labels.get(t, t)) for t in present)) or _("geen")
    norm_parts = []
    if required:
        norm_parts.append(", ".join(str(labels.get(t, t)) for t in required))
    if wants_mix:
        norm_parts.append(_("gemeenten én uitvoerende organisaties"))
    if not norm_parts:
        return check_result(
            "organisation_mix",
            NO_NORM,
            value,
            "",
            _("De spelregels vragen geen bepaalde soorten organisaties."),
        )
    norm = "; ".join(norm_parts)
    missing = [t for t in required if t not in present]
    mixed = Organisation.Type.MUNICIPALITY in present and bool(present & EXECUTING_TYPES)
    if wants_mix and not mixed:
        status = RED
        reason = _("Gemeenten en uitvoerende organisaties zitten niet allebei aan tafel.")
    elif not missing:
        status = GREEN
        reason = _("De gevraagde soorten organisaties zijn vertegenwoordigd.")
    else:
        status = ORANGE if len(missing) == 1 else RED
        reason = _("Nog niet vertegenwoordigd: %(types)s.") % {
            "types": ", ".join(str(labels.get(t, t)) for t in missing)
        }
    short = ngettext("%(n)s soort", "%(n)s soorten", len(present)) % {"n": len(present)}
    return check_result("organisation_mix", status, value, norm, reason, short=short)


def check_guidance(facts: Facts, rules: RuleProfile) -> Check:
    value = ", ".join(
        [
            ngettext("%(n)s communitytrekker", "%(n)s communitytrekkers", facts.leads)
            % {"n": facts.leads},
            ngettext("%(n)s procesbegeleider", "%(n)s procesbegeleiders", facts.facilitators)
            % {"n": facts.facilitators},
        ]
    )
    required = rules.facilitators_required or 1
    norm = ngettext(
        "een communitytrekker en %(n)s procesbegeleider",
        "een communitytrekker en %(n)s procesbegeleiders",
        required,
    ) % {"n": required}
    if rules.lead_facilitator_separate:
        norm += ", " + _("verschillende personen")
    if not facts.leads:
        return check_result("guidance", RED, value, norm, _("Er is geen communitytrekker."))
    if not facts.facilitators:
        return check_result("guidance", RED, value, norm, _("Er is geen procesbegeleider."))
    if rules.lead_facilitator_separate and facts.lead_facilitators:
        return check_result(
            "guidance",
            ORANGE,
            value,
            norm,
            _("Eén persoon is trekker én begeleider, terwijl de spelregels die rollen scheiden."),
        )
    if facts.facilitators < required:
        return check_result(
            "guidance", ORANGE, value, norm, _("Er zijn minder procesbegeleiders dan gevraagd.")
        )
    return check_result(
        "guidance", GREEN, value, norm, _("Trekker en begeleiding zijn op hun plek.")
    )


def check_rhythm(facts: Facts, rules: RuleProfile) -> Check:
    low, high = rules.meetings_per_year_min, rules.meetings_per_year_max
    value = ngettext("%(n)s gehouden bijeenkomst", "%(n)s gehouden bijeenkomsten", facts.held) % {
        "n": facts.held
    }
    if low is None and high is None:
        return check_result(
            "rhythm",
            NO_NORM,
            value,
            "",
            _("De spelregels stellen geen eis aan het aantal bijeenkomsten."),
        )
    norm = _span(low, high) + " " + _("per jaar")
    days = facts.period_days
    if days < RHYTHM_MIN_DAYS:
        return check_result(
            "rhythm",
            UNKNOWN,
            "",
            norm,
            _("De gemeenschap is te kort bezig om het ritme te beoordelen."),
        )
    if days < PERIOD_DAYS:
        # Scaled to the part of the year since the start: lenient on both sides.
        low = math.floor(low * days / PERIOD_DAYS) if low is not None else None
        high = math.ceil(high * days / PERIOD_DAYS) if high is not None else None
        norm += (
            " ("
            + _("%(span)s sinds de start op %(date)s")
            % {
                "span": _span(low, high),
                "date": date_format(facts.start_date, "j F Y"),
            }
            + ")"
        )
    else:
        value += " " + _("in twaalf maanden")
    status = grade_range(facts.held, low, high, rules.monitor_meetings_margin)
    short = facts.held
    if status == GREEN:
        reason = _("De gemeenschap komt in een vast ritme bijeen.")
    elif low is not None and facts.held < low:
        reason = _("Er waren minder bijeenkomsten dan de spelregels vragen.")
    else:
        reason = _("Er waren meer bijeenkomsten dan de spelregels vragen: een hoge belasting.")
    return check_result("rhythm", status, value, norm, reason, short=short)


def check_physical(facts: Facts, rules: RuleProfile) -> Check:
    if not rules.physical_meetings:
        return check_result(
            "physical", NO_NORM, "", "", _("De spelregels vragen niet om fysiek bijeenkomen.")
        )
    norm = _higher_norm(rules.monitor_physical_green, rules.monitor_physical_red)
    if not facts.held:
        return check_result(
            "physical",
            UNKNOWN,
            "",
            norm,
            _("Geen gehouden bijeenkomsten in de afgelopen twaalf maanden."),
        )
    share = _share(facts.physical, facts.held)
    value = _("%(share)s fysiek (%(n)s van %(total)s)") % {
        "share": _percent(share),
        "n": facts.physical,
        "total": facts.held,
    }
    status = grade_higher(share, rules.monitor_physical_green, rules.monitor_physical_red)
    reason = (
        _("De groep komt vooral fysiek bijeen.")
        if status in (GREEN, NO_NORM)
        else _("Veel bijeenkomsten waren online of hybride; dat remt de groepsdynamiek.")
    )
    return check_result("physical", status, value, norm, reason, short=_percent(share))


def check_attendance(facts: Facts, rules: RuleProfile) -> Check:
    norm = _higher_norm(rules.monitor_attendance_green, rules.monitor_attendance_red)
    rates = facts.attendance_rates
    if not rates:
        return check_result(
            "attendance", UNKNOWN, "", norm, _("Er is nog geen aanwezigheid geregistreerd.")
        )
    average = sum(rates, Fraction(0)) / len(rates)
    value = ngettext(
        "gemiddeld %(share)s bij de laatste bijeenkomst",
        "gemiddeld %(share)s bij de laatste %(n)s bijeenkomsten",
        len(rates),
    ) % {"share": _percent(average), "n": len(rates)}
    status = grade_higher(average, rules.monitor_attendance_green, rules.monitor_attendance_red)
    reason = (
        _("De meeste leden zijn er steeds bij.")
        if status in (GREEN, NO_NORM)
        else _("Veel leden ontbreken; benader stille leden persoonlijk.")
    )
    return check_result("attendance", status, value, norm, reason, short=_percent(average))


def check_turnover(facts: Facts, rules: RuleProfile) -> Check:
    orange, red = rules.monitor_turnover_orange, rules.monitor_turnover_red
    norm = ""
    if orange is not None or red is not None:
        parts = []
        if orange is not None:
            parts.append(_("let op boven %(n)s%%") % {"n": orange})
        if red is not None:
            parts.append(_("voldoet niet boven %(n)s%%") % {"n": red})
        norm = ", ".join(parts)
    if not facts.members:
        return check_result("turnover", UNKNOWN, "", norm, _("De gemeenschap heeft geen leden."))
    share = _share(facts.ended, facts.members)
    value = _(
        "%(n)s vertrokken op %(members)s leden (%(share)s), waarvan %(handover)s overgedragen"
    ) % {
        "n": facts.ended,
        "members": facts.members,
        "share": _percent(share),
        "handover": facts.handed_over,
    }
    status = grade_lower(share, orange, red)
    reason = (
        _("De groep is stabiel.")
        if status in (GREEN, NO_NORM)
        else _("Veel wisselingen: steeds opnieuw investeren in kennismaking.")
    )
    return check_result("turnover", status, value, norm, reason, short=_percent(share))


def check_perspective(facts: Facts, rules: RuleProfile) -> Check:
    n = rules.monitor_perspective_meetings
    if not n:
        return check_result("perspective", NO_NORM, "", "", _("De spelregels vragen hier niet om."))
    norm = ngettext(
        "in de laatste gehouden bijeenkomst",
        "in minstens één van de laatste %(n)s gehouden bijeenkomsten",
        n,
    ) % {"n": n}
    recent = facts.perspective
    if not recent:
        return check_result(
            "perspective", UNKNOWN, "", norm, _("Er zijn nog geen bijeenkomsten gehouden.")
        )
    latest, earlier = recent[:n], recent[n : 2 * n]
    value = _("in %(found)s van de laatste %(total)s") % {
        "found": sum(latest),
        "total": len(latest),
    }
    short = f"{sum(latest)}/{len(latest)}"
    if any(latest):
        return check_result(
            "perspective",
            GREEN,
            value,
            norm,
            _("Het perspectief van de inburgeraar kwam onlangs aan bod."),
            short,
        )
    if any(earlier) or len(latest) < n:
        return check_result(
            "perspective",
            ORANGE,
            value,
            norm,
            _("Het perspectief van de inburgeraar kwam de laatste tijd niet aan bod."),
            short,
        )
    return check_result(
        "perspective",
        RED,
        value,
        norm,
        _("Het perspectief van de inburgeraar ontbreekt op de agenda's."),
        short,
    )


def check_lessons(facts: Facts, rules: RuleProfile) -> Check:
    green, red = rules.monitor_lessons_green, rules.monitor_lessons_red
    norm = _higher_norm(green, red, unit="")
    if norm:
        norm += " " + _("per bijeenkomst")
    if not facts.held:
        return check_result(
            "lessons",
            UNKNOWN,
            "",
            norm,
            _("Geen gehouden bijeenkomsten in de afgelopen twaalf maanden."),
        )
    per_meeting = Fraction(facts.lessons, facts.held)
    value = _("%(avg)s per bijeenkomst (%(n)s leerpunten bij %(held)s bijeenkomsten)") % {
        "avg": number_format(round(float(per_meeting), 1), 1),
        "n": facts.lessons,
        "held": facts.held,
    }
    status = grade_higher(per_meeting, green, red)
    reason = (
        _("Lessen worden aan het eind expliciet benoemd.")
        if status in (GREEN, NO_NORM)
        else _("Weinig leerpunten vastgelegd; benoem ze aan het eind van elke bijeenkomst.")
    )
    short = number_format(round(float(per_meeting), 1), 1)
    return check_result("lessons", status, value, norm, reason, short=short)


def check_agreements(facts: Facts, rules: RuleProfile) -> Check:
    norm = _higher_norm(rules.monitor_agreements_green, rules.monitor_agreements_red)
    if not facts.agreements_due:
        return check_result(
            "agreements",
            UNKNOWN,
            "",
            norm,
            _("Er waren geen afspraken met een datum die voorbij is."),
        )
    share = _share(facts.agreements_followed, facts.agreements_due)
    value = _("%(share)s opgevolgd (%(n)s van %(total)s)") % {
        "share": _percent(share),
        "n": facts.agreements_followed,
        "total": facts.agreements_due,
    }
    status = grade_higher(share, rules.monitor_agreements_green, rules.monitor_agreements_red)
    reason = (
        _("Afspraken worden opgevolgd.")
        if status in (GREEN, NO_NORM)
        else _(
            "Veel afspraken staan na hun datum nog open; neem ze mee naar de volgende bijeenkomst."
        )
    )
    return check_result("agreements", status, value, norm, reason, short=_percent(share))


def check_signals(facts: Facts, rules: RuleProfile) -> Check:
    norm = _higher_norm(rules.monitor_signals_green, rules.monitor_signals_red)
    days = rules.signal_feedback_days
    deadline = ngettext("binnen %(n)s dag", "binnen %(n)s dagen", days) % {"n": days}
    norm = f"{deadline}: {norm}" if norm else deadline
    if not facts.signals_due:
        return check_result(
            "signals",
            UNKNOWN,
            "",
            norm,
            _("Geen doorgegeven signalen waarvan de termijn voorbij is."),
        )
    share = _share(facts.signals_in_time, facts.signals_due)
    value = _("%(share)s op tijd (%(n)s van %(total)s)") % {
        "share": _percent(share),
        "n": facts.signals_in_time,
        "total": facts.signals_due,
    }
    status = grade_higher(share, rules.monitor_signals_green, rules.monitor_signals_red)
    reason = (
        _("Signalen krijgen op tijd een antwoord.")
        if status in (GREEN, NO_NORM)
        else _("Veel signalen kregen niet op tijd een antwoord; dat demotiveert.")
    )
    return check_result("signals", status, value, norm, reason, short=_percent(share))


def check_satisfaction(facts: Facts, rules: RuleProfile) -> Check:
    code = rules.monitor_satisfaction_question
    if not code:
        return check_result(
            "satisfaction",
            UNKNOWN,
            "",
            "",
            _("Er is geen enquêtevraag over tevredenheid aangewezen in de spelregels."),
        )
    norm = _higher_norm(rules.monitor_satisfaction_green, rules.monitor_satisfaction_red)
    norm = _("%(norm)s tevreden op vraag %(code)s") % {"norm": norm, "code": code}
    if facts.survey_hidden:
        return check_result(
            "satisfaction",
            UNKNOWN,
            "",
            norm,
            _("Te weinig antwoorden in „%(wave)s” om te tonen.") % {"wave": facts.survey_wave},
        )
    if not facts.survey_answers:
        return check_result(
            "satisfaction", UNKNOWN, "", norm, _("Nog geen antwoorden op deze vraag.")
        )
    share = _share(facts.survey_positive, facts.survey_answers)
    value = _("%(share)s tevreden in „%(wave)s”") % {
        "share": f"{percent_half_up(facts.survey_positive, facts.survey_answers)}%",
        "wave": facts.survey_wave,
    }
    status = grade_higher(share, rules.monitor_satisfaction_green, rules.monitor_satisfaction_red)
    reason = (
        _("De deelnemers zijn tevreden.")
        if status in (GREEN, NO_NORM)
        else _("Een flink deel van de deelnemers is niet tevreden.")
    )
    short = f"{percent_half_up(facts.survey_positive, facts.survey_answers)}%"
    return check_result("satisfaction", status, value, norm, reason, short=short)


CHECK_FUNCTIONS = {
    "members": check_members,
    "organisations": check_organisations,
    "organisation_mix": check_organisation_mix,
    "guidance": check_guidance,
    "rhythm": check_rhythm,
    "physical": check_physical,
    "attendance": check_attendance,
    "turnover": check_turnover,
    "perspective": check_perspective,
    "lessons": check_lessons,
    "agreements": check_agreements,
    "signals": check_signals,
    "satisfaction": check_satisfaction,
}


def run_checks(facts: Facts, rules: RuleProfile) -> list[Check]:
    return [CHECK_FUNCTIONS[key](facts, rules) for key in CHECK_KEYS]
