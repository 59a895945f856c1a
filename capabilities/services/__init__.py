"""Every write of the capabilities app with a rule, one module per seam; each checks its
permission. Callers import from here: ``from capabilities import services``."""

from .access_requests import (
    ACCESS_REQUEST_REMINDER_WORKING_DAYS,
    SATURDAY,
    access_request_answer,
    access_request_comment,
    access_request_create,
    access_request_hold,
    access_request_remind_all,
    access_request_withdraw,
    access_requests_release,
    access_requests_to_remind,
    held_access_requests_expire,
    nth_working_day_back,
)
from .contact_messages import contact_message_send
from .evidence import (
    EVIDENCE_FIELDS,
    evidence_add,
    evidence_cite,
    evidence_remove,
    evidence_update,
)
from .imports import (
    IMPORT_LOCK_CLASS,
    IMPORT_MODELS,
    IMPORT_PROGRESS_STEPS,
    import_apply,
    import_check,
    import_columns,
    import_example,
    import_help,
    import_queue,
    import_sweep,
)
from .institutes import (
    INSTITUTE_FIELDS,
    INVITATION_VALIDITY,
    MAX_PENDING_REGISTRATIONS,
    count_invitation,
    institute_create,
    institute_delete,
    institute_register,
    institute_set_verified,
    institute_update,
    invitation_accept,
    invitation_create,
    invitation_decline,
    invitation_revoke,
    invitations_announce,
    membership_change_role,
    membership_end,
)
from .records import (
    CONTACT_FIELDS,
    RECORDS,
    RELATIONS,
    SERVICE_FIELDS,
    TESTBED_FIELDS,
    index_for_search,
    record_bulk_state,
    record_change,
    record_create,
    record_delete,
    record_publish,
    record_reinstate,
    record_retire,
    record_unpublish,
    record_update,
)
from .saved_searches import (
    ALERT_MATCHES_SHOWN,
    MAX_SAVED_SEARCHES,
    normalise_query,
    saved_search_alert,
    saved_search_alert_all,
    saved_search_create,
    saved_search_delete,
    saved_search_set_alerts,
)
from .search_words import search_words_refresh
from .synonyms import search_synonym_delete, search_synonym_save
