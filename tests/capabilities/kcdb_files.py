"""The real KCDB files of the reference data that the import and search tests read as they are."""

from tests.support import REFERENCE_DATA as DATA

FIBRE_EARLIER = "kcdb_fibre_optics_cmc_listing_2025-08-19.csv"
FIBRE_LATER = "kcdb_fibre_optics_cmc_listing.csv"
NRC = "kcdb_nrc_canada_cmc_taxonomy.csv"
NPL = "npl_fibre_optic_power_meter_services.csv"
RECORDS = "kcdb_cmc_full_records.json"

__all__ = ["DATA", "FIBRE_EARLIER", "FIBRE_LATER", "NPL", "NRC", "RECORDS"]
