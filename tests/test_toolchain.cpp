// test_toolchain.cpp: the compiler builds this project's code right. GCC 12.2 miscompiles a
// 32-byte constant store on AVX-512 targets (tests/gcc_wide_const.cpp says exactly how); the
// Makefile turns the faulty transformation off. Two checks, so that every machine checks it:
// - run: the reproducer, built with the project's flags for this CPU, stores the right constant
//   (fails without the workaround on an AVX-512 CPU; on an AVX2 CPU the bug cannot occur);
// - read: the reproducer compiled for x86-64-v4 (AVX-512) with the project's flags stores its
//   constant without a broadcast, and, with GCC 12, compiled without the workaround it does
//   broadcast (so the reproducer still reproduces and the first half is not vacuous).
// Run alone: ./tests/run_tests -tc="toolchain*"
#include <doctest/doctest.h>
#include "tests/test_util.h"
#include <new>

int* gcc_wide_const_copy();  // tests/gcc_wide_const.cpp

namespace {

// the body of the reproducer in an assembly file (from its label to the end of the function)
std::string function_body(const std::string& asm_path) {
    std::string s = read_file_if(asm_path);
    size_t b = s.find("_Z19gcc_wide_const_copyv:");
    if (b == std::string::npos) return "";
    size_t e = s.find(".cfi_endproc", b);
    return s.substr(b, e == std::string::npos ? std::string::npos : e - b);
}

}  // namespace

TEST_CASE("toolchain: a 32-byte constant copy stores the constant (GCC 12 AVX-512 bug)") {
    int* p = gcc_wide_const_copy();
    std::vector<int> got(p, p + 8);
    ::operator delete(p);
    CHECK(got == std::vector<int>{1, 0, 1, 0, 0, 0, 0, 0});
#ifndef __AVX512F__
    MESSAGE("this build has no AVX-512: the assembly check below covers the AVX-512 code");
#endif
}

TEST_CASE("toolchain: the x86-64-v4 assembly of the reproducer has no broadcast") {
    // written by the Makefile (build/toolchain/): with the project's CXXFLAGS, and without the workaround
    std::string fixed = function_body("build/toolchain/gcc_wide_const_v4.s");
    std::string bare = function_body("build/toolchain/gcc_wide_const_v4_bare.s");
    REQUIRE_MESSAGE(!fixed.empty(), "build/toolchain/gcc_wide_const_v4.s missing or without the function: run make test");
    REQUIRE(!bare.empty());
    // the constant goes out in one 256-bit store, loaded from the constant pool, not broadcast
    CHECK(fixed.find("%ymm") != std::string::npos);
    CHECK(fixed.find("vpbroadcast") == std::string::npos);
#if defined(__GNUC__) && !defined(__clang__) && __GNUC__ == 12
    CHECK_MESSAGE(bare.find("vpbroadcastq") != std::string::npos,
                  "GCC 12 without the workaround should broadcast the constant: the reproducer no longer reproduces");
#else
    MESSAGE("not GCC 12: whether this compiler has the bug without the workaround is not asserted");
#endif
}
