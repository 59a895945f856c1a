"""What the capabilities app adds to the site's shared pages."""

from nmiq_portal.core.sections import Section, register

from . import selectors

register(
    Section(
        page="home_lead",
        key="capabilities.search",
        template="capabilities/_home_search.html",
        context=lambda request: {},
        order=10,
    )
)
register(
    Section(
        page="home",
        key="capabilities.directory_counts",
        template="capabilities/_home.html",
        context=lambda request: {"counts": selectors.directory_counts()},
        order=10,
    )
)
register(
    Section(
        page="work",
        key="capabilities.work",
        template="capabilities/_work.html",
        context=lambda request: {"work": selectors.capabilities_work_of(user=request.user)},
        order=10,
    )
)
register(
    Section(
        page="profile",
        key="capabilities.memberships",
        template="capabilities/_profile_institutes.html",
        context=lambda request: {"memberships": selectors.memberships_of(user=request.user)},
        order=10,
    )
)
register(
    Section(
        page="profile",
        key="capabilities.access_requests",
        template="capabilities/_profile_access_requests.html",
        context=lambda request: {
            "access_requests": selectors.open_access_requests_of(user=request.user)[:10]
        },
        order=20,
    )
)
register(
    Section(
        page="profile",
        key="capabilities.received_requests",
        template="capabilities/_received_requests.html",
        context=lambda request: {
            "received": selectors.requests_to_institutes(user=request.user),
            "card": True,
        },
        order=15,
    )
)
register(
    Section(
        page="institute",
        key="capabilities.received_requests",
        template="capabilities/_received_requests.html",
        context=lambda request, institute: {
            "received": selectors.requests_to_institutes(user=request.user, institute=institute)
        },
        order=5,
    )
)
