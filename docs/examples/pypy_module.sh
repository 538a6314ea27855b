#!/bin/sh
# PyPy: the vendoring example (vendored_module.c), unchanged, built as a PyPy 3.9 extension
# module with the PyPy variant's archive (libpybuffer-pypy39.a) and imported in pypy3. PyPy's
# headers and module suffix come from pypy3's own sysconfig. Run by the docs.example.pypy
# test as
#   pypy_module.sh PYPY3 CC PYBUFFER_INCLUDE_DIR LIBPYBUFFER_PYPY39_A SOURCE SCRATCH_DIR
set -eu
pypy=$1 cc=$2 pybuffer_include=$3 archive=$4 source=$5 out=$6
inc=$("$pypy" -c "import sysconfig; print(sysconfig.get_paths()['include'])")
suffix=$("$pypy" -c "import sysconfig; print(sysconfig.get_config_var('EXT_SUFFIX'))")
mkdir -p "$out"
"$cc" -shared -fPIC -I"$inc" -I"$pybuffer_include" "$source" "$archive" -ldl \
  -Wl,--exclude-libs,ALL -o "$out/vendored_example$suffix"
# 9+7+5+3+1 through a strided view: pybuffer's ToContiguous followed the negative stride.
"$pypy" -c "import sys; sys.path.insert(0, sys.argv[1]); import vendored_example as m; \
s = m.checksum(memoryview(bytes(range(10)))[::-2]); print('checksum', s); sys.exit(s != 25)" "$out"
