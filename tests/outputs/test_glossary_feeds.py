"""A proposed, rejected or withdrawn term never reaches the change feed, the snapshot or the
Atom feed; an agreed one does, as the anonymous API shows it, and leaves as it became public."""

import xml.etree.ElementTree as ET

import pytest

from nmiq_portal.changes.models import ChangeEvent
from outputs import services
from outputs.enums import TermStatus
from tests.changes.support import list_api, read_feed, read_snapshot
from tests.factories import StaffFactory, TermFactory

pytestmark = pytest.mark.django_db(transaction=True)

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def terms():
    staff = StaffFactory()
    proposal = TermFactory(term="Secret proposal")
    services.term_update(
        actor=proposal.proposed_by, entry=proposal, version=proposal.version, note="Edited."
    )
    return {
        "staff": staff,
        "agreed": TermFactory(term="coverage factor", state=TermStatus.AGREED, decider=staff),
        "proposal": proposal,
        "rejected": TermFactory(term="Rejected one", state=TermStatus.REJECTED, decider=staff),
        "withdrawn": TermFactory(term="Withdrawn one", state=TermStatus.WITHDRAWN),
    }


def _hidden(terms):
    return {str(terms[key].uuid) for key in ("proposal", "rejected", "withdrawn")}


def test_a_term_never_public_leaves_no_event_in_the_feed(api, terms):
    events, _cursor = read_feed(api)
    assert _hidden(terms).isdisjoint(event["uuid"] for event in events)
    assert not ChangeEvent.objects.filter(uuid__in=_hidden(terms)).exists()
    agreed = [e for e in events if e["uuid"] == str(terms["agreed"].uuid)]
    assert agreed[-1]["type"] == "term"
    assert agreed[-1]["action"] == "upsert"
    assert agreed[-1]["data"] == api.get(f"/api/v1/terms/{terms['agreed'].uuid}/").json()


def test_the_snapshot_is_the_public_terms_as_the_list_api_shows_them(api, terms):
    lines, _cursor = read_snapshot(api, types="term")
    mirror = {(line["type"], line["uuid"]): line["data"] for line in lines}
    assert mirror == list_api(api, types=("term",))
    assert {line["uuid"] for line in lines} == {str(terms["agreed"].uuid)}


def test_agreeing_a_proposal_upserts_it_and_superseding_keeps_it(api, terms):
    _events, cursor = read_feed(api)
    coordinator = terms["staff"]
    agreed = services.term_transition(actor=coordinator, term=terms["proposal"], action="agree")
    services.term_supersede(actor=coordinator, term=terms["agreed"], successor=agreed)
    events, _cursor = read_feed(api, after=cursor)
    seen = {(event["uuid"], event["action"]) for event in events}
    assert (str(agreed.uuid), "upsert") in seen
    assert (str(terms["agreed"].uuid), "upsert") in seen
    last = [e for e in events if e["uuid"] == str(terms["agreed"].uuid)][-1]
    assert last["data"]["status"] == "superseded"
    assert last["data"]["superseded_by"]["uuid"] == str(agreed.uuid)


def test_the_atom_feed_lists_agreed_terms_only(client, terms):
    response = client.get("/glossary/feed/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)  # noqa: S314 - the portal's own feed
    titles = [entry.find(f"{ATOM}title").text for entry in root.findall(f"{ATOM}entry")]
    assert titles == ["coverage factor"]
    link = root.find(f"{ATOM}entry/{ATOM}link").get("href")
    assert link == f"http://testserver{terms['agreed'].get_absolute_url()}"
