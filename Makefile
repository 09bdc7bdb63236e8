# The two commands a new user needs: `make test` and `make demo` (README.md).
# Everything else here is a convenience around CMake.

BUILD ?= build
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
FUZZ_SECONDS ?= 60
CMAKE_FLAGS ?=

# Debian packages the tests need (the library itself needs only a C compiler).
TEST_PACKAGES := cmake make gcc pkg-config libzydis-dev libunicorn-dev \
                 gcc-mingw-w64-x86-64 mingw-w64-x86-64-dev clang libclang-rt-14-dev

.PHONY: all deps test demo bench fuzz install clean

all:
	cmake -S . -B $(BUILD) $(CMAKE_FLAGS)
	cmake --build $(BUILD) -j$(JOBS)

# Install the missing packages (as root, or through sudo when there is one).
deps:
	@missing=""; for p in $(TEST_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  sudo=""; [ "$$(id -u)" = 0 ] || sudo=sudo; \
	  $$sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq $$missing; \
	fi

test: deps
	cmake -S . -B $(BUILD) -DWHVEMU_WERROR=ON -DWHVEMU_BUILD_BENCH=ON $(CMAKE_FLAGS)
	cmake --build $(BUILD) -j$(JOBS)
	cd $(BUILD) && ctest --output-on-failure -j$(JOBS)

demo:
	cmake -S . -B $(BUILD) $(CMAKE_FLAGS)
	cmake --build $(BUILD) -j$(JOBS) --target whvemu_cli
	$(BUILD)/tools/whvemu demo

bench: deps
	cmake -S . -B $(BUILD) -DWHVEMU_BUILD_BENCH=ON -DCMAKE_BUILD_TYPE=Release $(CMAKE_FLAGS)
	cmake --build $(BUILD) -j$(JOBS) --target whvemu_bench
	$(BUILD)/bench/whvemu_bench

# libFuzzer targets with ASan+UBSan, each run for FUZZ_SECONDS from the committed corpus.
fuzz: deps
	fuzz/run.sh fuzz_decode $(FUZZ_SECONDS)
	fuzz/run.sh fuzz_emulate $(FUZZ_SECONDS)

install: all
	cmake --install $(BUILD)

clean:
	rm -rf $(BUILD)
