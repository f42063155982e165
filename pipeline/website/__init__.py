"""Website: one MkDocs Material site per fiscal year, generated from that year's release, and the landing."""
