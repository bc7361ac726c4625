// fuzz_document.cpp: libFuzzer target for data_prep's document readers: any text, as `./train synth
// --doc FILE.txt` reads it (data_prep/document.h: pages, cover, body end, the -layout table reader
// or the raw one, dehyphenation) and what the generator's extractor makes of it (data_prep/extract.h:
// entity, fiscal year, sentences, table-cell facts). Never a crash, a hang or undefined behaviour;
// every fact points at a table, row and column that exist and at its own topic; every table row has
// one cell per column. Seeds: the fixture 10-K excerpts in both pdftotext modes.
// Build and run: make fuzz (tests/fuzz/run.sh).
#include <cstdint>
#include "data_prep/document.h"
#include "data_prep/extract.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string text((const char*)data, size);
    synth::Document doc = synth::parse_document_text(text, text, "fuzz.txt");
    if (doc.body_pages > doc.pages || doc.pages < 0) __builtin_trap();
    for (auto& t : doc.tables)
        for (auto& r : t.rows)
            if (r.cells.size() != t.columns.size()) __builtin_trap();
    synth::Knowledge k = synth::extract(doc);
    for (size_t i = 0; i < k.facts.size(); i++) {
        const synth::Fact& f = k.facts[i];
        if (f.id != (int)i || f.topic < 0 || f.topic >= (int)k.topics.size()) __builtin_trap();
        if (f.table >= 0) {
            if (f.table >= (int)doc.tables.size()) __builtin_trap();
            const synth::Table& t = doc.tables[f.table];
            if (f.row < 0 || f.row >= (int)t.rows.size() || f.col < 0 || f.col >= (int)t.rows[f.row].cells.size()) __builtin_trap();
            if (!t.rows[f.row].cells[f.col].present() || f.values.empty()) __builtin_trap();
        }
    }
    for (auto& topic : k.topics)
        for (int id : topic)
            if (id < 0 || id >= (int)k.facts.size()) __builtin_trap();
    return 0;
}
