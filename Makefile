# The two commands of the README, and a few conveniences.
#   make demo   install what is missing, build, run the farmers'-protest example
#   make test   build and run the whole suite, then again under ASan+UBSan
BUILD      ?= build
ASAN_BUILD ?= build-asan
JOBS       ?= $(shell nproc 2>/dev/null || echo 2)
QUICKSTART ?= eval -p examples/quickstart/policy --as-of 2021-02-04 -f table --summary examples/quickstart/accounts.jsonl

.PHONY: all deps build demo quickstart test test-plain test-asan clean

all: build

deps:
	@tools/install-deps.sh

build: deps
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
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

test: test-plain test-asan

clean:
	rm -rf $(BUILD) $(ASAN_BUILD)
