# The two commands of the README, and a few conveniences.
#   make demo   install what is missing, build, run the farmers'-protest example
#   make test   build and run the whole suite, then again under ASan+UBSan
BUILD      ?= build
ASAN_BUILD ?= build-asan
TSAN_BUILD ?= build-tsan
JOBS       ?= $(shell nproc 2>/dev/null || echo 2)
QUICKSTART ?= eval -p examples/quickstart/policy --as-of 2021-02-04 -f table --summary examples/quickstart/accounts.jsonl

.PHONY: all deps build demo quickstart test test-plain test-asan test-tsan clean

all: build

deps:
	@tools/install-deps.sh

build: deps
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release >/dev/null
	@cmake --build $(BUILD) -j $(JOBS)

demo: build
	examples/farmers-protest/run.sh ./$(BUILD)/gavel

quickstart: build
	./$(BUILD)/gavel $(QUICKSTART)

test-plain: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

test-asan: deps
	@cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DGAVEL_SANITIZE=ON >/dev/null
	@cmake --build $(ASAN_BUILD) -j $(JOBS)
	cd $(ASAN_BUILD) && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  ctest --output-on-failure -j $(JOBS)

# ThreadSanitizer: 8 threads sharing one policy (tests/unit/test_threads.c),
# and every end-to-end case, where gavel eval runs its default -j threads.
test-tsan: deps
	@cmake -S . -B $(TSAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DGAVEL_TSAN=ON >/dev/null
	@cmake --build $(TSAN_BUILD) -j $(JOBS)
	cd $(TSAN_BUILD) && TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 \
	  ctest --output-on-failure -j $(JOBS) -R 'test_threads|e2e\.|scaleout'

test: test-plain test-asan test-tsan

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(TSAN_BUILD)

# gavel against the shared C and Python yardsticks (bench/README.md):
#   make bench BENCH_ARGS="50000 --runs 3"
BENCH_ARGS ?=
.PHONY: bench
bench: deps
	bench/run.sh $(BENCH_ARGS)
