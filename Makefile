# The two commands users and CI rely on: `make run` and `make test`.
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
BUILD ?= build
TEST_BUILD ?= build-test
DATADIR ?= $(CURDIR)/data
# Extra satod flags for `make run`, e.g. make run ARGS="-debug=rpc -txindex".
ARGS ?=

.PHONY: all deps build run test unit functional bench fuzz clean

all: build

deps:
	@scripts/deps

build: deps
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release >/dev/null
	@cmake --build $(BUILD) -j $(JOBS) -- --no-print-directory

run: build
	@mkdir -p $(DATADIR)
	@echo "Starting a regtest node with data in $(DATADIR); Ctrl-C stops it."
	@echo "Talk to it from another terminal with:"
	@echo "  ./$(BUILD)/sato-cli -regtest -datadir=$(DATADIR) help"
	@echo "  ./$(BUILD)/sato-cli -regtest -datadir=$(DATADIR) -getinfo"
	@echo "  ./$(BUILD)/sato-cli -regtest -datadir=$(DATADIR) generatetoaddress 101 bcrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kygt080"
	./$(BUILD)/satod -regtest -datadir=$(DATADIR) $(ARGS)

# Tests build with clang (for libFuzzer) when it is there, always with
# AddressSanitizer and UndefinedBehaviorSanitizer, and warnings as errors.
test: deps
	@if command -v clang >/dev/null 2>&1; then cc=clang; fuzz=ON; else cc=cc; fuzz=OFF; fi; \
	  CC=$$cc cmake -S . -B $(TEST_BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	    -DSATO_SANITIZE=ON -DSATO_FUZZ=$$fuzz -DSATO_FAULT_INJECT=ON >/dev/null
	@cmake --build $(TEST_BUILD) -j $(JOBS) -- --no-print-directory
	@cd $(TEST_BUILD) && ctest --output-on-failure -j $(JOBS)

# The chain benchmark connects the issue's 2,000-block chain (about 10
# minutes on 2 cores); `make bench CHAIN_BLOCKS=300` is quicker.
CHAIN_BLOCKS ?= 2000
bench: build
	SATO_BENCH_CHAIN_BLOCKS=$(CHAIN_BLOCKS) ./$(BUILD)/sato_bench

clean:
	rm -rf $(BUILD) $(TEST_BUILD)
