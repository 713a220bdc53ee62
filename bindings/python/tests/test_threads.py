"""One Policy shared by threads: each thread gets its own evaluator, and
every thread's decisions equal the single-threaded ones."""
import gc
import json
import threading
import unittest
import weakref

import gavel

from .support import ACCOUNTS, AS_OF, POLICY

NTHREADS = 8
ROUNDS = 10


class TestThreads(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.policy = gavel.Policy(POLICY)
        with open(ACCOUNTS, encoding="utf-8") as f:
            cls.lines = f.read().splitlines()
        cls.expected = [d.to_json() for d in cls.policy.evaluate_many(cls.lines, as_of=AS_OF)]

    def run_threads(self, work):
        results, errors = [None] * NTHREADS, []
        start = threading.Barrier(NTHREADS)

        def run(i):
            try:
                start.wait()
                results[i] = work(i)
            except BaseException as e:          # reported below, in the main thread
                errors.append(e)

        threads = [threading.Thread(target=run, args=(i,)) for i in range(NTHREADS)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        if errors:
            raise errors[0]
        return results

    def test_every_thread_decides_as_one_thread_does(self):
        def work(i):
            out = []
            for k in range(ROUNDS):
                if (i + k) % 2:
                    out.append([d.to_json() for d in
                                self.policy.evaluate_many(self.lines, as_of=AS_OF)])
                else:
                    out.append([self.policy.evaluate(json.loads(line), as_of=AS_OF).to_json()
                                for line in self.lines])
            return out

        for rounds in self.run_threads(work):
            self.assertEqual(len(rounds), ROUNDS)
            for got in rounds:
                self.assertEqual(got, self.expected)

    def test_threads_with_different_dates_do_not_mix(self):
        dates = ["2021-02-04", "2020-01-01", "2022-12-31", "2021-02-05"]

        def work(i):
            return [d.as_of for k in range(ROUNDS)
                    for d in self.policy.evaluate_many(self.lines[:3], as_of=dates[i % 4])]

        for i, got in enumerate(self.run_threads(work)):
            self.assertEqual(set(got), {dates[i % 4]})

    def test_one_evaluator_per_thread_freed_with_the_thread(self):
        workers = [None] * NTHREADS
        all_alive = threading.Barrier(NTHREADS)

        def work(i):
            self.policy.evaluate({}, as_of=AS_OF)
            w = self.policy._worker()
            self.assertIs(w, self.policy._worker())     # kept for the thread
            workers[i] = weakref.ref(w)
            # Every thread's worker alive at once: a worker freed with an
            # early thread could otherwise lend its id() to a later one.
            all_alive.wait()
            return id(w)

        ids = self.run_threads(work)
        self.assertEqual(len(set(ids)), NTHREADS)
        gc.collect()
        self.assertTrue(all(ref() is None for ref in workers))

    def test_a_stream_moves_between_threads(self):
        it = self.policy.evaluate_many(self.lines, as_of=AS_OF)
        got = [next(it).to_json()]
        box = []
        t = threading.Thread(target=lambda: box.extend(d.to_json() for d in it))
        t.start()
        t.join()
        self.assertEqual(got + box, self.expected)

    def test_policy_outlives_nothing_it_needs(self):
        # Dropping the Policy while a stream is open keeps the library's
        # policy alive until the stream's evaluator is gone.
        p = gavel.Policy(POLICY)
        it = p.evaluate_many(self.lines, as_of=AS_OF)
        first = next(it)
        del p
        gc.collect()
        rest = [d.to_json() for d in it]
        self.assertEqual([first.to_json()] + rest, self.expected)


if __name__ == "__main__":
    unittest.main()
