"""The catalog: what the shop sells and how much of it is there — browsing categories and
products (catalog), loading the shop's CSV/xlsx file and what it would change (catalog_import,
one module for the command line and the staff group), a sent file's preview waiting for
Import (catalog_preview), the file written back (catalog_export), a product edited or created
from the staff group (product_edit), and every movement of stock with its low-stock alerts
(stock, the only module that changes stock or reservations)."""
