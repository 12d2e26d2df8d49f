"""Input: readers of files, JSONL, CSV and stdin, and text cleaning."""
