"""From extracted records to a city-cooperation dataset: normalised tables (Parquet, DuckDB),
events and office holders consolidated over articles, the city network, and an HTML report.

Reads only the JSONL records (schemas/record.py); never runs extraction.
"""
