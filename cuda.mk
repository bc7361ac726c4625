# cuda.mk: the CUDA build, included from the Makefile (`include cuda.mk`).
#   make cuda-tests     builds tests/run_tests_cuda (the kernels vs their CPU twins, the GPU model)
#   make cuda-check     compiles every CUDA source without running anything (CI without a GPU)
#   make cuda-dev       builds the dev/cuda kernel benchmarks into build/cuda/
#   make cuda-bench     builds build/cuda/bench_gpt2 (GPT-2 124M training-step benchmark)
#   make cuda-emu       builds tests/test_cuda.cu against a CPU emulator of the kernels and of
#                       cuBLASLt (dev/cuda/emu) and runs it: no GPU or nvcc needed, only the CUDA
#                       headers, python3 and g++ (C++20); slow (minutes), for machines without a GPU
# CUDA_ARCH defaults to sm_80 + sm_90; e.g. `make cuda-tests CUDA_ARCH="-arch=sm_90"` for one.
# When nvcc is missing, HAVE_NVCC is empty and CUDA_TEST_BIN / CUDA_CHECK are empty too, so a
# Makefile can depend on them unconditionally.
# (including this file does not change the including Makefile's default goal: see the end)
_CUDA_MK_PREV_GOAL := $(.DEFAULT_GOAL)
NVCC ?= $(shell command -v nvcc 2>/dev/null || ls /usr/local/cuda/bin/nvcc 2>/dev/null)
HAVE_NVCC := $(if $(NVCC),$(shell $(NVCC) --version >/dev/null 2>&1 && echo yes),)
CUDA_ARCH ?= -gencode arch=compute_80,code=sm_80 -gencode arch=compute_90,code=sm_90
NVCC_OPT ?= -O3
# the CPU twins include oneDNN's header (llmc/matmul.h); without it, dev/cuda/stub provides a plain one
HAVE_DNNL := $(shell echo '\#include <dnnl.h>' | $(CXX) -x c++ -E - >/dev/null 2>&1 && echo yes)
ifeq ($(HAVE_DNNL),yes)
  CUDA_DNNL_FLAGS =
  CUDA_DNNL_LIBS = -ldnnl
else
  CUDA_DNNL_FLAGS = -Idev/cuda/stub
  CUDA_DNNL_LIBS =
endif
NVCCFLAGS = -std=c++17 $(NVCC_OPT) $(CUDA_ARCH) -I. $(CUDA_DNNL_FLAGS) -lineinfo \
            -Xcompiler -fopenmp,-Wall,-Wno-unused-result,-Wno-unknown-pragmas --expt-relaxed-constexpr
