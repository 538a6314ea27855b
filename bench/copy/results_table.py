#!/usr/bin/env python3
"""Kept for the commands already written down: bench/results_table.py copy <csv>."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import results_table  # noqa: E402

if __name__ == "__main__":
    results_table.main([sys.argv[0], "copy"] + sys.argv[1:])
