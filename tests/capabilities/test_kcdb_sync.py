"""``manage.py kcdb_sync``: an institute's CMCs fetched from the KCDB API and fed to the import,
against recorded KCDB answers at the HTTP edge (requests' transport adapter)."""

import copy
import json

import pytest
import requests
from django.core.management import CommandError, call_command

from capabilities.enums import ImportStatus, ServiceStatus
from capabilities.models import ImportJob, Service
from tests.capabilities.kcdb_files import DATA
from tests.factories import InstituteFactory, MembershipFactory

pytestmark = pytest.mark.django_db


#: The METAS and INTI records of MSLNZ/msl-kcdb's tests (kcdb_cmc_full_records.json).
RECORDED = {r["kcdbCode"]: r for r in json.loads((DATA / "kcdb_cmc_full_records.json").read_text())}
METAS_CMC = RECORDED["EURAMET-EM-CH-00000GFB-5"]
INTI_CMC = RECORDED["SIM-EM-AR-00000K2C-1"]


class RecordedKCDB:
    """Answers the KCDB's CMC search as it answered once: one page per area asked for."""

    def __init__(self, records):
        self.records = records
        self.asked = []

    def send(self, adapter, request, **kwargs):
        body = json.loads(request.body)
        self.asked.append((request.url, body))
        data = [r for r in self.records if r["metrologyAreaLabel"] == body["metrologyAreaLabel"]]
        response = requests.Response()
        response.status_code = 200
        response.url = request.url
        response.request = request
        response.headers["Content-Type"] = "application/json"
        response._content = json.dumps(
            {
                "versionApiKcdb": "1.0.13",
                "pageNumber": body["page"],
                "pageSize": body["pageSize"],
                "numberOfElements": len(data),
                "totalElements": len(data),
                "totalPages": 1 if data else 0,
                "data": data,
            }
        ).encode()
        return response


@pytest.fixture
def kcdb(monkeypatch):
    recorded = RecordedKCDB([METAS_CMC, INTI_CMC])

    def send(adapter, request, **kwargs):
        return recorded.send(adapter, request, **kwargs)

    monkeypatch.setattr(requests.adapters.HTTPAdapter, "send", send)
    return recorded


@pytest.fixture
def metas():
    return InstituteFactory(acronym="METAS", slug="metas", economy="CH")


@pytest.fixture
def editor(metas):
    return MembershipFactory(institute=metas).user


def test_sync_fetches_the_institutes_cmcs_and_applies_them(kcdb, metas, editor, capsys):
    call_command("kcdb_sync", "metas", "--as", editor.email, "--area", "EM", "--apply")
    url, body = kcdb.asked[0]
    assert url == "https://www.bipm.org/api/kcdb/cmc/searchData/physics"
    assert (body["metrologyAreaLabel"], body["countries"]) == ("EM", ["CH"])
    service = Service.objects.get()
    assert (service.institute, service.kcdb_code) == (metas, "EURAMET-EM-CH-00000GFB-5")
    assert "1 to add" in capsys.readouterr().out
    assert ImportJob.objects.get().status == ImportStatus.DONE


def test_sync_again_after_a_version_bump_updates_and_offers_what_is_gone(kcdb, metas, editor):
    call_command("kcdb_sync", "metas", "--as", editor.email, "--area", "EM", "--apply")
    first = Service.objects.get()
    bumped = copy.deepcopy(METAS_CMC)
    bumped["kcdbCode"] = "EURAMET-EM-CH-00000GFB-6"
    other = copy.deepcopy(METAS_CMC)
    other["kcdbCode"] = "EURAMET-EM-CH-00000ZZZ-1"
    kcdb.records = [bumped, other]
    call_command("kcdb_sync", "metas", "--as", editor.email, "--area", "EM", "--apply")
    first.refresh_from_db()
    assert first.kcdb_code == "EURAMET-EM-CH-00000GFB-6"
    assert first.kcdb_aliases == ["EURAMET-EM-CH-00000GFB-5"]
    kcdb.records = [other]
    call_command(
        "kcdb_sync", "metas", "--as", editor.email, "--area", "EM", "--apply", "--retire-absent"
    )
    first.refresh_from_db()
    assert first.status == ServiceStatus.RETIRED
    assert Service.objects.count() == 2


def test_sync_refuses_someone_who_may_not_import_for_the_institute(kcdb, metas):
    outsider = MembershipFactory().user
    with pytest.raises(CommandError):
        call_command("kcdb_sync", "metas", "--as", outsider.email, "--area", "EM")
    assert not Service.objects.exists()


def test_an_unreachable_kcdb_is_a_clear_error(monkeypatch, metas, editor):
    def refuse(adapter, request, **kwargs):
        raise requests.ConnectionError("no route to host")

    monkeypatch.setattr(requests.adapters.HTTPAdapter, "send", refuse)
    with pytest.raises(CommandError, match="did not answer"):
        call_command("kcdb_sync", "metas", "--as", editor.email, "--area", "EM")