CUDA_LIBS = -lcublasLt -lcublas $(CUDA_DNNL_LIBS) -lgomp
CUDA_HEADERS = $(wildcard llmc/*.cuh llmc/*.h)
CUDA_DEV_SRCS = $(wildcard dev/cuda/*.cu)
CUDA_DEV_BINS = $(patsubst dev/cuda/%.cu,build/cuda/%,$(CUDA_DEV_SRCS))

ifeq ($(HAVE_NVCC),yes)
  CUDA_TEST_BIN = tests/run_tests_cuda
  CUDA_CHECK = cuda-check
  # the dev/cuda kernel benchmarks, compiled only: make test builds them so that they keep up with llmc/
  CUDA_DEV_CHECK = $(patsubst %.cu,build/cuda-check/%.o,$(CUDA_DEV_SRCS))
else
  CUDA_TEST_BIN =
  CUDA_CHECK =
  CUDA_DEV_CHECK =
endif

CUDA_INC ?= $(or $(wildcard $(dir $(NVCC))../include/cuda_bf16.h),/usr/local/cuda/include/cuda_bf16.h)
# the emulated GPU backend needs only the CUDA headers and python3 (see build/cuda-emu/libllmc_cuda.so)
EMU_BACKEND := $(if $(and $(wildcard $(CUDA_INC)),$(shell command -v python3 2>/dev/null)),build/cuda-emu/libllmc_cuda.so,)
EMU_SUITE := $(if $(EMU_BACKEND),build/cuda-emu/cuda_emu_suite,)


.PHONY: cuda-tests cuda-check cuda-dev cuda-bench cuda-test-run cuda-emu cuda-clean

cuda-tests: tests/run_tests_cuda

tests/run_tests_cuda: tests/test_cuda.cu tests/test_counts.h $(CUDA_HEADERS)
	@test -n "$(HAVE_NVCC)" || { echo "nvcc not found (set NVCC=/path/to/nvcc)"; exit 1; }
	$(NVCC) $(NVCCFLAGS) $< -o $@ $(CUDA_LIBS)

# runs the CUDA tests when they were built (they skip themselves, exit 0, without a GPU)
cuda-test-run: $(CUDA_TEST_BIN)
	@if [ -n "$(CUDA_TEST_BIN)" ]; then ./$(CUDA_TEST_BIN); else echo "nvcc not found: CUDA tests not built"; fi

build/cuda/%: dev/cuda/%.cu dev/cuda/common.h $(CUDA_HEADERS)
	@mkdir -p $(dir $@)
	$(NVCC) $(NVCCFLAGS) $< -o $@ $(CUDA_LIBS)

cuda-dev: $(CUDA_DEV_BINS)

cuda-bench: build/cuda/bench_gpt2

# compile-only: objects go to build/cuda-check/ (nothing is linked or run)
cuda-check: $(patsubst %.cu,build/cuda-check/%.o,tests/test_cuda.cu $(CUDA_DEV_SRCS))
	@echo "cuda-check: all CUDA sources compile"

build/cuda-check/%.o: %.cu $(CUDA_HEADERS) $(wildcard dev/cuda/common.h)
	@test -n "$(HAVE_NVCC)" || { echo "nvcc not found (set NVCC=/path/to/nvcc)"; exit 1; }
	@mkdir -p $(dir $@)
	$(NVCC) $(NVCCFLAGS) -c $< -o $@

# the CPU emulator (dev/cuda/emu): llmc/*.cuh rewritten into build/cuda-emu/llmc, then
# tests/test_cuda.cu built with g++ against them and the emulated cuBLASLt, and run
CUDA_EMU_SRCS = dev/cuda/emu/emu.h dev/cuda/emu/cublaslt_emu.cpp dev/cuda/emu/transform.py
cuda-emu: build/cuda-emu/cuda_emu_suite
	./build/cuda-emu/cuda_emu_suite

EMU_CXXFLAGS = -std=c++20 -O2 -DLLMC_CUDA_EMU -DLLMC_GLOBAL_NORM_BLOCKS=32 -Ibuild/cuda-emu -Idev/cuda/emu -I. -iquote llmc \
               -I$(dir $(CUDA_INC)) $(CUDA_DNNL_FLAGS) -fopenmp -Wall -Wno-unknown-pragmas
build/cuda-emu/llmc/model.cuh: $(CUDA_EMU_SRCS) $(CUDA_HEADERS)
	@mkdir -p build/cuda-emu/llmc
	python3 dev/cuda/emu/transform.py llmc build/cuda-emu/llmc

build/cuda-emu/cuda_emu_suite: tests/test_cuda.cu tests/test_counts.h build/cuda-emu/llmc/model.cuh
	$(CXX) $(EMU_CXXFLAGS) -x c++ tests/test_cuda.cu -x none dev/cuda/emu/cublaslt_emu.cpp -o $@ $(CUDA_DNNL_LIBS) -lpthread

# the GPU backend (llmc/device_cuda.cu) built against the emulator: ./train with
# LLMC_CUDA_LIB=build/cuda-emu/libllmc_cuda.so runs its --device cuda path on a CPU
# (tests/test_device.cpp; tiny models only: the emulator is slow)
build/cuda-emu/libllmc_cuda.so: llmc/device_cuda.cu build/cuda-emu/llmc/model.cuh $(HEADERS)
	$(CXX) $(EMU_CXXFLAGS) -shared -fPIC -x c++ llmc/device_cuda.cu -x none dev/cuda/emu/cublaslt_emu.cpp -o $@ $(CUDA_DNNL_LIBS) -lpthread

cuda-clean:
	rm -rf build/cuda build/cuda-check build/cuda-emu tests/run_tests_cuda

.DEFAULT_GOAL := $(_CUDA_MK_PREV_GOAL)
