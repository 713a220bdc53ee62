# The two commands of the README, and a few conveniences.
#   make demo   install what is missing, build, run the farmers'-protest example
#   make test   build and run the whole suite, then again under ASan+UBSan
BUILD      ?= build
ASAN_BUILD ?= build-asan
TSAN_BUILD ?= build-tsan
FUZZ_BUILD ?= build-fuzz
MEMCHECK_BUILD ?= build-memcheck
JOBS       ?= $(shell nproc 2>/dev/null || echo 2)
QUICKSTART ?= eval -p examples/quickstart/policy --as-of 2021-02-04 -f table --summary examples/quickstart/accounts.jsonl

.PHONY: all deps deps-test build demo quickstart test test-plain test-asan test-tsan test-fuzz memcheck clean

all: build

deps:
	@tools/install-deps.sh

# What the whole suite needs besides: Chromium, clang, Dask, pip.
deps-test:
	@tools/install-deps.sh --test

build: deps
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release >/dev/null
	@cmake --build $(BUILD) -j $(JOBS)

demo: build
	examples/farmers-protest/run.sh ./$(BUILD)/gavel

quickstart: build
	./$(BUILD)/gavel $(QUICKSTART)

test-plain: deps-test build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

test-asan: deps-test
	@cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DGAVEL_SANITIZE=ON >/dev/null
	@cmake --build $(ASAN_BUILD) -j $(JOBS)
	cd $(ASAN_BUILD) && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  ctest --output-on-failure -j $(JOBS)

# ThreadSanitizer: 8 threads sharing one policy (tests/unit/test_threads.c),
# every end-to-end case, where gavel eval runs its default -j threads, and
# gavel serve (tests/serve), whose pool threads share generations of a policy.
test-tsan: deps-test
	@cmake -S . -B $(TSAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DGAVEL_TSAN=ON >/dev/null
	@cmake --build $(TSAN_BUILD) -j $(JOBS)
	cd $(TSAN_BUILD) && TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 \
	  ctest --output-on-failure -j $(JOBS) -R 'test_threads|e2e\.|scaleout|serve\.'

# The libFuzzer harnesses for a short, fixed number of runs each, and every
# input that once crashed (tests/fuzz/regressions). Long runs: make fuzz.
test-fuzz: fuzz-build
	cd $(FUZZ_BUILD) && ctest --output-on-failure -L fuzz

test: test-plain test-asan test-tsan test-fuzz

# Valgrind memcheck over a Debug build without sanitizers: every cmocka
# program, then every end-to-end case with each gavel process it starts
# under valgrind (tests/e2e/run-case.sh, GAVEL_MEMCHECK=1). Any error, or
# any definite or indirect leak, fails. About 4 minutes on 2 cores; not in test.
memcheck: deps-test
	@cmake -S . -B $(MEMCHECK_BUILD) -DCMAKE_BUILD_TYPE=Debug >/dev/null
	@cmake --build $(MEMCHECK_BUILD) -j $(JOBS)
	@for t in $(MEMCHECK_BUILD)/tests/test_*; do \
	  [ -x "$$t" ] || continue; echo "memcheck: $$t"; \
	  valgrind -q --error-exitcode=99 --leak-check=full --show-leak-kinds=definite,indirect \
	    --errors-for-leak-kinds=definite,indirect "$$t" >$(MEMCHECK_BUILD)/$$(basename $$t).memcheck 2>&1 \
	    || { cat $(MEMCHECK_BUILD)/$$(basename $$t).memcheck; exit 1; }; \
	done
	cd $(MEMCHECK_BUILD) && GAVEL_MEMCHECK=1 ctest --output-on-failure --timeout 3600 -j $(JOBS) -R '^e2e\.'

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(TSAN_BUILD) $(FUZZ_BUILD) $(MEMCHECK_BUILD)

# gavel against the C and Python yardsticks of bench/ (bench/README.md):
#   make bench BENCH_ARGS="50000 --runs 3"
BENCH_ARGS ?=
.PHONY: bench
bench: deps
	bench/run.sh $(BENCH_ARGS)

# Long fuzzing runs (tests/fuzz/README.md): each harness for FUZZ_SECONDS
# (default 10 minutes) or FUZZ_RUNS executions, whichever comes first,
# growing its corpus in $(FUZZ_WORK)/<name>/corpus; crashes land in
# $(FUZZ_WORK)/<name>/crashes/. Needs clang.
#   make fuzz FUZZERS="yaml jsonl" FUZZ_SECONDS=3600
# Without ASan the harnesses run about twice as fast; fuzz that way, then
# replay the whole corpus under ASan+UBSan (fuzz-replay):
#   make fuzz FUZZ_SANITIZE=undefined FUZZ_BUILD=build-fuzz-ub \
#        FUZZ_WORK=build-fuzz/fuzz-work FUZZ_RUNS=10000000 FUZZ_SECONDS=7200
#   make fuzz-replay
FUZZ_SECONDS  ?= 600
FUZZ_RUNS     ?= -1
FUZZ_SANITIZE ?= address,undefined
FUZZ_WORK     ?= $(FUZZ_BUILD)/fuzz-work
FUZZERS       ?= jsonl yaml manifest policy_eval record_eval lexicon

.PHONY: fuzz fuzz-build fuzz-replay
fuzz-build: deps-test
	@command -v clang >/dev/null || { echo "make fuzz needs clang: apt-get install clang" >&2; exit 2; }
	@CC=clang cmake -S . -B $(FUZZ_BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DGAVEL_FUZZ=ON \
	  -DGAVEL_FUZZ_SANITIZE=$(FUZZ_SANITIZE) >/dev/null
	@cmake --build $(FUZZ_BUILD) -j $(JOBS)

fuzz: fuzz-build
	@mkdir -p $(FUZZ_WORK); failed=""; for f in $(FUZZERS); do \
	  log=$(FUZZ_WORK)/$$f.log; \
	  echo "== fuzz_$$f for $(FUZZ_SECONDS) s (log: $$log)"; \
	  if tests/fuzz/run-fuzz.sh long $(FUZZ_BUILD)/tests/fuzz/fuzz_$$f $$f $(FUZZ_SECONDS) \
	       $(FUZZ_WORK)/$$f $(FUZZ_RUNS) >$$log 2>&1; then \
	    grep -E '^stat::(number_of_executed_units|average_exec_per_sec)' $$log; \
	  else \
	    failed="$$failed $$f"; tail -n 40 $$log; \
	  fi; \
	done; \
	if [ -n "$$failed" ]; then \
	  echo "fuzz: failures in:$$failed (inputs in $(FUZZ_WORK)/<name>/crashes/)" >&2; exit 1; \
	fi

# Every input of every long-run corpus, once, through this build's harnesses.
fuzz-replay: fuzz-build
	@for f in $(FUZZERS); do \
	  tests/fuzz/run-fuzz.sh corpus $(FUZZ_BUILD)/tests/fuzz/fuzz_$$f $$f $(FUZZ_WORK)/$$f || exit 1; \
	done

# gavel serve under wrk (bench/serve.sh, figures in bench/README.md):
#   make bench-serve BENCH_SERVE_ARGS="build/gavel 5"
BENCH_SERVE_ARGS ?=
.PHONY: bench-serve
bench-serve: build
	bench/serve.sh $(BENCH_SERVE_ARGS)
