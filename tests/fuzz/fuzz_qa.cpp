// fuzz_qa.cpp: libFuzzer target for the JSON reader and the QA JSONL parser (llmc/json.h: json_parse,
// parse_qa_jsonl, json_escape), what `eval --qa` and the 3m pipeline read. Any bytes must parse or
// fail with a message and a line number, never crash; accepted items must have 2 to QA_MAX_CHOICES choices and an
// answer that indexes them; and json_escape(s) must parse back to s for every UTF-8 s, and to UTF-8 for any s.
// Build and run: make fuzz (tests/fuzz/run.sh).
#include <cstdint>
#include "llmc/json.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string s((const char*)data, size);
    std::vector<QAItem> items;
    int line = 0;
    std::string err;
    if (!parse_qa_jsonl(s, items, &line, err)) {
        if (err.empty() || line < 1) __builtin_trap();
    } else {
        for (auto& it : items)
            if (it.choices.size() < 2 || it.choices.size() > QA_MAX_CHOICES || it.answer < 0 || it.answer >= (int)it.choices.size()) __builtin_trap();
    }
    Json j;
    std::string e2;
    if (!json_parse(s, j, e2) && e2.empty()) __builtin_trap();
    Json k;
    std::string e3;
    if (!json_parse(json_escape(s), k, e3) || k.kind != Json::STR) __builtin_trap();
    auto utf8 = [](const std::string& t) {
        for (size_t i = 0; i < t.size(); i += utf8_seq_len(t, i)) if (utf8_seq_len(t, i) == 0) return false;
        return true;
    };
    if (!utf8(k.str) || (utf8(s) && k.str != s)) __builtin_trap();
    return 0;
}
