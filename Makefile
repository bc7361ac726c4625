# Makefile: make train | make test | make bench | make clean
#   make train        builds ./train from train_gpt2.cu (compiled as C++ with the CPU backend)
#   make test         builds ./train and the doctest suites, runs them all (prints "N passed, M failed")
#   make test SAN=1   the same suites under AddressSanitizer + UBSan
#   make bench        the benchmark suite; its last line is one JSON object (tokens_per_s, mfu)
#   make 3m           the 3M 10-K experiment (out/3m/report.md)
CXX ?= g++
OPT ?= -O3 -march=native
CXXFLAGS = -std=c++17 $(OPT) -fopenmp -Wall -Wno-unused-result -I.
LDLIBS = -ldnnl
ifeq ($(SAN),1)
  OPT = -O1 -g -fno-omit-frame-pointer -march=native
  CXXFLAGS += -fsanitize=address,undefined -fno-sanitize-recover=undefined
  TEST_BIN = tests/run_tests_san
else
  TEST_BIN = tests/run_tests
endif
HEADERS = $(wildcard llmc/*.h data_prep/*.h)
TEST_SRCS = tests/main.cpp $(wildcard tests/test_*.cpp)
TEST_OBJS = $(patsubst tests/%.cpp,build/tests$(SAN)/%.o,$(TEST_SRCS))

.PHONY: all train test bench 3m clean
all: train

train: train_gpt2.cu $(HEADERS)
	$(CXX) $(CXXFLAGS) -x c++ train_gpt2.cu -o train $(LDLIBS)

build/tests$(SAN)/%.o: tests/%.cpp $(HEADERS) tests/test_util.h
	@mkdir -p $(dir $@)
	$(CXX) $(CXXFLAGS) -c $< -o $@

$(TEST_BIN): $(TEST_OBJS)
	$(CXX) $(CXXFLAGS) $^ -o $@ $(LDLIBS)

test: train $(TEST_BIN)
	./$(TEST_BIN)

bench: train
	./train bench

3m: train
	./train 3m

clean:
	rm -rf train build tests/run_tests tests/run_tests_san
