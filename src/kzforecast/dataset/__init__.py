"""One country's industry as one object: the Dataset every run reads (in progress)."""
