"""Records where libgavel is, when GAVEL_LIBRARY is set at build time:

    GAVEL_LIBRARY=/opt/gavel/lib/libgavel.so.0 pip install --no-build-isolation ./bindings/python

writes that path into gavel/_libpath.py of the installed package, so the
installed package finds the library without the variable. Everything else
is in pyproject.toml.
"""
import os

from setuptools import setup
from setuptools.command.build_py import build_py


class build_py_recording_library(build_py):
    def run(self):
        super().run()
        path = os.environ.get("GAVEL_LIBRARY")
        if path and not self.dry_run:
            target = os.path.join(self.build_lib, "gavel", "_libpath.py")
            with open(target, "w", encoding="utf-8") as f:
                f.write("# Recorded from GAVEL_LIBRARY when this package was built.\n")
                f.write("LIBRARY = %r\n" % os.path.abspath(path))


setup(cmdclass={"build_py": build_py_recording_library})
