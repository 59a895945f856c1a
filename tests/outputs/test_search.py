"""Guides, benchmark results, comparisons and glossary terms in the directory's search: found
by who may see them through every door (page, htmx partial, API), counted in the type facet,
listed with the records, and read in a number of queries that does not grow with the page."""

import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from capabilities import selectors
from capabilities.views import search as search_views
from outputs.enums import ComparisonStatus, TermStatus
from tests.factories import (
    BenchmarkFactory,
    BenchmarkResultFactory,
    GuideFactory,
    GuideVersionFactory,
    InstituteFactory,
    MembershipFactory,
    TermFactory,
    TestbedFactory,
    UserFactory,
)
from tests.outputs.factories import comparison_world
from tests.outputs.guides_world import guide_media  # noqa: F401 - module fixture
from tests.support import shared_data

pytestmark = pytest.mark.django_db

DIRECTORY = reverse("capabilities:directory")
ANYONE = AnonymousUser()

#: What anyone finds with "photon", by kind.
PUBLIC = {
    "testbed": ["Photon counting bench"],
    "guide": ["Counting heralded photons"],
    "result": ["Photon detection efficiency: ibm photon_chip"],
    "comparison": ["PHOT-K1: Photon flux of a reference source"],
    "term": ["photon count rate", "photon number"],
}


