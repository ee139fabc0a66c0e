"""Reports over a period at the three outcome levels of the evaluation (report §2.1, §4.1).

A report is plain data (dataclasses), built once and shown by the web page, the PDF and the
XLSX alike, so the three never disagree:

- **output** — what the communities did: meetings held, attendance, work forms, topics by
  category, products, signals passed on and answered;
- **outcome** — what participants report: the survey's yields, satisfaction and sharing
  questions (matched by code), with the survey's own small-group suppression, and the
  selected most-significant-change stories;
- **impact** — what reached beyond the room: signals escalated to the system level and
  resolved or answered there, products used beyond the community;
- and the monitor's summary as it stands today (`evaluation.monitor`).

What a report counts, precisely (all dates in Europe/Amsterdam, both ends of the period
included):

- meetings: status "held", begun within the period; the attendance rate of a meeting is its
  present members ÷ members on the meeting day (the monitor's and the timeline's rule), and a
  report gives the mean over meetings with recorded attendance;
- work forms and topics: agenda items of those meetings, the look-back item left out;
- products: products of the community (or programme) made within the period, by their
  current status and kind;
- signals: passed on within the period; "answered" when a response (terugkoppeling) reached
  the community — on the signal itself or on its theme (`last_feedback_at`);
- survey: the programme's waves that were open during (part of) the period. A community report
  shows the community's own results only when the survey's suppression
  (`surveys.results.groups_to_hide`) lets the community be shown in that wave; otherwise a
  notice, never the numbers;
- stories: selected stories (`selected=True`) told within the period; no teller is named;
- system level: signals with an escalation to the system level that were resolved, or got an
  answer from the system level, within the period;
- products used beyond the community: dissemination records marked `beyond_community`, shared
  within the period.

No report names a person: observations are not part of it, and stories carry no names.

Building a programme report reads every community of the programme in a fixed number of
queries. At national scale that takes seconds, so pages show the report the task worker
stored (`report_stored`) for the subject, the period and the language, and queue a new
computation when the data version (the newest audit event, signal event, signal answer,
survey response, dissemination and story) or the day changed since.

Modules: `data` (the period and the dataclasses a report holds), `output`, `outcome` and
`impact` (the three levels), `compose` (a whole community or programme report), `store`.
Rendering is elsewhere: `report_pdf` and `report_xlsx`, and the web page's templates. Callers use
`from leerkring.evaluation import reports`; the names below are the public ones."""

from .compose import community_report, programme_report
from .data import (
    LIST_LIMIT,
    SHARING_CODE,
    STORY_EXCERPT_CHARS,
    YIELDS_CODE,
    CommunityRow,
    Impact,
    MonitorLine,
    Outcome,
    Output,
    Period,
    ProductUse,
    Report,
    Row,
    Story,
    SurveyQuestion,
    SurveyWave,
    SystemSignal,
    calendar_year,
    last_twelve_months,
)
from .store import (
    StoredView,
    community_lines,
    community_rows,
    current_version,
    data_version,
    report_for_download,
    report_forget,
    report_store,
    report_stored,
)

__all__ = [
    "CommunityRow",
    "Impact",
    "LIST_LIMIT",
    "MonitorLine",
    "Outcome",
    "Output",
    "Period",
    "ProductUse",
    "Report",
    "Row",
    "SHARING_CODE",
    "STORY_EXCERPT_CHARS",
    "Story",
    "SurveyQuestion",
    "SurveyWave",
    "StoredView",
    "SystemSignal",
    "YIELDS_CODE",
    "calendar_year",
    "community_lines",
    "community_report",
    "community_rows",
    "current_version",
    "data_version",
    "last_twelve_months",
    "programme_report",
    "report_for_download",
    "report_forget",
    "report_store",
    "report_stored",
]
