"""The library's own results: counts for a period, month tables, hours per e-scout, the
anonymous rows, and their CSV, JSON and XLSX files."""
