// main.cpp: doctest's main for the test binary; prints the closing "N passed, M failed" line.
// Run everything with `make test`, or one suite: ./tests/run_tests -tc="*tokenizer*".
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>
#include <cstdio>
#include <string>

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

// a test that cannot run here calls this with the reason, then returns: it is counted as skipped
void skip_test(const char* why) {
    g_skipped++;
    MESSAGE("SKIPPED: " << std::string(why));
    fprintf(stderr, "[skip] %s\n", why);
}

int main(int argc, char** argv) {
    doctest::Context ctx(argc, argv);
    int rc = ctx.run();
    if (ctx.shouldExit()) return rc;
    printf("%d passed, %d failed, %d skipped\n", g_passed, g_failed, g_skipped);
    return rc;
}
