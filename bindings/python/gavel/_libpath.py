# Where libgavel was when this package was built: filled in by setup.py from
# GAVEL_LIBRARY at build time (pip install), None in the source tree.
LIBRARY = None
