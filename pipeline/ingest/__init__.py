"""Ingest: read a fiscal year's source file into cells with their page, line and column.

Two formats: the text extracted from the city's PDF (``.txt``, today's source) and the intake template
(``.csv`` or ``.xlsx``) that a department can fill in instead. Both give a SourceTable.
"""
