"""Core: normalise, align, correct and check the records of one fiscal year."""
