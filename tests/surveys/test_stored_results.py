"""Stored results (surveys/stored_results.py): computed once per released batch and
read by the results page without counting the responses. After every release the stored
results are the results computed afresh from the same data; between releases they do not
change, whatever waits."""

from __future__ import annotations

import dataclasses
import datetime
import hashlib

import pytest
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from leerkring.communities.models import Community
from leerkring.surveys import ballots, results, stored_results, tasks
from leerkring.surveys.models import Invitation, Question, StoredResults, Wave
from tests import factories

BLANK = {"option_id": None, "statement_id": None, "community_id": None, "scale_value": None,
         "text": ""}  # fmt: skip


@pytest.fixture
def setup(world):
    """A wave with a single-choice, a matrix, a "which community" and an open question."""
    questionnaire = factories.QuestionnaireFactory(programme=world.programme)
    single = factories.QuestionFactory(questionnaire=questionnaire, code="V1", position=1)
    options = [
        factories.OptionFactory(question=single, position=i, code=str(i + 1)) for i in range(3)
    ]
    matrix = factories.QuestionFactory(
        questionnaire=questionnaire, code="V2", position=2, kind=Question.Kind.MATRIX
    )
    statement = factories.StatementFactory(question=matrix)
    which = factories.QuestionFactory(
        questionnaire=questionnaire, code="V3", position=3, kind=Question.Kind.COMMUNITY
    )
    text = factories.QuestionFactory(
        questionnaire=questionnaire, code="V4", position=4, kind=Question.Kind.OPEN
    )
    wave = factories.WaveFactory(questionnaire=questionnaire, programme=world.programme)
    questions = {"single": single, "matrix": matrix, "which": which, "text": text}
    return wave, questions, options, statement


def _invite(wave, community, n, start):
    return [
        Invitation.objects.create(
            wave=wave,
            email=f"p{start + i}-{community.pk if community else 'x'}@example.org",
            community=community,
            token_hash=hashlib.sha256(f"{wave.pk}-{community}-{start + i}".encode()).hexdigest(),
            sent_at=timezone.now(),
        )
        for i in range(n)
    ]


def _send(setup, invitation, i):
    wave, questions, options, statement = setup
    ballots.pending_store(
        wave=wave,
        invitation=invitation,
        community_id=invitation.community_id,
        answers=[
            {**BLANK, **answer}
            for answer in (
                {"question_id": questions["single"].pk, "option_id": options[i % 3].pk},
                {
                    "question_id": questions["matrix"].pk,
                    "statement_id": statement.pk,
                    "scale_value": 1 + i % 5,
                },
                {"question_id": questions["which"].pk, "community_id": invitation.community_id},
                {"question_id": questions["text"].pk, "text": f"Antwoord {i}"},
            )
        ],
    )


def _comparable(outcome: results.WaveResults) -> dict:
    """The results as data, with open answers as sets: they are shuffled at each computation."""
    data = dataclasses.asdict(outcome)
    for question in data["questions"]:
        question["texts"] = sorted(question["texts"])
        question["other_texts"] = sorted(question["other_texts"])
    return data


def _reader_wave(wave) -> Wave:
    """The wave as a page loads it: a fresh row, so its `results_version` is the stored one."""
    return Wave.objects.select_related("programme__rule_profile").get(pk=wave.pk)


def _release(wave, *, closed=False) -> int:
    """A release as it runs in a request or the daily task: the task it queues (the immediate
    backend in tests) stores the results after the commit."""
    today = wave.closes_on + datetime.timedelta(days=1) if closed else None
    with TestCase.captureOnCommitCallbacks(execute=True):
        released = ballots.wave_release(wave=wave, today=today)
    return released


def test_after_every_release_the_stored_results_are_those_computed_afresh(setup, world):
    wave = setup[0]
    threshold = results.group_threshold(world.programme)
    sent = 0
    versions = []
    for community, n in ((world.community, 2 * threshold), (world.sibling, 3 * threshold)):
        for invitation in _invite(wave, community, n, sent):
            _send(setup, invitation, sent)
            sent += 1
            if _release(wave):
                reader = _reader_wave(wave)
                versions.append(reader.results_version)
                stored = StoredResults.objects.get(wave=wave, community=None)
                assert stored.version == reader.results_version, "stored by the release's task"
                read = stored_results.wave_results_stored(reader)
                assert _comparable(read) == _comparable(results.wave_results(reader))
    _release(wave, closed=True)
    reader = _reader_wave(wave)
    versions.append(reader.results_version)
    assert versions == list(range(1, len(versions) + 1)), "one version per batch"
    assert len(versions) >= 3
    read = stored_results.wave_results_stored(reader)
    assert read.total == sent
    assert _comparable(read) == _comparable(results.wave_results(reader))
    for community in (world.community, world.sibling):
        by_community = stored_results.wave_results_stored(reader, community_id=community.pk)
        assert _comparable(by_community) == _comparable(
            results.wave_results(reader, community_id=community.pk)
        )


