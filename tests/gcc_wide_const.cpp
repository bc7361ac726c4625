// gcc_wide_const.cpp: the smallest reproducer of a GCC 12.2 wrong-code bug on AVX-512 targets,
// linked into the test binary (tests/test_toolchain.cpp) and also compiled to assembly for
// x86-64-v4 by the Makefile, so the workaround is checked on CPUs without AVX-512 too.
//
// The bug: a 32-byte block copy of a constant (here a memcpy of a local int[8], which the SLP
// vectoriser turns into one 256-bit integer store) is expanded by ix86_expand_move through
// ix86_convert_const_wide_int_to_broadcast. That function checks that the constant's 64-bit words
// are all equal by looping over CONST_WIDE_INT_NUNITS, the number of words GCC *stores* for the
// constant, not the number in the mode: upper words that are plain sign extension (all-zero or
// all-one) are not stored. {1,0,1,0, 0,0,0,0} as int32 is the words {1, 1, 0, 0}; GCC stores two
// words (1, 1), finds them equal and emits `vpbroadcastq %rdx, %ymm0`: {1,0,1,0, 1,0,1,0} lands in
// memory. It needs -mavx512f (x86-64-v3 stores the right constant) and -ftree-slp-vectorize (on at
// -O2 and -O3 since GCC 12). Newer GCC rejects constants with fewer stored words than the mode has.
//
// This is what broke tests/test_memory.cpp's TF-IDF case on Intel machines: the inlined
// std::vector<int>{1, 0, 1, 0, 0, 0, 0, 0} of the background counts came out {1,0,1,0,1,0,1,0}.
// It is noinline so that its body is one 32-byte store, easy to find in the assembly.
#include <cstring>
#include <new>

__attribute__((noinline)) int* gcc_wide_const_copy() {
    int* p = static_cast<int*>(::operator new(8 * sizeof(int)));
    const int init[8] = {1, 0, 1, 0, 0, 0, 0, 0};
    std::memcpy(p, init, sizeof init);
    return p;
}
