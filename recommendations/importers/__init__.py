"""Importers of the files NGOs hold: UPR Info CSV, OHCHR UPR matrices, UHRI Excel exports and
the tracker's own CSV/XLSX. One module per format parses; `store` writes; `services` runs."""
