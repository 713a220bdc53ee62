"""gavel: legal-policy decisions on accounts and posts, from Python.

A thin binding over libgavel (the C library, through ctypes; no other
dependency). The concepts are the library's::

    import gavel
    policy = gavel.Policy("examples/quickstart/policy")      # loaded once
    d = policy.evaluate({"id": "acc1", "category": "news_media"}, as_of="2021-02-04")
    d.decision, [r.rule for r in d.reasons], d.missing
    for d in policy.evaluate_many(open("accounts.jsonl"), as_of="2021-02-04"):
        print(d.to_json())          # the same line as `gavel eval`

Threads: a Policy is immutable once loaded and may be shared by any number
of threads. Each thread that evaluates gets its own evaluator (a Lua state),
made on first use and kept in a ``threading.local`` inside the Policy, so
calling ``policy.evaluate`` from many threads at once is safe, and the
evaluations run in parallel (ctypes releases the GIL inside the library).
A generator from ``evaluate_many`` may be advanced from any thread; each
step uses the evaluator of the thread that advances it.

Processes: a Policy cannot be pickled; make one in each process (for
example once per worker, see examples/dask/).

Errors are exceptions derived from GavelError, one per gavel_status code.
A record that cannot be read, or a rule that fails on a record, is not an
exception: like ``gavel eval``, the record gets the policy's on_error
decision with the message in ``decision.errors`` (pass ``strict=True`` to
raise InputError or RuleError instead).
"""
import json as _json
import os as _os
import threading as _threading
from dataclasses import dataclass as _dataclass, fields as _fields
from typing import Any, Dict, List, NamedTuple, Optional, Sequence

from . import _native
from ._native import library_path

__all__ = [
    "Policy", "Decision", "Reason", "Measure", "Target", "Missing", "ErrorEntry",
    "Diagnostic", "Rule",
    "Limits", "GavelError", "OutOfMemory", "GavelIOError", "PolicyError",
    "InputError", "RuleError", "ArgumentError", "check", "version", "load_library",
    "library_path",
]

# ---- errors -------------------------------------------------------------------


class GavelError(Exception):
    """Base of every error the library reports. ``status`` is the
    gavel_status code (an int), ``status_name`` its name."""
    status = None

    def __init__(self, message, status=None, decision=None):
        super().__init__(message)
        if status is not None:
            self.status = status
        self.message = message
        self.decision = decision      # for InputError/RuleError under strict=True

    def __str__(self):
        return self.message

    @property
    def status_name(self):
        return _native.text(_native.load().gavel_status_name(self.status))


class OutOfMemory(GavelError, MemoryError):
    """GAVEL_ENOMEM: the library ran out of memory."""
    status = _native.ENOMEM


class GavelIOError(GavelError, OSError):
    """GAVEL_EIO: a file could not be read or written."""
    status = _native.EIO


class PolicyError(GavelError):
    """GAVEL_EPOLICY: the policy did not load. ``diagnostics`` lists every
    problem found (Diagnostic), errors and warnings, with file:line:col."""
    status = _native.EPOLICY

    def __init__(self, message, diagnostics=()):
        self.diagnostics = list(diagnostics)
        errors = [str(d) for d in self.diagnostics if d.severity == "error"]
        super().__init__("\n".join(errors) if errors else message)


class InputError(GavelError):
    """GAVEL_EINPUT: a record or a context could not be read."""
    status = _native.EINPUT


class RuleError(GavelError):
    """GAVEL_ERULE: a rule failed on the record (strict=True only)."""
    status = _native.ERULE


class ArgumentError(GavelError, ValueError):
    """GAVEL_EARG: a bad argument (a malformed date, an empty id field...)."""
    status = _native.EARG


_ERRORS = {_native.ENOMEM: OutOfMemory, _native.EIO: GavelIOError,
           _native.EPOLICY: PolicyError, _native.EINPUT: InputError,
           _native.ERULE: RuleError, _native.EARG: ArgumentError}


def _error(status, message, decision=None):
    cls = _ERRORS.get(status, GavelError)
    if cls is PolicyError:
        return PolicyError(message)
    return cls(message, status, decision)


# ---- small values -------------------------------------------------------------


