"""Hazard pages: the lists and a hazard's page (``pages``), its workflow steps (``steps``), documents and
exports (``documents``), and the public QR report pages (``public``)."""
