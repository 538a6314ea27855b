"""Prints one line describing the CPython running this script, for PybufferHosts.cmake:
version;shared;include dir;libpython path;real executable;free-threaded."""
import os
import sys
import sysconfig

cfg = sysconfig.get_config_var
libdir = cfg("LIBDIR") or ""
library = os.path.join(libdir, cfg("INSTSONAME") or cfg("LDLIBRARY") or "")
print(";".join([
    "%d.%d" % sys.version_info[:2],
    "1" if cfg("Py_ENABLE_SHARED") else "0",
    sysconfig.get_paths()["include"],
    os.path.realpath(library) if os.path.isfile(library) else "",
    os.path.realpath(sys.executable),
    "1" if cfg("Py_GIL_DISABLED") else "0",
]))
