#!/usr/bin/env python3
"""Entry point: `python cli.py --help`."""
from pipeline.cli import main

if __name__ == "__main__":
    main()
