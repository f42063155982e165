"""Ingest: read a fiscal year's source file into cells with their page, line and column."""
