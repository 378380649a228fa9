"""Reports the shop runs on (/laporan, /ekspor, the digest's chart): one definition of each
figure, used by the text, the charts and the exports. SQL in domain/store/reports.py,
cod.py and exports.py."""
