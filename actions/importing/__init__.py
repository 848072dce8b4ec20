"""Importing a handlingsplan from Word, Excel, CSV or a Planportal JSON export.

The pipeline: a Word or Excel package is checked before any parser opens it (sizes,
lying zip headers, DOCTYPEs: ``package``), a reader turns the file into
:class:`~actions.importing.tables.RawTable` rows (``readers``), the table parser
recognises the columns and builds a preview of focus areas, goals and actions with every
problem located by table, row and column (``parse``), and the commit writes the preview
through the services in one transaction (``commit``). Nothing is written before the commit.
"""
