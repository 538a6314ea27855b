"""Runs the case table of recorder.c in this interpreter (Python 2.7 or 3): the module named
on the command line, from PYTHONPATH, prints the records itself."""
import importlib
import sys

importlib.import_module(sys.argv[1]).run()
