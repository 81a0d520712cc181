import factory
from django.contrib.auth.models import Group, User

from recommendations.choices import BodyKind, DocumentKind, EventKind, ReminderTrigger
from recommendations.models import (
    Assessment,
    Body,
    Document,
    Event,
    Organization,
    Recommendation,
    ReminderPreference,
    ReminderRule,
    Response,
    State,
    Target,
    Theme,
)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.org")
    password = factory.django.Password("correct horse battery staple")


class EditorFactory(UserFactory):
    class Meta:
        skip_postgeneration_save = True

    is_staff = True

    @factory.post_generation
    def editors_group(user, create, extracted, **kwargs):
        if create:
            user.groups.add(Group.objects.get(name="Editors"))


class BodyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Body
        django_get_or_create = ["acronym"]

    acronym = factory.Sequence(lambda n: f"BODY{n}")
    name = factory.LazyAttribute(lambda body: f"Body {body.acronym}")
    kind = BodyKind.TREATY_BODY


def state(code: str) -> State:
    """States come from the data migration: look them up, never make them."""
    return State.objects.get(code=code)


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Organisation {n}")
    acronym = factory.Sequence(lambda n: f"ORG{n}")


class ThemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Theme
        django_get_or_create = ["slug"]

    slug = factory.Sequence(lambda n: f"theme-{n}")
    name = factory.LazyAttribute(lambda theme: theme.slug.replace("-", " ").capitalize())


class DocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Document

    symbol = factory.Sequence(lambda n: f"A/HRC/99/{n}")
    title = factory.Sequence(lambda n: f"Report {n}")
    kind = DocumentKind.REPORT
    body = factory.SubFactory(BodyFactory)


class RecommendationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Recommendation

    text = factory.Sequence(lambda n: f"Respect the principle of non-refoulement ({n}).")
    document = factory.SubFactory(DocumentFactory)
    paragraph = factory.Sequence(lambda n: f"{n} (a)")
    issued_by = factory.SelfAttribute("document.body")


class TargetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Target

    recommendation = factory.SubFactory(RecommendationFactory)
    state = factory.LazyFunction(lambda: state("CHN"))


class ResponseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Response

    target = factory.SubFactory(TargetFactory)
    position = "supported"
    date = factory.Faker("date_between", start_date="-5y", end_date="-1d")


class AssessmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assessment

    target = factory.SubFactory(TargetFactory)
    implementation = "not_implemented"
    assessed_on = factory.Faker("date_between", start_date="-5y", end_date="-1d")


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event
        skip_postgeneration_save = True

    name = "China, Universal Periodic Review, 4th cycle"
    kind = EventKind.REVIEW
    date = factory.Faker("date_between", start_date="+1d", end_date="+1y")

    @factory.post_generation
    def states(event, create, extracted, **kwargs):
        if create and extracted:
            event.states.set(extracted)

    @factory.post_generation
    def bodies(event, create, extracted, **kwargs):
        if create and extracted:
            event.bodies.set(extracted)


class ReminderRuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReminderRule
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Rule {n}")
    trigger = ReminderTrigger.RESPONSE_OVERDUE
    days = 1
    repeat_days = factory.LazyAttribute(
        lambda rule: 30 if rule.trigger == ReminderTrigger.RESPONSE_OVERDUE else None
    )

    @factory.post_generation
    def states(rule, create, extracted, **kwargs):
        if create and extracted:
            rule.states.set(extracted)

    @factory.post_generation
    def themes(rule, create, extracted, **kwargs):
        if create and extracted:
            rule.themes.set(extracted)


class ReminderPreferenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReminderPreference

    user = factory.SubFactory(UserFactory)
