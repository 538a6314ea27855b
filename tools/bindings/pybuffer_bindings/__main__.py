"""python -m pybuffer_bindings (with the zipapp or the package directory on sys.path)."""
import sys

from pybuffer_bindings.cli import main

sys.exit(main())