@_dataclass
class Limits:
    """Per-record limits (gavel_limits). 0 means the default; values given
    to Policy() win over the manifest's ``limits:``."""
    instructions: int = 0     # Lua instructions per record
    millis: int = 0           # wall-clock ms per record
    memory: int = 0           # Lua heap bytes per evaluator
    record_bytes: int = 0     # source bytes of one record
    depth: int = 0            # nesting depth of a record
    nodes: int = 0            # values in one record
    string_bytes: int = 0     # bytes in one string of a record

    def _to_c(self):
        c = _native.Limits()
        for f in _fields(self):
            setattr(c, f.name, int(getattr(self, f.name) or 0))
        return c

    @classmethod
    def _from_c(cls, c):
        return cls(**{f.name: getattr(c, f.name) for f in _fields(cls)})


class Diagnostic(NamedTuple):
    """A problem found loading or checking a policy."""
    file: str
    line: int               # 1-based; 0 when not known
    col: int
    severity: str           # "error" or "warning"
    message: str

    def __str__(self):
        where = self.file or "policy"
        if self.line:
            where += ":%d:%d" % (self.line, self.col or 1)
        return "%s: %s: %s" % (where, self.severity, self.message)


class Rule(NamedTuple):
    """A rule of a loaded policy (gavel_rule_info)."""
    id: str
    outcome: Optional[str]  # None for a rule that only defeats others
    cites: Optional[str]
    reason: Optional[str]   # the template, with {name} placeholders
    file: str
    line: int
    in_force_from: Optional[str]
    in_force_until: Optional[str]
    defeats: tuple          # rule ids (globs expanded)


class Target(NamedTuple):
    """What a measure acts on: an account or an item of one ("post")."""
    kind: str
    id: Any                 # as the record has it: a str or a number


class Measure(NamedTuple):
    """What to do (docs/policy.md, "Measures"): an action of the policy's,
    on targets, in a scope (sorted ISO 3166-1 alpha-2 codes, or "*"), by
    ``due`` and until ``until`` (RFC 3339 UTC, None when not set), ordered
    by ``rules``."""
    action: str
    targets: List[Target]
    scope: List[str]
    due: Optional[str]
    until: Optional[str]
    rules: List[str]


class Reason(NamedTuple):
    """A rule that decided (in Decision.reasons) or was set aside (in
    Decision.defeated, where ``by`` names the rule that defeated it and
    ``measures`` are the measures set aside with it)."""
    rule: str
    outcome: Optional[str]
    cites: Optional[str]
    reason: Optional[str]
    evidence: Dict[str, Any]
    by: Optional[str] = None
    measures: Sequence[Measure] = ()   # immutable: a default shared by every Reason


class Missing(NamedTuple):
    """A record field that rules read and the record lacks."""
    path: str               # "posts[2].labels.speech_level"
    rules: List[str]


class ErrorEntry(NamedTuple):
    """An error on a record: ``rule`` is None for an error in the record
    itself (the message then says where)."""
    rule: Optional[str]
    message: str


# ---- decisions ----------------------------------------------------------------


def _measure(m):
    return Measure(m["action"], [Target(t["kind"], t["id"]) for t in m["targets"]],
                   list(m["scope"]), m.get("due"), m.get("until"), list(m["rules"]))


def _reason(e):
    return Reason(e.get("rule"), e.get("outcome"), e.get("cites"), e.get("reason"),
                  e.get("evidence") or {}, e.get("by"),
                  [_measure(m) for m in e.get("measures", ())])


