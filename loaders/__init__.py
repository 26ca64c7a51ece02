"""Articles in: readers for each source format, and the extraction stages."""
