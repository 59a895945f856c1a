"""Factories shared by every test module (people and institutes)."""

import factory
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model

from capabilities.enums import InstituteKind, MemberRole
from capabilities.models import Institute, Membership

PASSWORD = "correct horse battery staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    name = factory.Faker("name")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def verified(user, create, extracted, **kwargs):
        """A verified primary address, as allauth keeps it (pass verified=False to skip)."""
        if create and extracted is not False:
            EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
        if create:
            user.save()


class StaffFactory(UserFactory):
    is_staff = True


class InstituteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Institute

    acronym = factory.Sequence(lambda n: f"NMI{n}")
    slug = factory.LazyAttribute(lambda o: o.acronym.lower())
    name = factory.LazyAttribute(lambda o: f"National Metrology Institute {o.acronym}")
    kind = InstituteKind.NMI
    economy = "DE"
    rmo = "EURAMET"
    verified = True


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    institute = factory.SubFactory(InstituteFactory)
    role = MemberRole.EDITOR
