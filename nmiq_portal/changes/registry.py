"""The models of the change feed: each app registers its public models, one registration each."""

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import FieldDoesNotExist, ImproperlyConfigured
from django.db.models import Model, QuerySet
from django.dispatch import Signal

#: Sent (with the registration's model as sender) once a transaction that saved, deleted or
#: touched objects of a registration, or what they depend on, has committed, whether or not their
#: public state changed: what caches a read of them (the directory's counts) forgets it.
recorded = Signal()

#: Sent (with the registration's model as sender) inside the writing transaction, once the feed
#: has written upserts for objects it did not hand out as public before: ``pks``, and
#: ``instances`` ({pk: instance}) for those the write had in hand. A receiver may change their
#: rows (with ``QuerySet.update``, which records nothing again) and the instances with them.
became_public = Signal()


@dataclass(frozen=True)
class Registration:
    """How the feed reads one public model and what its public representation depends on."""

    type_key: str
    model: type[Model]
    #: ``queryset(user=…)``: what the model's API endpoint shows ``user``, ready to serialise
    #: (the app's selector, which its endpoint reads too).
    queryset: Callable[..., QuerySet]
    serializer_class: type
    #: ``public()``: the objects anyone may see; decides what a change writes to the feed.
    public: Callable[[], QuerySet]
    #: Lookup paths from the model to what its representation also shows (see ``register``).
    depends: tuple[str, ...]
    #: {path: fields}: of the object at the end of ``path``, only these fields show.
    watch: dict[str, tuple[str, ...]]


_registrations: dict[str, Registration] = {}


def register(
    type_key: str,
    model: type[Model],
    *,
    queryset: Callable[..., QuerySet],
    serializer_class: type,
    public: Callable[[], QuerySet],
    depends: tuple[str, ...] | list[str] = (),
    watch: dict[str, tuple[str, ...]] | None = None,
) -> Registration:
    """Join ``model`` to the change feed and the snapshot as ``type_key``.

    ``data`` of an event is ``serializer_class`` over ``queryset(user=AnonymousUser())``:
    exactly what the anonymous API returns. ``depends`` lists the lookup paths (``"institute"``,
    ``"contacts"``, ``"readiness__scale"``) to every related model whose changes alter that
    representation or whether the object is public: a save, delete or many-to-many change of
    anything along a path records its objects too. ``watch`` narrows that for a path whose
    object shows only a few of its fields (``{"coordinators": ("name",)}``): a save that names
    only other fields (``save(update_fields=["last_login"])``) records nothing, so the public
    feed does not tell when someone signed in. The model needs a unique ``uuid`` field.
    """
    watch = {path: tuple(fields) for path, fields in (watch or {}).items()}
    if set(watch) - set(depends):
        raise ImproperlyConfigured(f"{model.__name__}: watch names a path depends does not.")
    if type_key in _registrations:
        raise ImproperlyConfigured(f"The change feed already has a type {type_key!r}.")
    if any(r.model is model for r in _registrations.values()):
        raise ImproperlyConfigured(f"{model.__name__} is already registered with the change feed.")
    try:
        model._meta.get_field("uuid")
    except FieldDoesNotExist as error:
        raise ImproperlyConfigured(f"{model.__name__} needs a uuid to join the feed.") from error
    registration = Registration(
        type_key=type_key,
        model=model,
        queryset=queryset,
        serializer_class=serializer_class,
        public=public,
        depends=tuple(depends),
        watch=watch,
    )
    from . import capture  # lazily: it needs the models

    capture.connect(registration)
    _registrations[type_key] = registration
    return registration


def registrations() -> list[Registration]:
    """Every registration, in the order the apps registered them (the snapshot's order)."""
    return list(_registrations.values())


def get(type_key: str) -> Registration | None:
    return _registrations.get(type_key)


def for_model(model: type[Model]) -> Registration:
    for registration in _registrations.values():
        if registration.model is model:
            return registration
    raise LookupError(f"{model.__name__} is not registered with the change feed.")
