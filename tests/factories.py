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
            RuleProfile.objects.create(programme=obj, preset="inburgering", **preset_values("inburgering"))


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