def test_the_stored_results_change_only_with_a_released_batch(setup, world):
    wave = setup[0]
    threshold = results.group_threshold(world.programme)
    invitations = _invite(wave, world.community, 3 * threshold - 1, 0)
    for i, invitation in enumerate(invitations[: 2 * threshold]):
        _send(setup, invitation, i)
    assert _release(wave) == threshold
    before = _comparable(stored_results.wave_results_stored(_reader_wave(wave)))
    for i, invitation in enumerate(invitations[2 * threshold :], start=2 * threshold):
        _send(setup, invitation, i)
        assert _release(wave) == 0  # fewer than twice the threshold wait: no batch
        assert _comparable(stored_results.wave_results_stored(_reader_wave(wave))) == before
    assert _release(wave, closed=True) == 2 * threshold - 1
    assert stored_results.wave_results_stored(_reader_wave(wave)).total == 3 * threshold - 1


def test_reading_stored_results_counts_no_response(setup, world, django_assert_num_queries):
    wave = setup[0]
    threshold = results.group_threshold(world.programme)
    for i, invitation in enumerate(_invite(wave, world.community, 2 * threshold, 0)):
        _send(setup, invitation, i)
    _release(wave)
    reader = _reader_wave(wave)
    with CaptureQueriesContext(connection) as captured:
        outcome = stored_results.wave_results_stored(reader)
    assert outcome.total == threshold
    assert len(captured) == 1
    assert "surveys_response" not in captured[0]["sql"]
    assert "surveys_answer" not in captured[0]["sql"]


def test_a_missing_or_older_version_is_computed_by_the_first_reader(setup, world):
    wave = setup[0]
    threshold = results.group_threshold(world.programme)
    for i, invitation in enumerate(_invite(wave, world.community, 2 * threshold, 0)):
        _send(setup, invitation, i)
    ballots.wave_release(wave=wave)  # no worker: the task never runs
    assert not StoredResults.objects.exists()
    reader = _reader_wave(wave)
    assert stored_results.wave_results_stored(reader).total == threshold
    assert StoredResults.objects.get().version == reader.results_version == 1
    # The task finds them there and computes nothing.
    with CaptureQueriesContext(connection) as captured:
        assert tasks.wave_results_store.call(wave_id=wave.pk) == 1
    assert not any("surveys_answer" in q["sql"] for q in captured)


def test_only_the_newest_version_is_kept(setup, world):
    wave = setup[0]
    threshold = results.group_threshold(world.programme)
    invitations = _invite(wave, world.community, 4 * threshold, 0)
    for i, invitation in enumerate(invitations[: 2 * threshold]):
        _send(setup, invitation, i)
    _release(wave)
    stored_results.wave_results_stored(_reader_wave(wave), community_id=world.community.pk)
    assert StoredResults.objects.count() == 2
    for i, invitation in enumerate(invitations[2 * threshold :], start=2 * threshold):
        _send(setup, invitation, i)
    _release(wave)
    assert list(StoredResults.objects.values_list("community_id", "version")) == [(None, 2)]


def test_a_raised_threshold_takes_effect_at_once(setup, world):
    wave = setup[0]
    threshold = results.group_threshold(world.programme)
    for i, invitation in enumerate(_invite(wave, world.community, 2 * threshold, 0)):
        _send(setup, invitation, i)
    _release(wave)
    assert not stored_results.wave_results_stored(_reader_wave(wave)).total_hidden
    profile = world.programme.rule_profile
    profile.survey_min_group_size = threshold + 1
    profile.save()
    assert stored_results.wave_results_stored(_reader_wave(wave)).total_hidden


def test_a_renamed_community_shows_its_new_name(setup, world):
    wave = setup[0]
    threshold = results.group_threshold(world.programme)
    for i, invitation in enumerate(_invite(wave, world.community, 2 * threshold, 0)):
        _send(setup, invitation, i)
    _release(wave)
    assert world.community.name in [g.name for g in stored_results.wave_results_stored(wave).groups]
    world.community.name = "CoP Nieuwe Naam"
    world.community.save()
    assert [g.name for g in stored_results.wave_results_stored(_reader_wave(wave)).groups] == [
        "CoP Nieuwe Naam"
    ]


def test_the_application_words_follow_the_reader_language(setup, world):
    wave, questions, _options, _statement = setup
    threshold = results.group_threshold(world.programme)
    for i, invitation in enumerate(_invite(wave, None, 2 * threshold, 0)):
        _send(setup, invitation, i)
    with translation.override("nl"):
        _release(wave)
        dutch = stored_results.wave_results_stored(_reader_wave(wave))
    with translation.override("en"):
        english = stored_results.wave_results_stored(_reader_wave(wave))
        afresh = results.wave_results(_reader_wave(wave))
    assert dutch.groups[0].name == "Geen gemeenschap bekend"
    assert english.groups[0].name == afresh.groups[0].name != dutch.groups[0].name
    matrix = english.question("V2").statements[0].cells
    assert [c.label for c in matrix] == [c.label for c in afresh.question("V2").statements[0].cells]


