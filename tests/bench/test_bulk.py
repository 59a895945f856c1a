"""bench/bulk.py: COPY writes what an INSERT would, history rows included."""

from django.db import connection

from bench import bulk
from capabilities.models import Institute, records
from tests.factories import InstituteFactory


def test_text_format_escapes_and_nulls():
    name = records.Testbed._meta.get_field("name")
    quantities = records.Testbed._meta.get_field("quantities")
    links = records.Testbed._meta.get_field("links")
    assert bulk._text(name, None) == r"\N"
    assert bulk._text(name, "a\tb\nc\\d") == r"a\tb\nc\\d"
    assert bulk._text(quantities, ['say "hi"', "x,y"]) == r'{"say \\"hi\\"","x,y"}'
    assert bulk._text(links, [{"url": "https://example.org"}]) == '[{"url": "https://example.org"}]'
    assert bulk._text(records.Testbed._meta.get_field("si_traceable"), False) == "f"


def test_copy_inserts_with_keys_and_writes_the_insert_history(db):
    made = bulk.copy(
        Institute,
        [
            Institute(
                slug=f"copy{n}",
                name=f"Copied\t{n}",
                acronym=f"CP{n}",
                kind="nmi",
                economy="DE",
                rmo="EURAMET",
            )
            for n in range(3)
        ],
    )
    assert all(institute.pk for institute in made)
    stored = Institute.objects.get(pk=made[1].pk)
    assert (stored.name, stored.updated_at is not None) == ("Copied\t1", True)
    history = Institute.history.field.model.objects.filter(pgh_obj_id__in=[i.pk for i in made])
    assert sorted(history.values_list("pgh_label", "name")) == [
        ("insert", f"Copied\t{n}") for n in range(3)
    ]
    # The trigger is on again: an ordinary insert still writes its own history row.
    later = InstituteFactory()
    assert Institute.history.field.model.objects.filter(pgh_obj_id=later.pk).count() == 1
    with connection.cursor() as cursor:
        cursor.execute(
            "select count(*) from pg_trigger where tgrelid = 'capabilities_institute'::regclass "
            "and tgname like 'pgtrigger_insert_%%' and tgenabled = 'D'"
        )
        assert cursor.fetchone() == (0,)
