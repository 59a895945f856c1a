"""The pages of the capabilities app, one module per seam; urls.py reads them from here."""

from .evidence import (
    evidence_add,
    evidence_edit,
    evidence_remove,
)
from .imports import (
    import_apply,
    import_bulk,
    import_detail,
    import_progress,
    import_start,
    import_template,
)
from .institutes import (
    institute_detail,
    institute_list,
    institute_members,
    institute_register,
    invitation,
    invitation_revoke,
    membership_end,
    membership_role,
)
from .records import (
    STATE_ACTION_PATTERN,
    contact_create,
    contact_edit,
    contact_state,
    institute_bulk,
    institute_edit,
    markdown_preview,
    service_create,
    service_detail,
    service_edit,
    service_state,
    testbed_create,
    testbed_detail,
    testbed_edit,
    testbed_state,
)
from .requests import (
    access_request,
    access_request_answer,
    access_request_comment,
    access_request_list,
    access_request_withdraw,
    saved_search_alerts,
    saved_search_create,
    saved_search_delete,
    saved_search_list,
    service_contact,
    service_request_access,
    testbed_contact,
    testbed_request_access,
)
from .search import (
    directory,
    directory_export,
    directory_map,
    directory_map_data,
)
