"""Out: the release files of a fiscal year (tables, review report) built from the validated records."""
