"""Exporting a plan (JSON for round trips, XLSX for people) and restoring a JSON export."""
