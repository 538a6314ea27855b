#!/bin/sh
# Preloading: pybuffer replaces the buffer functions of an interpreter it is preloaded into,
# where the dynamic linker lets it (see the deployment table: a python whose executable
# contains libpython, as Debian's /usr/bin/python3, is not served). pybuffer-bindings, run
# under the same preload, says what is served. Run by the docs.example.preload test as
#   preload.sh LIBPYBUFFER PYTHON PYBUFFER_BINDINGS
set -eu
library=$1 python=$2 bindings=$3
LD_PRELOAD="$library" "$python" -c 'print(bytes(memoryview(b"pybuffer")[::-1]))'
LD_PRELOAD="$library" "$python" "$bindings"