class Decision:
    """The decision for one record. Its JSON form (``to_json()``) is the
    library's own writer, byte for byte the line ``gavel eval`` prints; the
    attributes are read from it on first use."""
    __slots__ = ("_json", "_data", "status")

    def __init__(self, json_text, status=_native.OK):
        self._json = json_text
        self._data = None
        self.status = status          # the gavel_status of the evaluation

    @property
    def _d(self):
        if self._data is None:
            self._data = _json.loads(self._json)
        return self._data

    # The decision's fields (docs/policy.md, "The decision"), in its order.
    @property
    def id(self):
        """The record's id field, else its position (1-based)."""
        return self._d.get("id")

    @property
    def decision(self) -> str:
        return self._d["decision"]

    outcome = decision

    @property
    def default(self) -> bool:
        """True when no rule applied and the policy's default was given."""
        return bool(self._d.get("default", False))

    @property
    def policy(self) -> Dict[str, str]:
        """{"name", "version", "digest"} of the policy that decided."""
        return self._d["policy"]

    @property
    def reasons(self) -> List[Reason]:
        return [_reason(e) for e in self._d.get("reasons", ())]

    @property
    def measures(self) -> List[Measure]:
        """What to do; [] when the policy declares no actions, or none apply."""
        return [_measure(m) for m in self._d.get("measures", ())]

    @property
    def defeated(self) -> List[Reason]:
        return [_reason(e) for e in self._d.get("defeated", ())]

    @property
    def fired(self) -> List[str]:
        return list(self._d.get("fired", ()))

    @property
    def missing(self) -> List[Missing]:
        return [Missing(m["path"], list(m["rules"])) for m in self._d.get("missing", ())]

    @property
    def errors(self) -> List[ErrorEntry]:
        return [ErrorEntry(e.get("rule"), e.get("message")) for e in self._d.get("errors", ())]

    @property
    def as_of(self) -> str:
        return self._d.get("as_of")

    @property
    def ok(self) -> bool:
        """No errors: the record was read and every rule ran."""
        return not self._d.get("errors")

    def to_json(self) -> str:
        """One line of JSON (no newline), exactly as `gavel eval` writes it."""
        return self._json

    def to_dict(self) -> Dict[str, Any]:
        """A fresh dict of the JSON form."""
        return _json.loads(self._json)

    def __eq__(self, other):
        return isinstance(other, Decision) and other._json == self._json

    def __hash__(self):
        return hash(self._json)

    def __repr__(self):
        rules = ",".join(r.rule for r in self.reasons)
        return "<Decision %r %s%s%s>" % (self.id, self.decision,
                                        " by " + rules if rules else "",
                                        " (default)" if self.default else "")


# ---- the policy -----------------------------------------------------------------


class _PolicyHandle:
    """Owns the gavel_policy. Evaluators keep a reference to it, so the
    policy is freed only after the last of them."""

    def __init__(self, lib, ptr):
        self.lib, self.ptr = lib, ptr

    def __del__(self):
        if self.ptr:
            self.lib.gavel_policy_free(self.ptr)
            self.ptr = None


def _encode(s):
    return s.encode("utf-8") if isinstance(s, str) else s


class _Worker:
    """One thread's evaluator, decision and record."""

    def __init__(self, handle, id_field):
        lib = handle.lib
        self.lib, self.handle = lib, handle
        self.ev = self.dec = self.rec = None
        self.ev = lib.gavel_evaluator_new(handle.ptr)
        self.dec = lib.gavel_decision_new()
        self.rec = lib.gavel_record_new()
        if not (self.ev and self.dec and self.rec):
            raise OutOfMemory("out of memory making an evaluator", _native.ENOMEM)
        st = lib.gavel_evaluator_status(self.ev)
        if st != _native.OK:
            raise _error(st, _native.text(lib.gavel_evaluator_errmsg(self.ev)))
        if id_field:
            self.check(lib.gavel_evaluator_set_id_field(self.ev, _encode(id_field)))
        self.context_key = None
        self.as_of_key = None
        self.len = _native.c_size_t()

    def __del__(self):
        lib = self.lib
        lib.gavel_record_free(self.rec)
        lib.gavel_decision_free(self.dec)
        lib.gavel_evaluator_free(self.ev)

    def check(self, status):
        if status != _native.OK:
            raise _error(status, _native.text(self.lib.gavel_evaluator_errmsg(self.ev)))

    def configure(self, ctx, as_of):
        """Sets the context ((text, name) from _context_text, or None) and
        the date, unless they are set already."""
        if ctx != self.context_key:
            self.context_key = None
            if ctx is None:
                self.check(self.lib.gavel_evaluator_set_context(self.ev, None, 0, None))
            else:
                text, name = ctx
                self.check(self.lib.gavel_evaluator_set_context(self.ev, text, len(text),
                                                                _encode(name)))
            self.context_key = ctx
        if hasattr(as_of, "isoformat"):
            as_of = as_of.isoformat()[:10]
        if as_of != self.as_of_key:
            self.as_of_key = None
            self.check(self.lib.gavel_evaluator_set_as_of(self.ev, _encode(as_of)))
            self.as_of_key = as_of

    def evaluate(self, data, fmt, position, strict):
        lib = self.lib
        lib.gavel_record_parse(self.rec, data, len(data), fmt, b"record", None)
        lib.gavel_record_set_position(self.rec, position)
        st = lib.gavel_evaluate(self.ev, self.rec, self.dec)
        if st in (_native.ENOMEM, _native.EARG):
            raise _error(st, _native.text(lib.gavel_evaluator_errmsg(self.ev)))
        ptr = lib.gavel_decision_json(self.dec, _native.ctypes.byref(self.len))
        if not ptr:
            raise OutOfMemory("out of memory writing the decision", _native.ENOMEM)
        d = Decision(_native.ctypes.string_at(ptr, self.len.value).decode("utf-8"), st)
        if strict and st != _native.OK:
            msgs = "; ".join(e.message for e in d.errors)
            raise _error(st, msgs or _native.text(lib.gavel_status_name(st)), d)
        return d


