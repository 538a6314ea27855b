"""python -m pybuffer_check [options] [TARGET...]: pybuffer-check under this interpreter."""
import sys

from pybuffer_check import main

sys.exit(main())
