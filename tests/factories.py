"""One factory per model. Tests build exactly the data they talk about."""

import datetime

import factory
from django.utils import timezone

from leerkring.accounts.models import ProgrammeRole, User
from leerkring.communities.models import (
    Community,
    Membership,
    Organisation,
    Person,
    Programme,
    RuleProfile,
)
from leerkring.communities.presets import preset_values

PASSWORD = "correct-horse-battery"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.nl")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Programma {n}")
    slug = factory.Sequence(lambda n: f"programma-{n}")

    @factory.post_generation
    def rule_profile(obj, create, extracted, **kwargs):
        if create:
            RuleProfile.objects.create(
                programme=obj, preset="inburgering", **preset_values("inburgering")
            )


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Gemeente Voorbeeld {n}")
    type = Organisation.Type.MUNICIPALITY
    region = "Achterhoek"


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    full_name = factory.Sequence(lambda n: f"Persoon {n}")
    email = factory.Sequence(lambda n: f"persoon{n}@example.nl")
    organisation = factory.SubFactory(OrganisationFactory)
    user = factory.SubFactory(UserFactory, email=factory.SelfAttribute("..email"))


class CommunityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Community

    programme = factory.SubFactory(ProgrammeFactory)
    name = factory.Sequence(lambda n: f"CoP Regio {n}")
    scope = Community.Scope.REGIONAL
    region = "Achterhoek"
    scenario = Community.Scenario.B
    status = Community.Status.ACTIVE
    start_date = datetime.date(2023, 1, 1)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    community = factory.SubFactory(CommunityFactory)
    person = factory.SubFactory(PersonFactory)
    role = Membership.Role.PARTICIPANT
    organisation = factory.SelfAttribute("person.organisation")
    joined_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=30))


class ProgrammeRoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgrammeRole

    person = factory.SubFactory(PersonFactory)
    programme = factory.SubFactory(ProgrammeFactory)
    role = ProgrammeRole.Role.COORDINATOR


# --- Meetings ---------------------------------------------------------------------------

from leerkring.meetings.models import Meeting  # noqa: E402


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting

    community = factory.SubFactory(CommunityFactory)
    starts_at = factory.LazyFunction(
        lambda: (timezone.now() + datetime.timedelta(days=14)).replace(
            hour=12, minute=0, second=0, microsecond=0
        )
    )
    ends_at = factory.LazyAttribute(lambda m: m.starts_at + datetime.timedelta(hours=3))
    place = "Stadhuis"
    format = Meeting.Format.PHYSICAL


# --- Signals ----------------------------------------------------------------------------
# Factories write rows directly to build test data; code under test changes signals only
# through `leerkring.signalling.lifecycle`.

from leerkring.signalling.models import CoordinationMeeting, Signal, SignalTheme  # noqa: E402


class SignalThemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SignalTheme

    programme = factory.SubFactory(ProgrammeFactory)
    title = factory.Sequence(lambda n: f"Hoofdvraagstuk {n}")


class SignalFactory(factory.django.DjangoModelFactory):
    """A draft by default; `passed=True` gives a signal passed on (state "new") or pass
    `state=...` with it for any later state."""

    class Meta:
        model = Signal

    class Params:
        passed = factory.Trait(
            state=Signal.State.NEW,
            passed_on_at=factory.LazyFunction(timezone.now),
        )

    community = factory.SubFactory(CommunityFactory)
    title = factory.Sequence(lambda n: f"Wachttijd taalschool {n}")
    description = "Inburgeraars wachten maanden op een plek bij de taalschool."
    topic_category = "procedures"
    subtopic = "Wachttijden"
    solution_level = "national"
    state = Signal.State.DRAFT


class CoordinationMeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CoordinationMeeting

    programme = factory.SubFactory(ProgrammeFactory)
    title = factory.Sequence(lambda n: f"LCC {n}")
    held_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=7))


# --- Surveys ----------------------------------------------------------------------------

from leerkring.surveys.models import (  # noqa: E402
    Answer,
    Option,
    Question,
    Questionnaire,
    Response,
    Section,
    Statement,
    Wave,
)


class QuestionnaireFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Questionnaire

    programme = factory.SubFactory(ProgrammeFactory)
    title = factory.Sequence(lambda n: f"Vragenlijst {n}")
    intro = "Fijn dat je meedoet."


class SectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Section

    questionnaire = factory.SubFactory(QuestionnaireFactory)
    position = factory.Sequence(lambda n: n)
    title = factory.Sequence(lambda n: f"Onderdeel {n}")


class QuestionFactory(factory.django.DjangoModelFactory):
    """A single-choice question; give `kind` and add options/statements as the test needs."""

    class Meta:
        model = Question

    questionnaire = factory.SubFactory(QuestionnaireFactory)
    section = None
    position = factory.Sequence(lambda n: n)
    code = factory.Sequence(lambda n: f"V{n + 1}")
    text = factory.Sequence(lambda n: f"Vraag {n + 1}?")
    kind = Question.Kind.SINGLE


class OptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Option

    question = factory.SubFactory(QuestionFactory)
    position = factory.Sequence(lambda n: n)
    code = factory.Sequence(lambda n: str(n + 1))
    label = factory.Sequence(lambda n: f"Antwoord {n + 1}")


class StatementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Statement

    question = factory.SubFactory(QuestionFactory, kind=Question.Kind.MATRIX)
    position = factory.Sequence(lambda n: n)
    code = factory.Sequence(lambda n: f"S{n + 1}")
    text = factory.Sequence(lambda n: f"Stelling {n + 1}")


class WaveFactory(factory.django.DjangoModelFactory):
    """An open wave of a questionnaire in the same programme."""

    class Meta:
        model = Wave

    questionnaire = factory.SubFactory(QuestionnaireFactory)
    programme = factory.SelfAttribute("questionnaire.programme")
    title = factory.Sequence(lambda n: f"Meting {n + 1}")
    opens_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=1))
    closes_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=14))


class ResponseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Response

    wave = factory.SubFactory(WaveFactory)
    community = None


class AnswerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Answer

    response = factory.SubFactory(ResponseFactory)
    question = factory.SubFactory(QuestionFactory)


# --- Dissemination ----------------------------------------------------------------------

from leerkring.dissemination.models import (  # noqa: E402
    Newsletter,
    NewsletterIssue,
    Product,
    Subscriber,
)


class ProductFactory(factory.django.DjangoModelFactory):
    """A product of one community (pass `communities=[...]`; default none) in a programme.
    Not shareable unless `shareable=True`."""

    class Meta:
        model = Product
        skip_postgeneration_save = True

    programme = factory.SubFactory(ProgrammeFactory)
    title = factory.Sequence(lambda n: f"Routekaart inburgering {n}")
    kind = Product.Kind.ROUTE_MAP
    summary = "Een routekaart voor de eerste maanden."
    status = Product.Status.IDEA
    scope = Product.Scope.REGIONAL
    topic_category = "procedures"
    shareable = False

    @factory.post_generation
    def communities(self, create, extracted, **kwargs):
        if create and extracted:
            self.communities.set(extracted)


class NewsletterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Newsletter

    programme = factory.SubFactory(ProgrammeFactory)
    community = None
    title = factory.Sequence(lambda n: f"Nieuwsbrief {n}")
    is_public = False


class IssueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NewsletterIssue

    newsletter = factory.SubFactory(NewsletterFactory)
    number = factory.Sequence(lambda n: n + 1)
    title = factory.Sequence(lambda n: f"Editie {n + 1}")
    status = NewsletterIssue.Status.DRAFT


class SubscriberFactory(factory.django.DjangoModelFactory):
    """A confirmed, active subscriber."""

    class Meta:
        model = Subscriber

    newsletter = factory.SubFactory(NewsletterFactory)
    email = factory.Sequence(lambda n: f"lezer{n}@example.nl")
    confirmed_at = factory.LazyFunction(timezone.now)


# --- Evaluation -------------------------------------------------------------------------

from leerkring.evaluation.models import (  # noqa: E402
    ChangeStory,
    Observation,
    ObservationQuestion,
    ObservationTemplate,
    StoryInvitation,
)


class ObservationTemplateFactory(factory.django.DjangoModelFactory):
    """A programme's own template; the built-in one comes from the data migration."""

    class Meta:
        model = ObservationTemplate

    programme = factory.SubFactory(ProgrammeFactory)
    title = factory.Sequence(lambda n: f"Observatieschema {n}")


class ObservationQuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ObservationQuestion

    template = factory.SubFactory(ObservationTemplateFactory)
    position = factory.Sequence(lambda n: n)
    number = factory.Sequence(lambda n: str(n + 1))
    question = factory.Sequence(lambda n: f"Observatievraag {n + 1}?")
    frame = "Opkomst"
    measure = "Aantal deelnemers"


class ObservationFactory(factory.django.DjangoModelFactory):
    """An observation of a meeting held yesterday, with the built-in schema."""

    class Meta:
        model = Observation

    meeting = factory.SubFactory(
        MeetingFactory,
        starts_at=factory.LazyFunction(
            lambda: (timezone.now() - datetime.timedelta(days=1)).replace(
                hour=12, minute=0, second=0, microsecond=0
            )
        ),
        status=Meeting.Status.HELD,
    )
    template = factory.LazyFunction(
        lambda: ObservationTemplate.objects.get(programme=None, key="bijlage4")
    )
    observer = None
    atmosphere = "Ontspannen, de deelnemers kennen elkaar."


class StoryInvitationFactory(factory.django.DjangoModelFactory):
    """A story link; its token is not known (only the hash). Use
    `services.story_invitation_create` when a test needs the working link."""

    class Meta:
        model = StoryInvitation

    programme = factory.SubFactory(ProgrammeFactory)
    title = factory.Sequence(lambda n: f"Verhalenronde {n + 1}")
    token_hash = factory.Sequence(lambda n: f"{n:064x}")


class ChangeStoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ChangeStory

    programme = factory.SubFactory(ProgrammeFactory)
    community = None
    teller = ChangeStory.Teller.PARTICIPANT
    source = ChangeStory.Source.INTERVIEW
    title = factory.Sequence(lambda n: f"Verhaal {n + 1}")
    story = "Ik bel de taalschool nu direct in plaats van te mailen."
    why_significant = "Inburgeraars hoeven minder lang te wachten."


# --- Public knowledge base --------------------------------------------------------------
# Rows straight into the table for test data; code under test goes through
# `leerkring.publishing.services`.

from leerkring.meetings.models import Lesson  # noqa: E402
from leerkring.publishing.models import Publication  # noqa: E402


class PublicationFactory(factory.django.DjangoModelFactory):
    """A published lesson of a new shareable lesson in `community` (pass it)."""

    class Meta:
        model = Publication

    community = factory.SubFactory(CommunityFactory)
    programme = factory.SelfAttribute("community.programme")
    kind = Publication.Kind.LESSON
    lesson = factory.LazyAttribute(
        lambda p: Lesson.objects.create(
            meeting=MeetingFactory(community=p.community),
            community=p.community,
            text="Samen plannen met het COA scheelt wachttijd.",
            shareable=True,
        )
    )
    title = factory.Sequence(lambda n: f"Leerpunt {n + 1}")
    body = "Samen plannen met het COA scheelt wachttijd."
    region = factory.SelfAttribute("community.region")
    dated_on = factory.LazyFunction(timezone.localdate)
    status = Publication.Status.PUBLISHED
    published_at = factory.LazyFunction(timezone.now)


# --- Programme events -------------------------------------------------------------------

from leerkring.events.models import Event  # noqa: E402


class EventFactory(factory.django.DjangoModelFactory):
    """An announced knowledge session open to anyone, online, a week ahead."""

    class Meta:
        model = Event

    programme = factory.SubFactory(ProgrammeFactory)
    kind = Event.Kind.KNOWLEDGE_SESSION
    audience = Event.Audience.PUBLIC
    title = factory.Sequence(lambda n: f"Kennissessie {n + 1}")
    description = "Lessen uit de CoP's over werk en taal."
    format = Event.Format.ONLINE
    online_url = "https://meet.example.nl/kennissessie"
    starts_at = factory.LazyFunction(
        lambda: (timezone.now() + datetime.timedelta(days=7)).replace(
            hour=13, minute=0, second=0, microsecond=0
        )
    )
    ends_at = factory.LazyAttribute(lambda e: e.starts_at + datetime.timedelta(hours=1))
    status = Event.Status.PUBLISHED
    published_at = factory.LazyFunction(timezone.now)