def test_the_results_page_reads_the_stored_results(client, setup, world):
    wave = setup[0]
    threshold = results.group_threshold(world.programme)
    for i, invitation in enumerate(_invite(wave, world.community, 2 * threshold, 0)):
        _send(setup, invitation, i)
    _release(wave)
    client.force_login(world.evaluator)
    url = reverse("surveys:results", args=[wave.pk])
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    assert not any("surveys_answer" in q["sql"] for q in captured)
    assert not any('FROM "surveys_response"' in q["sql"] for q in captured)


def test_the_rendered_page_follows_releases_and_edits_of_the_wave(client, setup, world):
    wave = setup[0]
    threshold = results.group_threshold(world.programme)
    invitations = _invite(wave, world.community, 4 * threshold, 0)
    for i, invitation in enumerate(invitations[: 2 * threshold]):
        _send(setup, invitation, i)
    _release(wave)
    client.force_login(world.evaluator)
    url = reverse("surveys:results", args=[wave.pk])
    body = "surveys/partials/results_body.html"
    first = client.get(url)
    assert f"{threshold} ingevulde vragenlijsten" in first.content.decode()
    assert body not in [t.name for t in first.templates], "rendered by the release's task"
    filtered = url + f"?community={world.community.pk}"
    assert body in [t.name for t in client.get(filtered).templates]
    again = client.get(filtered)
    assert body not in [t.name for t in again.templates], "kept as rendered the first time"
    assert "Je ziet de antwoorden uit" in again.content.decode()
    for i, invitation in enumerate(invitations[2 * threshold :], start=2 * threshold):
        _send(setup, invitation, i)
    _release(wave)
    html = client.get(url).content.decode()
    assert f"{3 * threshold} ingevulde vragenlijsten" in html
    Wave.objects.filter(pk=wave.pk).update(title="Meting najaar")
    renamed = client.get(url)
    assert body in [t.name for t in renamed.templates]
    assert "Resultaten: Meting najaar" in renamed.content.decode()


def test_the_rendered_page_follows_a_renamed_or_deleted_community(client, setup, world):
    """The page is kept as rendered per release; a community's new name, or its deletion
    (its answers move to "no community known"), shows at the next visit, not an hour later."""
    wave = setup[0]
    threshold = results.group_threshold(world.programme)
    for i, invitation in enumerate(_invite(wave, world.community, 2 * threshold, 0)):
        _send(setup, invitation, i)
    _release(wave)
    client.force_login(world.evaluator)
    url = reverse("surveys:results", args=[wave.pk])
    old_name = world.community.name
    assert old_name in client.get(url).content.decode()
    world.community.name = "CoP Nieuwe Naam"
    world.community.save()
    html = client.get(url).content.decode()
    assert "CoP Nieuwe Naam" in html and old_name not in html
    world.community.delete()
    html = client.get(url).content.decode()
    assert "CoP Nieuwe Naam" not in html
    assert "Geen gemeenschap bekend" in html


def test_the_content_rendered_by_the_task_is_the_page_a_visitor_renders(client, setup, world):
    wave = setup[0]
    threshold = results.group_threshold(world.programme)
    for i, invitation in enumerate(_invite(wave, world.community, 2 * threshold, 0)):
        _send(setup, invitation, i)
    _release(wave)
    client.force_login(world.evaluator)
    url = reverse("surveys:results", args=[wave.pk])
    prerendered = client.get(url).content.decode()
    stored_results.page_forget(_reader_wave(wave), community_id=None)
    rendered = client.get(url)
    assert "surveys/partials/results_body.html" in [t.name for t in rendered.templates]
    main = lambda html: html.split("<main", 1)[1].split("</main>", 1)[0]  # noqa: E731
    assert main(rendered.content.decode()) == main(prerendered)


def _reads_before_update(queries: CaptureQueriesContext, table: str) -> int:
    sqls = [query["sql"] for query in queries.captured_queries]
    update = next(i for i, sql in enumerate(sqls) if sql.startswith(f'UPDATE "{table}"'))
    return sum(sql.startswith("SELECT") and f'FROM "{table}"' in sql for sql in sqls[:update])


def test_only_a_new_name_drops_the_stored_results_read_in_the_one_read_before_the_save(world):
    wave = factories.WaveFactory(questionnaire__programme=world.programme)
    version = Wave.objects.get(pk=wave.pk).results_version
    community = Community.objects.get(pk=world.community.pk)
    community.phase = Community.Phase.DEVELOP
    with CaptureQueriesContext(connection) as queries:
        community.save()
    # One read of the row serves the programme's counts and the name check.
    assert _reads_before_update(queries, "communities_community") == 1
    community.save(update_fields=["phase"])
    assert Wave.objects.get(pk=wave.pk).results_version == version
    community.name = "CoP Nieuwe Naam"
    with CaptureQueriesContext(connection) as queries:
        community.save(update_fields=["name"])
    assert _reads_before_update(queries, "communities_community") == 1
    assert Wave.objects.get(pk=wave.pk).results_version == version + 1
    # Renamed from an instance read before: the row's name is the old one.
    stale = Community.objects.get(pk=community.pk)
    Community.objects.filter(pk=community.pk).update(name="CoP Tussendoor")
    stale.save()
    assert Wave.objects.get(pk=wave.pk).results_version == version + 2