def _context_text(context):
    """(text bytes, name) for a context, None for none."""
    if context is None:
        return None
    if isinstance(context, (str, bytes)):
        return (_encode(context), "context")
    if isinstance(context, _os.PathLike):
        path = _os.fspath(context)
        try:
            with open(path, "rb") as f:
                return (f.read(), _os.fsdecode(path))
        except OSError as e:
            raise GavelIOError("%s: cannot open the context file: %s"
                               % (_os.fsdecode(path), e.strerror), _native.EIO) from e
    if isinstance(context, dict):
        return (_json.dumps(context, ensure_ascii=False).encode("utf-8"), "context")
    raise TypeError("context must be a dict, str, bytes or os.PathLike, not %s"
                    % type(context).__name__)


def _record_bytes(record):
    if isinstance(record, bytes):
        return record
    if isinstance(record, str):
        return record.encode("utf-8")
    if isinstance(record, (bytearray, memoryview)):
        return bytes(record)
    return _json.dumps(record, ensure_ascii=False).encode("utf-8")


_FORMATS = {"json": _native.JSON, "yaml": _native.YAML}


def _format(fmt):
    try:
        return _FORMATS[fmt]
    except KeyError:
        raise ValueError("format must be 'json' or 'yaml', not %r" % (fmt,)) from None


def _limits_c(limits):
    if limits is None:
        return None
    if isinstance(limits, dict):
        limits = Limits(**limits)
    if not isinstance(limits, Limits):
        raise TypeError("limits must be a gavel.Limits or a dict")
    return limits._to_c()


def _diagnostics(lib, ptr):
    out = []
    for i in range(lib.gavel_policy_ndiags(ptr)):
        d = lib.gavel_policy_diag(ptr, i).contents
        out.append(Diagnostic(_native.text(d.file) or "", d.line, d.col,
                              "error" if d.severity == 0 else "warning",
                              _native.text(d.message)))
    return out


