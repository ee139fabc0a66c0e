"""The CoP monitor: each community held against its programme's rule profile and the
conditions the evaluation found to matter (report §5.1–5.2, DESIGN.md §3 "Evaluation").

Every check is a plain function `check_…(facts, rules) -> Check`. The facts of many
communities are gathered at once by `community_facts`, in a fixed number of grouped queries
(one per kind of row, whatever the number of communities), so the programme matrix of 600
communities costs the same number of queries as one community's own monitor.

A check answers with a status, the measured value, the norm, a one-line reason and the source
paragraph. Statuses are told in words, never by colour alone:

- "Voldoet" (green), "Let op" (orange), "Voldoet niet" (red);
- "Onbekend" (grey) when there is no data to judge by (no meetings held yet, no agreement due);
- "Geen eis" (grey) when the programme's rule profile sets no norm for it.

Thresholds live on the rule profile (`RuleProfile.monitor_…`): for "higher is better" checks a
value from the "voldoet" threshold up is green, below the "voldoet niet" threshold red, and in
between orange. Shares are compared exactly (fractions), and shown as whole percentages.

Measurements, all over the twelve months up to today unless said otherwise:

- members and organisations: active memberships today (the same rule as the member list);
- organisation mix: the required organisation types present, and — when the rules ask for it
  — at least one municipality and one executing organisation (`EXECUTING_TYPES`); one missing
  required type is "Let op", more, or no mix, "Voldoet niet";
- lead and facilitator: a lead and enough facilitators among the active members; one person in
  both roles where the rules want them separate is "Let op";
- meeting rhythm: held meetings; for a community that started less than a year ago the yearly
  norm is scaled to the months since its start date;
- physical share: held meetings whose format is physical (hybrid and online are not);
- attendance: the mean attendance rate of the last six held meetings with recorded attendance,
  each rate as on the community timeline (present ÷ members on the meeting day);
- turnover: memberships ended (left or handed over) in the last twelve months ÷ members today;
- the inburgeraar's perspective: an agenda item with a perspective in the last N held meetings
  (green), only in the N before those (orange), in neither (red);
- lessons: lessons of held meetings ÷ held meetings;
- agreements: of the agreements due in the last twelve months, the share done or dropped;
- signals: of the signals passed on in the last twelve months whose feedback deadline
  (`signal_feedback_days`) has passed, the share with an answer to the community within it —
  `last_feedback_at` within the deadline, or any answer event (`SignalEvent` "response", which
  signal and theme answers both write) within it;
- satisfaction: only when the rule profile names a question by its code
  (`monitor_satisfaction_question`). In the community's latest wave with answers to it, the
  share of satisfied answers as `surveys.satisfaction` defines them — the one definition the
  report's survey section uses too (the first two options of a single-choice scale, or "eens"
  and "helemaal eens" over all statements of a matrix). When the survey's small-group
  suppression (`surveys.results.groups_to_hide`) hides the community in that wave, the check is
  "Onbekend": the monitor never shows what the results page may not.

Modules: `catalogue` (statuses, the checks and their sources, `Check`), `facts` (the data
gathered in grouped queries), `checks` (the check functions and grading), `matrix` (running the
checks for many communities, the cached programme matrix), `standings` (the matrix's statuses
and summary kept per data version, refreshed by the task worker). Callers use
`from leerkring.evaluation import monitor`; the names below are the public ones."""

from .catalogue import (
    ATTENDANCE_MEETINGS,
    CHECK_KEYS,
    CHECKS,
    EXECUTING_TYPES,
    GREEN,
    NO_NORM,
    ORANGE,
    PERIOD_DAYS,
    RED,
    RHYTHM_MIN_DAYS,
    SATISFACTION_CACHE_SECONDS,
    STATUS_LABELS,
    STATUS_ORDER,
    STATUS_TEXTS,
    UNKNOWN,
    Check,
)
from .checks import (
    CHECK_FUNCTIONS,
    check_agreements,
    check_attendance,
    check_guidance,
    check_lessons,
    check_members,
    check_organisation_mix,
    check_organisations,
    check_perspective,
    check_physical,
    check_rhythm,
    check_satisfaction,
    check_signals,
    check_turnover,
    grade_higher,
    grade_lower,
    grade_range,
    run_checks,
)
from .facts import Facts, community_facts
from .matrix import (
    PROGRAMME_CACHE_SECONDS,
    PROGRAMME_CACHE_VERSION,
    monitor_communities,
    monitor_communities_cached,
    programme_cache_key,
    programme_data_version,
    status_counts,
)

__all__ = [
    "ATTENDANCE_MEETINGS",
    "CHECKS",
    "CHECK_FUNCTIONS",
    "CHECK_KEYS",
    "Check",
    "EXECUTING_TYPES",
    "Facts",
    "GREEN",
    "NO_NORM",
    "ORANGE",
    "PERIOD_DAYS",
    "PROGRAMME_CACHE_SECONDS",
    "PROGRAMME_CACHE_VERSION",
    "RED",
    "RHYTHM_MIN_DAYS",
    "SATISFACTION_CACHE_SECONDS",
    "STATUS_LABELS",
    "STATUS_ORDER",
    "STATUS_TEXTS",
    "UNKNOWN",
    "check_agreements",
    "check_attendance",
    "check_guidance",
    "check_lessons",
    "check_members",
    "check_organisation_mix",
    "check_organisations",
    "check_perspective",
    "check_physical",
    "check_rhythm",
    "check_satisfaction",
    "check_signals",
    "check_turnover",
    "community_facts",
    "grade_higher",
    "grade_lower",
    "grade_range",
    "monitor_communities",
    "monitor_communities_cached",
    "programme_cache_key",
    "programme_data_version",
    "run_checks",
    "status_counts",
]
