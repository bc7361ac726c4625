// test_util.h: shared helpers for the test suites.
#pragma once
#include <string>
void skip_test(const char* why);  // defined in tests/main.cpp
// where ../shared lives relative to the repo root (tests run from the repo root)
inline std::string shared_dir() { return "../shared"; }
