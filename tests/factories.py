import factory
from django.conf import settings

from masterdata.models import Opd, User

DEFAULT_PASSWORD = "rahasia-uji-123"


class OpdFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Opd
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"9.99.0.00.0.00.{n % 100:02d}.{n // 100:04d}")
    name = factory.Sequence(lambda n: f"Dinas Uji {n}")
    kind = Opd.Kind.DINAS


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = settings.AUTH_USER_MODEL
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"pengguna{n}")
    first_name = factory.Faker("first_name", locale="id_ID")
    last_name = factory.Faker("last_name", locale="id_ID")
    role = User.Role.BAPPEDA
    opd = None
    password = factory.PostGenerationMethodCall("set_password", DEFAULT_PASSWORD)

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


def user_with_role(role, **kwargs):
    if role == User.Role.OPD_STAFF and "opd" not in kwargs:
        kwargs["opd"] = OpdFactory()
    return UserFactory(role=role, **kwargs)
