"""Extraction stages: sentences -> mentions -> discovery -> resolution -> relations -> observations.

Each stage is a module of plain functions over offsets into the article text; `pipeline` chains them
into one `ArticleGraph` with provenance on every item.
"""
