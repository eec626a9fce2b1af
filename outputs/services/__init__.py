"""Writes to outputs, by sub-domain: page_import, outputs (edits and the revision claim) and updates
(status updates and their review). Views, admin, API, workbook and commands all call these."""
