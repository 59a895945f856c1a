"""Every non-trivial read of the capabilities app, one module per seam; pages, the API, the
change feed and the tasks start from these. Callers import from here."""

from .directory import (
    FACETS,
    INSTITUTE_FACET_SIZE,
    DirectorySearch,
    Facet,
    FacetValue,
    directory_search,
)
from .facets import FACET_COLUMNS
from .history import (
    HistoryEntry,
    record_history,
)
from .institutes import (
    directory_counts,
    economy_choices,
    institute_list,
    institute_members,
    institute_pending_invitations,
    memberships_of,
)
from .map import MapPoints, map_points
from .records import (
    API_RELATIONS,
    area_trails,
    citing_candidates,
    contacts_for_api,
    import_records,
    institute_records,
    institute_selection,
    institutes_for_api,
    newly_published,
    record_contacts,
    related_testbed,
    service_for_page,
    services_for_api,
    technology_areas_for_api,
    testbed_for_page,
    testbeds_for_api,
)
from .registered import (
    site_page_records,
    site_search,
)
from .requests import (
    ACCESS_REQUEST_BOXES,
    OPEN_STATES,
    RECEIVED_SHOWN,
    ThreadEntry,
    access_request_events,
    access_request_thread,
    access_requests_for,
    access_requests_for_page,
    contactable_records,
    nobody_receives_requests,
    open_access_requests_of,
    open_request_for,
    record_contact_choices,
    requests_to_institutes,
    saved_searches_for_page,
    saved_searches_of,
)
from .results import directory_page_records
from .searched import (
    RECORD_FILTERS,
    SEARCHED,
    SORTS,
    directory_errors,
    directory_matches,
    search_params,
    searched_types,
)
from .suggestions import (
    FEW_RESULTS,
    SearchChip,
    Suggestion,
    Unranged,
    did_you_mean,
    search_chips,
    unranged,
)
from .table import (
    TABLE_KINDS,
    TABLE_SORTS,
    parse_table_sort,
    table_rows,
)
from .work import WORK_LIST_SIZE, CapabilitiesWork, capabilities_work_of
