"""Finding libgavel and declaring its C API to ctypes.

Nothing here is public; gavel/__init__.py is. The library is found, in
order, at:

1. the path in the environment variable GAVEL_LIBRARY;
2. the path recorded when the package was built (GAVEL_LIBRARY set during
   ``pip install``: see setup.py);
3. the build tree of a source checkout: ``build/libgavel.so`` at the top
   of the repository this package sits in (bindings/python/../../build);
4. the system's search: ``ctypes.util.find_library("gavel")``, then
   ``libgavel.so.0`` as the dynamic loader finds it (LD_LIBRARY_PATH).

ctypes releases the GIL around every call into the library, so threads
that evaluate really run in parallel.
"""
import ctypes
import ctypes.util
import os
import threading

from . import _libpath

SONAME = "libgavel.so.0"

c_char_p = ctypes.c_char_p
c_void_p = ctypes.c_void_p
c_size_t = ctypes.c_size_t
c_int = ctypes.c_int
c_uint = ctypes.c_uint


class Limits(ctypes.Structure):
    _fields_ = [("instructions", ctypes.c_uint64), ("millis", ctypes.c_uint32),
                ("memory", c_size_t), ("record_bytes", c_size_t),
                ("depth", c_uint), ("nodes", c_size_t), ("string_bytes", c_size_t)]


class Diag(ctypes.Structure):
    _fields_ = [("file", c_char_p), ("line", c_uint), ("col", c_uint),
                ("severity", c_int), ("message", c_char_p)]


class RuleInfo(ctypes.Structure):
    _fields_ = [("id", c_char_p), ("outcome", c_char_p), ("cites", c_char_p),
                ("reason", c_char_p), ("file", c_char_p), ("line", c_uint),
                ("in_force_from", c_char_p), ("in_force_until", c_char_p),
                ("ndefeats", c_size_t), ("defeats", ctypes.POINTER(c_char_p))]


# (name, restype, argtypes). Handles are plain pointers (c_void_p).
_PROTOTYPES = [
    ("gavel_version", c_char_p, []),
    ("gavel_status_name", c_char_p, [c_int]),
    ("gavel_limits_init", None, [ctypes.POINTER(Limits)]),
    # policy
    ("gavel_policy_load", c_void_p, [c_char_p, ctypes.POINTER(Limits)]),
    ("gavel_policy_check", c_void_p, [c_char_p, ctypes.POINTER(Limits)]),
    ("gavel_policy_free", None, [c_void_p]),
    ("gavel_policy_status", c_int, [c_void_p]),
    ("gavel_policy_errmsg", c_char_p, [c_void_p]),
    ("gavel_policy_ndiags", c_size_t, [c_void_p]),
    ("gavel_policy_diag", ctypes.POINTER(Diag), [c_void_p, c_size_t]),
    ("gavel_policy_name", c_char_p, [c_void_p]),
    ("gavel_policy_version", c_char_p, [c_void_p]),
    ("gavel_policy_digest", c_char_p, [c_void_p]),
    ("gavel_policy_dir", c_char_p, [c_void_p]),
    ("gavel_policy_limits", ctypes.POINTER(Limits), [c_void_p]),
    ("gavel_policy_noutcomes", c_size_t, [c_void_p]),
    ("gavel_policy_outcome", c_char_p, [c_void_p, c_size_t]),
    ("gavel_policy_default", c_char_p, [c_void_p]),
    ("gavel_policy_on_error", c_char_p, [c_void_p]),
    ("gavel_policy_nrules", c_size_t, [c_void_p]),
    ("gavel_policy_rule", ctypes.POINTER(RuleInfo), [c_void_p, c_size_t]),
    # records
    ("gavel_record_new", c_void_p, []),
    ("gavel_record_free", None, [c_void_p]),
    ("gavel_record_parse", c_int,
     [c_void_p, c_char_p, c_size_t, c_int, c_char_p, ctypes.POINTER(Limits)]),
    ("gavel_record_errmsg", c_char_p, [c_void_p]),
    ("gavel_record_set_position", None, [c_void_p, ctypes.c_uint64]),
    # evaluator
    ("gavel_evaluator_new", c_void_p, [c_void_p]),
    ("gavel_evaluator_free", None, [c_void_p]),
    ("gavel_evaluator_status", c_int, [c_void_p]),
    ("gavel_evaluator_errmsg", c_char_p, [c_void_p]),
    ("gavel_evaluator_set_context_file", c_int, [c_void_p, c_char_p]),
    ("gavel_evaluator_set_context", c_int, [c_void_p, c_char_p, c_size_t, c_char_p]),
    ("gavel_evaluator_set_as_of", c_int, [c_void_p, c_char_p]),
    ("gavel_evaluator_as_of", c_char_p, [c_void_p]),
    ("gavel_evaluator_set_id_field", c_int, [c_void_p, c_char_p]),
    # decisions
    ("gavel_decision_new", c_void_p, []),
    ("gavel_decision_free", None, [c_void_p]),
    ("gavel_evaluate", c_int, [c_void_p, c_void_p, c_void_p]),
    ("gavel_decision_json", c_void_p, [c_void_p, ctypes.POINTER(c_size_t)]),
]

# gavel_format and gavel_status, as in gavel.h.
JSON, YAML = 2, 3
OK, ENOMEM, EIO, EPOLICY, EINPUT, ERULE, EARG = range(7)

_lock = threading.Lock()
_lib = None
_lib_path = None


def _candidates():
    env = os.environ.get("GAVEL_LIBRARY")
    if env:
        yield env, "GAVEL_LIBRARY"
        return
    if _libpath.LIBRARY:
        yield _libpath.LIBRARY, "the path recorded at install"
    top = os.path.dirname(os.path.dirname(os.path.dirname(
        os.path.dirname(os.path.abspath(__file__)))))
    for name in (SONAME, "libgavel.so"):
        path = os.path.join(top, "build", name)
        if os.path.exists(path):
            yield path, "the build tree"
            break
    found = ctypes.util.find_library("gavel")
    if found:
        yield found, "the system's library path"
    yield SONAME, "the dynamic loader"


def _declare(lib):
    for name, restype, argtypes in _PROTOTYPES:
        fn = getattr(lib, name)
        fn.restype = restype
        fn.argtypes = argtypes
    return lib


def load(path=None):
    """Loads libgavel (once per process) and returns the ctypes library.

    ``path`` overrides the search described in this module's docstring; it
    is only honoured before the library has been loaded."""
    global _lib, _lib_path
    with _lock:
        if _lib is not None:
            return _lib
        tried = []
        for cand, where in ([(path, "the path given")] if path else _candidates()):
            try:
                lib = ctypes.CDLL(cand)
            except OSError as e:
                tried.append("%s (%s): %s" % (cand, where, e))
                continue
            _lib, _lib_path = _declare(lib), cand
            return _lib
        raise OSError("libgavel not found; set GAVEL_LIBRARY to the path of "
                      "libgavel.so.0. Tried:\n  " + "\n  ".join(tried))


def library_path():
    """The path (or name) libgavel was loaded from, None before loading."""
    return _lib_path


def text(b):
    """A C string from the library as str (None stays None)."""
    return None if b is None else b.decode("utf-8", "replace")