#: The titles of what only some may see, all matching "photon" and "secret".
HIDDEN = ("Secret photon guide", "PHOT-K2", "secret photon proposal", "secret-photon-chip")


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Public and hidden outputs that all match "photon", a testbed that does too, and the
    people who may see the hidden ones."""
    with shared_data(django_db_blocker):
        ptb = InstituteFactory(acronym="PTB", economy="DE")
        author = MembershipFactory(institute=ptb).user
        TestbedFactory(name="Photon counting bench", institute=ptb, summary="Counts photons.")
        guide = GuideFactory(
            title="Counting heralded photons",
            summary="Heralded photon sources & <b>detectors</b>, step by step.",
            institute=ptb,
            author=author,
        )
        GuideVersionFactory(guide=guide, author=author, state="published", number="1.0.0")
        GuideVersionFactory(
            guide=guide, author=author, number="2.0.0", change_notes="Adds the zanzibar method."
        )
        secret_guide = GuideFactory(
            title="Secret photon guide", summary="Not yet.", institute=ptb, author=author
        )
        GuideVersionFactory(guide=secret_guide, author=author, state="in_review", number="0.1.0")
        published = comparison_world(
            ComparisonStatus.PUBLISHED,
            identifier="PHOT-K1",
            measurand="Photon flux of a reference source",
        )
        draft = comparison_world(
            ComparisonStatus.DRAFT, identifier="PHOT-K2", measurand="Secret photon flux"
        )
        proposer = MembershipFactory(institute=ptb).user
        benchmark = BenchmarkFactory(name="Photon detection efficiency")
        BenchmarkResultFactory(
            benchmark=benchmark, institute=ptb, device="photon_chip", state="published"
        )
        BenchmarkResultFactory(  # a draft of another institute: PTB's people do not see it
            benchmark=benchmark,
            institute=InstituteFactory(acronym="NPL"),
            device="secret-photon-chip",
        )
        agreed = {"institute": ptb, "state": TermStatus.AGREED}
        TermFactory(term="photon number", definition="number of **photons** in a mode", **agreed)
        TermFactory(term="photon count rate", institute=ptb, state=TermStatus.SUPERSEDED)
        TermFactory(term="secret photon proposal", institute=ptb, proposer=proposer)
        yield {
            "ptb": ptb,
            "author": author,
            "proposer": proposer,
            "comparison lead": draft["lead_editor"],
            "published": published.comparison,
            "draft": draft.comparison,
        }


def found(params, user=ANYONE) -> dict[str, list[str]]:
    """{kind: titles} of what the search ``params`` lists for ``user``, in its order."""
    search = selectors.site_search(user=user, params=params)
    records = selectors.site_page_records(
        user=user, rows=search.rows, text=(params.get("q") or [""])[0]
    )
    titles: dict[str, list[str]] = {}
    for record in records:
        title = record.title if getattr(record, "search_kind", None) else record.name
        titles.setdefault(record.record_type, []).append(title)
    return {kind: sorted(names) for kind, names in titles.items()}


def type_facet(params, user=ANYONE) -> dict[str, tuple[int, bool]]:
    facets = selectors.site_search(user=user, params=params).facets
    shown = next((facet for facet in facets if facet.key == "type"), None)
    return {value.value: (value.count, value.selected) for value in shown.values} if shown else {}


def test_words_find_records_and_every_registered_kind_together(world):
    assert found({"q": ["photon"]}) == PUBLIC
    assert type_facet({"q": ["photon"]}) == {
        "testbed": (1, False),
        "guide": (1, False),
        "result": (1, False),
        "comparison": (1, False),
        "term": (2, False),
    }


def test_choosing_a_kind_lists_only_it_and_keeps_the_other_counts(world):
    assert found({"q": ["photon"], "type": ["term"]}) == {"term": PUBLIC["term"]}
    assert type_facet({"q": ["photon"], "type": ["term"]}) == {
        "testbed": (1, False),
        "guide": (1, False),
        "result": (1, False),
        "comparison": (1, False),
        "term": (2, True),
    }
    both = found({"q": ["photon"], "type": ["testbed", "guide"]})
    assert both == {"testbed": PUBLIC["testbed"], "guide": PUBLIC["guide"]}


def test_browsing_lists_records_only_and_counts_what_each_kind_would_list(world):
    """With nothing typed the directory stays one of capabilities; the type facet still says
    how many of each kind choosing it would list (the agreed successor of the superseded term
    among the terms)."""
    listed = found({})
    assert not {"guide", "result", "comparison", "term"} & set(listed)
    counts = type_facet({})
    assert [counts[kind] for kind in ("guide", "comparison", "term")] == [
        (1, False),
        (1, False),
        (3, False),
    ]
    assert found({"type": ["guide"]}) == {"guide": PUBLIC["guide"]}


@pytest.mark.parametrize(
    "params",
    [
        {"q": ["photon"], "economy": ["DE"]},
        {"q": ["photon"], "has_evidence": ["on"]},
        {"q": ["photon"], "area": ["cryogenics"]},
        {"q": ["photon 4 K"]},
    ],
)
def test_a_filter_only_records_have_leaves_the_registered_kinds_out(world, params):
    assert not {"guide", "comparison", "term"} & set(found(params))
    assert not {"guide", "comparison", "term"} & set(type_facet(params))
    chosen = type_facet({**params, "type": ["guide"]})
    assert chosen["guide"] == (0, True)  # still shown, so it can be unticked


def test_a_draft_versions_change_notes_are_never_searched(world):
    for user in (ANYONE, world["author"]):
        assert found({"q": ["zanzibar"]}, user=user) == {}


VIEWERS = {
    "anonymous": lambda world: None,
    "plain user": lambda world: UserFactory(),
    "member of another institute": lambda world: MembershipFactory().user,
    "member of the institute that leads another comparison": lambda world: (
        MembershipFactory(institute=world["published"].project.lead_institute).user
    ),
}


@pytest.mark.parametrize("viewer", list(VIEWERS))
def test_no_door_of_the_search_shows_a_draft_to_a_stranger(client, api, world, viewer):
    """A guide with no published version, a draft comparison and a proposed term: not in the
    results, the facet counts, the page, the htmx partial or the API's search."""
    user = VIEWERS[viewer](world)
    if user:
        client.force_login(user)
        api.force_authenticate(user)
    assert found({"q": ["photon"]}, user=user or ANYONE) == PUBLIC
    counts = type_facet({"q": ["photon"]}, user=user or ANYONE)
    assert {kind: counts[kind][0] for kind in PUBLIC} == {k: len(v) for k, v in PUBLIC.items()}
    for kind in ("", "guide", "result", "comparison", "term"):
        params = {"q": "secret photon", "type": kind} if kind else {"q": "secret photon"}
        for headers in ({}, {"HX-Request": "true"}):
            page = client.get(DIRECTORY, params, headers=headers).content.decode()
            for hidden in (*HIDDEN, world["draft"].get_absolute_url()):
                assert hidden not in page, (kind, hidden)
    for endpoint in ("guides", "comparisons", "terms"):
        response = api.get(f"/api/v1/{endpoint}/", {"q": "secret"})
        assert response.status_code == 200
        assert response.json()["results"] == [], endpoint


