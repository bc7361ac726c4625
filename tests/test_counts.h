// test_counts.h: the counts both test binaries (tests/main.cpp, tests/test_cuda.cu) close with,
// "N passed, M failed, K skipped": a doctest listener, and the skips the tests report themselves.
#pragma once
#include <doctest/doctest.h>

static int g_passed = 0, g_failed = 0, g_skipped = 0;

struct CountingListener : doctest::IReporter {
    explicit CountingListener(const doctest::ContextOptions&) {}
    void report_query(const doctest::QueryData&) override {}
    void test_run_start() override {}
    void test_run_end(const doctest::TestRunStats& s) override {
        g_failed = (int)s.numTestCasesFailed;
        g_passed = (int)s.numTestCasesPassingFilters - g_failed - g_skipped;
    }
    void test_case_start(const doctest::TestCaseData&) override {}
    void test_case_reenter(const doctest::TestCaseData&) override {}
    void test_case_end(const doctest::CurrentTestCaseStats&) override {}
    void test_case_exception(const doctest::TestCaseException&) override {}
    void test_case_skipped(const doctest::TestCaseData&) override {}
    void subcase_start(const doctest::SubcaseSignature&) override {}
    void subcase_end() override {}
    void log_assert(const doctest::AssertData&) override {}
    void log_message(const doctest::MessageData&) override {}
};
REGISTER_LISTENER("counting", 1, CountingListener);
