"""The survey's anonymity, tried as an attacker would (docs/privacy.md, "Threat model").

The attacker has read access to the database (a replica, a backup), the web server's request
log, or an evaluator's account, and tries to pair survey responses with the people who sent
them. Every respondent writes a marker into the open question, so the test knows the truth and
can count how many of the attacker's pairs are right. "No one beyond chance" means: no better
than pairing at random within the batches the results were released in.

These tests commit every request (transactional database) so that transaction ids are real;
the transaction-id attacks need PostgreSQL and are skipped on SQLite, where the rest runs.
"""

from __future__ import annotations

import datetime
import hashlib
import http.cookiejar
import logging
import math
import random
import re
import urllib.parse
import urllib.request
from collections import Counter

import pytest
from django.core import mail
from django.core.servers import basehttp
from django.db import connection
from django.test import Client, TestCase, testcases
from django.urls import reverse

from leerkring.surveys import ballots, results, selectors, services
from leerkring.surveys.models import Answer, Invitation, PendingResponse, Question, Response
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)

needs_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="transaction ids (xmin) exist on PostgreSQL only"
)

MARKER = re.compile(r"marker-(\d+)")
# A form's CSRF token is masked anew on every page load; it says nothing about the survey.
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"|"X-CSRFToken": "[^"]+"')


class Network:
    """A programme (threshold 5) with community A of 20 members and B of 7, a wave with a
    single-choice and an open question, and the e-mailed link of every member."""

    def __init__(self):
        self.programme = factories.ProgrammeFactory(name="CoP's Inburgering")
        self.threshold = results.group_threshold(self.programme)
        self.a = factories.CommunityFactory(programme=self.programme, name="CoP Achterhoek")
        self.b = factories.CommunityFactory(programme=self.programme, name="CoP Zeeland")
        for community, size in ((self.a, 20), (self.b, 7)):
            factories.MembershipFactory.create_batch(size, community=community)
        questionnaire = factories.QuestionnaireFactory(programme=self.programme)
        self.choice = factories.QuestionFactory(
            questionnaire=questionnaire, code="V1", kind=Question.Kind.SINGLE, required=True
        )
        self.options = [
            factories.OptionFactory(question=self.choice, label=f"Keuze {i}") for i in range(3)
        ]
        self.open = factories.QuestionFactory(
            questionnaire=questionnaire, code="V2", kind=Question.Kind.OPEN, required=True
        )
        self.wave = factories.WaveFactory(questionnaire=questionnaire, programme=self.programme)
        self.wave.communities.set([self.a, self.b])
        with TestCase.captureOnCommitCallbacks(execute=True):
            services.wave_invitations_send(wave=self.wave, by=None)
        self.links = {}
        for message in mail.outbox:
            match = re.search(r"https?://[^/\s]+(/s/[A-Za-z0-9_-]+/)", message.body)
            if match:
                self.links[message.to[0]] = match.group(1)
        self.invitations = {i.email: i for i in Invitation.objects.filter(wave=self.wave)}

    def data(self, invitation: Invitation, rng: random.Random) -> dict:
        return {
            f"q{self.choice.pk}": str(rng.choice(self.options).pk),
            f"q{self.open.pk}": f"Het hielp mij. marker-{invitation.pk}",
        }

    def answer(self, email: str, rng: random.Random) -> None:
        """One respondent in their own browser: the e-mailed link, then the form."""
        client = Client()
        form = client.get(self.links[email])["Location"]
        response = client.post(form, self.data(self.invitations[email], rng))
        assert response.status_code == 302, response.status_code

    def close(self) -> None:
        ballots.wave_release(wave=self.wave, today=self.wave.closes_on + datetime.timedelta(days=1))

    def truth(self) -> dict[int, int]:
        """Response id -> the invitation that sent it (read from the markers)."""
        return {
            response_id: int(MARKER.search(text).group(1))
            for response_id, text in Answer.objects.filter(question=self.open).values_list(
                "response_id", "text"
            )
        }


@pytest.fixture
def network(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    return Network()


def answer_all(network: Network, emails: list[str], seed: int = 11) -> None:
    rng = random.Random(seed)
    for email in emails:
        network.answer(email, rng)


def chance_bound(batches: int) -> int:
    """Right pairs that pairing at random within `batches` shuffled batches exceeds with a
    probability below one in ten thousand. A random order of a batch puts on average one
    item in its own place, whatever the batch's size, so the right pairs of the whole run
    are about Poisson(batches); the bound is the mean plus three standard deviations plus
    five. (Before batches, every attack here paired all respondents right.)"""
    return int(batches + 3 * math.sqrt(batches) + 5)


def count_right(pairs: list[tuple[int, int]], truth: dict[int, int]) -> int:
    return sum(1 for response_id, invitation_id in pairs if truth.get(response_id) == invitation_id)


def respondents(network: Network, n_a: int, n_b: int) -> list[str]:
    a = [e for e, i in network.invitations.items() if i.community_id == network.a.pk][:n_a]
    b = [e for e, i in network.invitations.items() if i.community_id == network.b.pk][:n_b]
    emails = a + b
    random.Random(5).shuffle(emails)
    return emails


# --- The database ------------------------------------------------------------------------


def _xid_rows(sql: str, params: list) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


@needs_postgres
def test_a_join_on_xmin_pairs_no_response_with_an_invitation(network):
    answer_all(network, respondents(network, 16, 6))
    network.close()
    assert Response.objects.filter(wave=network.wave).count() == 22
    pairs = _xid_rows(
        "SELECT r.id, i.id FROM surveys_response r JOIN surveys_invitation i ON i.xmin = r.xmin "
        "WHERE r.wave_id = %s AND i.wave_id = %s",
        [network.wave.pk, network.wave.pk],
    )
    assert pairs == []
    # Answers share no transaction with an invitation either.
    assert not _xid_rows(
        "SELECT 1 FROM surveys_answer a JOIN surveys_invitation i ON i.xmin = a.xmin "
        "WHERE i.wave_id = %s",
        [network.wave.pk],
    )


@needs_postgres
def test_waiting_answers_share_no_transaction_or_lock_with_an_invitation(network):
    """While answers wait for their batch, their row is the only trace: no invitation row
    was written or locked (xmax) in the transaction that stored them."""
    answer_all(network, respondents(network, 6, 3))
    assert PendingResponse.objects.filter(wave=network.wave).count() == 9
    for column in ("xmin", "xmax"):
        assert not _xid_rows(
            f"SELECT 1 FROM surveys_pendingresponse p JOIN surveys_invitation i "  # noqa: S608
            f"ON i.{column} = p.xmin WHERE p.wave_id = %s AND i.{column}::text <> '0'",
            [network.wave.pk],
        )
    answered = Invitation.objects.filter(wave=network.wave, answered=True).count()
    assert answered == 0, "no invitation says it answered before its batch is released"


@needs_postgres
def test_transaction_id_and_id_order_pair_no_one_beyond_chance(network):
    emails = respondents(network, 20, 7)
    answer_all(network, emails)
    network.close()
    truth = network.truth()
    assert len(truth) == len(emails)
    invitations = _xid_rows(
        "SELECT id, xmin::text::bigint FROM surveys_invitation WHERE wave_id = %s "
        "AND answered ORDER BY xmin::text::bigint, id",
        [network.wave.pk],
    )
    responses = _xid_rows(
        "SELECT id, xmin::text::bigint FROM surveys_response WHERE wave_id = %s "
        "ORDER BY xmin::text::bigint, id",
        [network.wave.pk],
    )
    batches = len({xmin for _id, xmin in responses})
    assert batches >= 3
    by_xmin = [(r[0], i[0]) for r, i in zip(responses, invitations, strict=True)]
    by_id = [
        (r, i)
        for r, i in zip(
            sorted(r for r, _x in responses), sorted(i for i, _x in invitations), strict=True
        )
    ]
    # The strongest order an attacker has: the order in which people actually sent.
    sent_order = [network.invitations[email].pk for email in emails]
    by_sending = list(zip(sorted(r for r, _x in responses), sent_order, strict=True))
    bound = chance_bound(batches)
    for name, pairs in (("xmin", by_xmin), ("id", by_id), ("sending order", by_sending)):
        right = count_right(pairs, truth)
        print(f"{name}: {right} of {len(truth)} right (bound {bound}, {batches} batches)")
        assert right <= bound, name
    # And the join on a response's neighbours in transaction-id order finds no invitation
    # written in the same or the next transaction.
    assert not _xid_rows(
        "SELECT 1 FROM surveys_response r JOIN surveys_invitation i "
        "ON i.xmin::text::bigint BETWEEN r.xmin::text::bigint - 0 AND r.xmin::text::bigint "
        "WHERE r.wave_id = %s AND i.wave_id = %s",
        [network.wave.pk, network.wave.pk],
    )


def test_id_order_pairs_no_one_beyond_chance(network):
    """Without transaction ids (SQLite too): the n-th response id is not the n-th sender."""
    emails = respondents(network, 20, 7)
    answer_all(network, emails)
    network.close()
    truth = network.truth()
    sent_order = [network.invitations[email].pk for email in emails]
    pairs = list(zip(sorted(truth), sent_order, strict=True))
    right = count_right(pairs, truth)
    batches = 5
    assert right <= chance_bound(batches), right


# --- The request log ---------------------------------------------------------------------


class _Lines(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


def _browse(base: str, path: str) -> tuple[urllib.request.OpenerDirector, str]:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    return opener, opener.open(base + path).read().decode()


def _send_form(opener, base: str, html: str, data: dict) -> int:
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": token}).encode()
    request = urllib.request.Request(  # noqa: S310 - the live test server, over http
        base + reverse("surveys:respond_form"),
        data=body,
        headers={"Referer": base + reverse("surveys:respond_form")},
    )
    return opener.open(request).status


def test_the_request_log_cannot_be_paired_with_responses(network, live_server, monkeypatch):
    """The server's own request log, read with a copy of the database from before anyone
    answered (so every e-mailed token still leads to its invitation): each token appears in
    one line only, the form's lines carry none, and pairing the sends in the log with the
    responses in id order is no better than chance."""
    token_owner = {
        hashlib.sha256(link.split("/")[2].encode()).hexdigest(): network.invitations[email].pk
        for email, link in network.links.items()
    }
    # The test server is quiet by default; log every request line as runserver does.
    monkeypatch.setattr(
        testcases.QuietWSGIRequestHandler, "log_message", basehttp.WSGIRequestHandler.log_message
    )
    handler = _Lines()
    server_log = logging.getLogger("django.server")
    server_log.addHandler(handler)
    server_log.setLevel(logging.INFO)
    emails = respondents(network, 18, 6)
    rng = random.Random(3)
    try:
        for email in emails:
            opener, html = _browse(live_server.url, network.links[email])
            invitation = network.invitations[email]
            assert _send_form(opener, live_server.url, html, network.data(invitation, rng)) == 200
    finally:
        server_log.removeHandler(handler)
    network.close()

    request_lines = [line for line in handler.lines if '"' in line]
    tokens_seen = Counter()
    senders_in_log_order = []
    last_owner = None
    for line in request_lines:
        path = line.split('"')[1].split()[1]
        match = re.fullmatch(r"/s/([A-Za-z0-9_-]+)/", path)
        if match and match.group(1) not in ("vragenlijst", "bedankt"):
            tokens_seen[match.group(1)] += 1
            last_owner = token_owner.get(hashlib.sha256(match.group(1).encode()).hexdigest())
        if line.split('"')[1].startswith("POST /s/"):
            assert "/s/vragenlijst/" in line
            senders_in_log_order.append(last_owner)
    assert len(tokens_seen) == len(emails)
    assert set(tokens_seen.values()) == {1}, "a token appears in more than one request line"
    # The attacker knows who sent when; the responses do not say which was whose.
    truth = network.truth()
    pairs = list(zip(sorted(truth), senders_in_log_order, strict=True))
    assert count_right(pairs, truth) <= chance_bound(5)


# --- Two page loads ----------------------------------------------------------------------


def _snapshot(client: Client, network: Network) -> dict:
    """What an evaluator can see of the wave, in an order-free form: the results page (all
    communities and each one offered), the wave's page with its response rates, and the CSV
    export."""
    wave = network.wave
    pages = {
        "wave": client.get(reverse("surveys:wave_detail", args=[wave.pk])),
        "results": client.get(reverse("surveys:results", args=[wave.pk])),
    }
    for community in (network.a, network.b):
        pages[f"results-{community.pk}"] = client.get(
            reverse("surveys:results", args=[wave.pk]), {"community": community.pk}
        )
    csv = b"".join(client.get(reverse("surveys:export_csv", args=[wave.pk])).streaming_content)
    snapshot = {
        name: sorted(CSRF.sub("", page.content.decode()).splitlines())
        for name, page in pages.items()
    }
    snapshot["csv"] = sorted(line.split(",", 1)[-1] for line in csv.decode().splitlines())
    return snapshot


def test_two_snapshots_around_a_single_new_answer_are_identical(network):
    evaluator = factories.ProgrammeRoleFactory(
        programme=network.programme, role="evaluator"
    ).person.user
    client = Client()
    client.force_login(evaluator)
    emails = respondents(network, 20, 7)
    answer_all(network, emails[:14])
    assert Response.objects.filter(wave=network.wave).exists(), "some results are shown"
    rng = random.Random(99)
    for email in emails[14:]:
        before = _snapshot(client, network)
        waiting = PendingResponse.objects.filter(wave=network.wave).count()
        network.answer(email, rng)
        if PendingResponse.objects.filter(wave=network.wave).count() == waiting + 1:
            # Nothing was released: nothing the evaluator sees may have changed.
            after = _snapshot(client, network)
            for name in before:
                assert after[name] == before[name], (name, set(after[name]) ^ set(before[name]))


def test_counts_per_community_do_not_move_by_one(network):
    """Response rates per community, responses per community and the results' number of
    answers move by zero or by at least the threshold — also at closing, except for a
    community whose whole total stays under the threshold (and so stays hidden)."""
    threshold = network.threshold
    emails = respondents(network, 20, 4)

    def counts() -> Counter:
        rates = selectors.wave_response_rates(network.wave)
        found = Counter({f"rate:{row.label}": row.answered for row in rates.rows})
        for community_id, n in results.wave_group_counts(network.wave).items():
            found[f"responses:{community_id}"] = n
        found["total"] = results.wave_results(network.wave).total
        return found

    before = counts()
    moves = []
    rng = random.Random(1)
    for email in emails:
        network.answer(email, rng)
        after = counts()
        moves += [(key, after[key] - before[key]) for key in after | before]
        before = after
    network.close()
    after = counts()
    moves += [(key, after[key] - before[key]) for key in after | before]
    small = {key for key, n in after.items() if 0 < n < threshold}
    assert {key for key, move in moves if move}, "the counts did move"
    for key, move in moves:
        assert move == 0 or move >= threshold or (key in small and move == after[key]), (
            key,
            move,
        )