class Policy:
    """A loaded policy: a directory with policy.yaml and rule files (or the
    manifest itself). Raises PolicyError, with ``.diagnostics``, when it
    does not load.

    ``limits`` (Limits or a dict of its fields) overrides the manifest's
    limits; ``id_field`` names the record field used as the decision id
    (default "id")."""

    _check = False

    def __init__(self, path, limits=None, *, id_field=None):
        lib = _native.load()
        climits = _limits_c(limits)
        load = lib.gavel_policy_check if self._check else lib.gavel_policy_load
        ptr = load(_os.fsencode(path), _native.ctypes.byref(climits) if climits else None)
        if not ptr:
            raise OutOfMemory("out of memory loading the policy", _native.ENOMEM)
        self._handle = _PolicyHandle(lib, ptr)
        self.diagnostics = _diagnostics(lib, ptr)
        status = lib.gavel_policy_status(ptr)
        if status != _native.OK:
            raise PolicyError(_native.text(lib.gavel_policy_errmsg(ptr)), self.diagnostics)
        t = _native.text
        self.name = t(lib.gavel_policy_name(ptr))
        self.version = t(lib.gavel_policy_version(ptr))
        self.digest = t(lib.gavel_policy_digest(ptr))
        self.dir = t(lib.gavel_policy_dir(ptr))
        self.outcomes = [t(lib.gavel_policy_outcome(ptr, i))
                         for i in range(lib.gavel_policy_noutcomes(ptr))]
        self.default = t(lib.gavel_policy_default(ptr))
        self.on_error = t(lib.gavel_policy_on_error(ptr))
        self.limits = Limits._from_c(lib.gavel_policy_limits(ptr).contents)
        self.rules = []
        for i in range(lib.gavel_policy_nrules(ptr)):
            r = lib.gavel_policy_rule(ptr, i).contents
            self.rules.append(Rule(t(r.id), t(r.outcome), t(r.cites), t(r.reason),
                                   t(r.file), r.line, t(r.in_force_from),
                                   t(r.in_force_until),
                                   tuple(t(r.defeats[k]) for k in range(r.ndefeats))))
        self._id_field = id_field
        self._local = _threading.local()

    def __repr__(self):
        return "<gavel.Policy %s %s %s>" % (self.name, self.version, self.digest[:19])

    def __reduce__(self):
        raise TypeError("a gavel.Policy cannot be pickled: load it in each process")

    def _worker(self):
        w = getattr(self._local, "worker", None)
        if w is None:
            w = self._local.worker = _Worker(self._handle, self._id_field)
        return w

    def evaluate(self, record, context=None, as_of=None, *, format="json",
                 position=1, strict=False) -> Decision:
        """Decides one record.

        record   a dict (or any JSON-serialisable value), or the text of one
                 record as str or bytes (JSON; YAML with format="yaml").
        context  what rules see as ``ctx``: a dict, the text of a YAML/JSON
                 document (str/bytes), or a path as pathlib.Path/os.PathLike.
        as_of    the evaluation date, "YYYY-MM-DD" or a datetime.date; None:
                 the context's as_of, else today (UTC).
        position the record's position, used as its id when it has none.
        strict   raise InputError/RuleError (with ``.decision``) instead of
                 returning an on_error decision.

        Raises ArgumentError for a malformed date, InputError for a context
        that cannot be read, GavelIOError for a context file that cannot be
        opened, OutOfMemory."""
        w = self._worker()
        w.configure(_context_text(context), as_of)
        return w.evaluate(_record_bytes(record), _format(format), position, strict)

    def evaluate_many(self, records, context=None, as_of=None, *, format="json",
                      strict=False):
        """Decides each record of an iterable, lazily: a generator of
        Decisions in input order, one per record.

        Items are as for evaluate(): dicts, or the text of one record each
        (lines of a JSON Lines file, with or without their newline). Like
        `gavel eval`, whitespace-only str/bytes items are skipped and not
        counted: the n-th record's position (its id when it has none) is n.
        ``context`` and ``as_of`` are set once for the whole stream."""
        fmt = _format(format)
        ctx = _context_text(context)    # a context file is read once
        position = 0
        for record in records:
            data = _record_bytes(record)
            if isinstance(record, (str, bytes)) and not data.strip():
                continue
            position += 1
            w = self._worker()
            w.configure(ctx, as_of)
            yield w.evaluate(data, fmt, position, strict)


def check(path, limits=None):
    """Loads and lints a policy (`gavel check`): returns the diagnostics,
    errors and warnings, sorted by file, line and column. Never raises
    PolicyError: a policy that does not load gives its errors here."""
    try:
        p = _CheckedPolicy(path, limits)
    except PolicyError as e:
        return e.diagnostics
    return p.diagnostics


class _CheckedPolicy(Policy):
    _check = True


def version() -> str:
    """The library's version and the Lua it links, "0.1.0 (Lua 5.4.4)"."""
    return _native.text(_native.load().gavel_version())


def load_library(path=None):
    """Loads libgavel now, from ``path`` if given (before any other use),
    else as described in gavel._native. Returns the path it was loaded
    from. Raises OSError when it cannot be found."""
    _native.load(path)
    return library_path()
