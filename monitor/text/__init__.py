"""Text utilities that know nothing of the pipeline: Thai normalisation, dates, URLs.

Nothing here imports from the rest of the monitor, so any stage may use them.
"""