def test_who_may_see_a_draft_finds_it_marked_and_a_guide_only_once_published(client, world):
    """The comparison's lead institute finds its draft, the proposer their proposal, each marked
    with its state; a guide's author does not find a guide no version of which is published."""
    client.force_login(world["comparison lead"])
    page = client.get(DIRECTORY, {"q": "secret photon"}).content.decode()
    assert world["draft"].get_absolute_url() in page
    assert ">Draft<" in page
    assert found({"q": ["secret"]}, user=world["proposer"]) == {"term": ["secret photon proposal"]}
    assert found({"q": ["secret"]}, user=world["author"]) == {}


def test_a_result_shows_its_kind_link_details_and_an_escaped_highlight(client, world):
    html = client.get(DIRECTORY, {"q": "heralded"}).content.decode()
    assert 'data-type="guide"' in html
    assert "<mark>Heralded</mark> photon sources &amp;" in html
    assert "<b>detectors" not in html
    assert "PTB, version 1.0.0" in html
    html = client.get(DIRECTORY, {"q": "photon", "type": "term"}).content.decode()
    assert "number of <mark>photons</mark> in a mode" in html
    assert "**" not in html
    assert ">Superseded<" in html
    assert (
        world["published"].get_absolute_url()
        in client.get(DIRECTORY, {"q": "flux"}).content.decode()
    )


def test_results_of_every_kind_sort_together_by_name(world):
    rows = selectors.site_search(user=ANYONE, params={"q": ["photon"]}, sort="name").rows
    names = [row[2] for row in rows]
    assert names == sorted(names, key=str.casefold)
    assert {row[0] for row in rows} == set(PUBLIC)


def test_htmx_gets_the_facets_and_results_of_a_registered_kind(client, world):
    response = client.get(
        DIRECTORY, {"q": "photon", "type": "term"}, headers={"HX-Request": "true"}
    )
    html = response.content.decode()
    assert "<html" not in html
    assert 'id="facet-type"' in html
    assert re.search(r'name="type" value="term" id="f-type-\d+" checked', html)
    assert 'data-type="term"' in html
    assert 'data-type="testbed"' not in html


MORE = {
    "guide": lambda world, n: GuideVersionFactory(
        guide=GuideFactory(title=f"Photon guide {n}", institute=world["ptb"]), state="published"
    ),
    "result": lambda world, n: BenchmarkResultFactory(
        benchmark=BenchmarkFactory(name=f"Photon benchmark {n}"),
        institute=world["ptb"],
        state="published",
    ),
    "comparison": lambda world, n: comparison_world(
        ComparisonStatus.PUBLISHED, identifier=f"PHOT-X{n}", measurand="Photon rate"
    ),
    "term": lambda world, n: TermFactory(
        term=f"photon term {n}", institute=world["ptb"], state=TermStatus.AGREED
    ),
}


@pytest.mark.parametrize("kind", list(MORE))
def test_the_page_queries_are_constant_in_page_size(
    client, monkeypatch, django_assert_num_queries, django_assert_max_num_queries, world, kind
):
    """Three matches of each kind (one of them on a page of one): the same queries for one
    result as for all of them."""
    for n in range(2):
        MORE[kind](world, n)
    params = {"q": "photon", "type": kind}
    monkeypatch.setattr(search_views, "PAGE_SIZE", 1)
    client.get(DIRECTORY, params)  # the search synonyms are read once, then cached
    with django_assert_max_num_queries(40) as few:
        client.get(DIRECTORY, params)
    monkeypatch.setattr(search_views, "PAGE_SIZE", 50)
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(DIRECTORY, params)
    assert response.content.decode().count(f'data-type="{kind}"') >= 3
