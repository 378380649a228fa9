"""The catalog: what the shop sells and how much of it is there — browsing categories and
products (catalog), loading the shop's CSV/xlsx file (catalog_import), and every movement of
stock with its low-stock alerts (stock, the only module that changes stock or reservations)."""
