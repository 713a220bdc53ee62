"""The part of the Dask example that runs on the workers: decide one
partition of JSON Lines with the gavel Python binding.

It lives in its own module (not in evaluate.py, the script) so that Dask
sends workers a reference to it, not a pickled copy: the module-level cache
below then really is one per worker process, and each worker loads the
policy once, not once per partition.
"""
import threading

import gavel

_POLICIES = {}
_LOCK = threading.Lock()


def worker_policy(path, digest=None):
    """This process's Policy for `path`, loaded on first use. With `digest`,
    checks the worker sees the same policy files as the client did."""
    with _LOCK:
        policy = _POLICIES.get(path)
        if policy is None:
            policy = _POLICIES[path] = gavel.Policy(path)
    if digest and policy.digest != digest:
        raise RuntimeError("the policy at %s on this worker is %s, the client loaded %s"
                           % (path, policy.digest, digest))
    return policy


def evaluate_partition(lines, policy_path, digest=None, as_of=None, context=None):
    """Decides every line of a partition; returns the decision JSON lines in
    the same order. Blank lines are skipped, as `gavel eval` skips them.
    `context` is the context document's text (read once by the client)."""
    policy = worker_policy(policy_path, digest)
    return [d.to_json() for d in policy.evaluate_many(lines, context=context, as_of=as_of)]
