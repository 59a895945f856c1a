"""What the projects API tests share: the endpoints, and a client signed in as someone."""

from collaborations.enums import PUBLIC_PROJECT_STATUSES, ProjectStatus

PROJECTS = "/api/v1/projects/"
TWAS = "/api/v1/twas/"
S = ProjectStatus
HIDDEN_STATES = [state for state in S.values if state not in PUBLIC_PROJECT_STATUSES]


def as_(api, user):
    """``api`` signed in as ``user`` (anonymous stays signed out)."""
    if user.is_authenticated:
        api.force_authenticate(user)
    return api


def detail(project) -> str:
    return f"{PROJECTS}{project.uuid}/"


def listed(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {item["uuid"] for item in response.json()["results"]}
