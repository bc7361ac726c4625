// document.h: load a document (plain text, or PDF through poppler's `pdftotext -layout`) and clean it
// into paragraphs and rebuilt tables: page headers/footers and page numbers dropped, hyphenation
// undone, exhibits after "PART IV" cut off, and tables turned back into rows (label, one value per
// column, column headers, the table's title and scale such as "(Millions)"), optionally for a range
// of pages. The two table readers: layout_parser.h (-layout text) and raw_parser.h (default output);
// what they share: page_text.h.
// Usage: synth::Document d = synth::load_document("10K.pdf"); d.paragraphs, d.tables.
#pragma once
#include "data_prep/layout_parser.h"
#include "data_prep/raw_parser.h"

namespace synth {

// pages first..last (1-based, inclusive) of a document; {0, 0} is all of it
struct PageRange {
    int first = 0, last = 0;
    bool all() const { return first == 0; }
};
// "25-48" -> {25, 48}; "" -> all; false on anything else
inline bool parse_page_range(const std::string& s, PageRange* r) {
    *r = PageRange();
    if (s.empty()) return true;
    int a = 0, b = 0, n = 0;
    if (sscanf(s.c_str(), "%d-%d%n", &a, &b, &n) != 2 || n != (int)s.size() || a < 1 || b < a) return false;
    r->first = a; r->last = b;
    return true;
}
// the text of pages r (form feeds separate pages, as pdftotext writes them); fatal when the document has fewer
inline std::string select_pages(const std::string& text, PageRange r, const std::string& path) {
    if (r.all()) return text;
    std::vector<size_t> starts = {0};
    for (size_t i = 0; i < text.size(); i++) if (text[i] == '\f') starts.push_back(i + 1);
    while (starts.size() > 1 && text.find_first_not_of(" \t\r\n", starts.back()) == std::string::npos) starts.pop_back();  // a form feed at the end opens no page
    if (r.last > (int)starts.size())
        fatal(EXIT_USAGE, "--pages %d-%d: %s has %d pages (form feeds separate them)", r.first, r.last, path.c_str(), (int)starts.size());
    size_t a = starts[r.first - 1], b = r.last < (int)starts.size() ? starts[r.last] : text.size();
    return text.substr(a, b - a);
}

// Parses already-extracted text (either pdftotext mode) into a Document; with a page range, only
// those pages (and the exhibits cut) make the body, while the cover page still names the company and
// the other body pages its segments (Document::outside_paragraphs).
inline Document parse_document_text(const std::string& text_in, const std::string& source_text, const std::string& path, PageRange range = {}) {
    Document doc;
    doc.path = path;
    doc.source_text = select_pages(source_text, range, path);
    std::string text = normalize_utf8(text_in);
    doc.layout = looks_like_layout(text);
    auto pages = split_pages(text);
    doc.pages = (int)pages.size();
    if (!pages.empty())
        for (auto& l : pages[0]) { std::string t = collapse_spaces(l); if (!t.empty()) doc.cover.push_back(t); }
    auto end = body_end(pages);
    if (end.first < (int)pages.size()) {
        pages[end.first].resize(end.second);
        pages.resize(end.first + 1);
    }
    if (!range.all()) {
        if (range.last > doc.pages) fatal(EXIT_USAGE, "--pages %d-%d: %s has %d pages", range.first, range.last, path.c_str(), doc.pages);
        // the segments a range's tables are titled by are listed in Item 1, outside most ranges
        Document whole = parse_document_text(text_in, source_text, path);
        for (auto& p : whole.paragraphs)
            if (p.page < range.first || p.page > range.last) doc.outside_paragraphs.push_back(p.text);
        pages.resize(std::min((int)pages.size(), range.last));
        pages.erase(pages.begin(), pages.begin() + std::min((int)pages.size(), range.first - 1));
    }
    doc.body_pages = (int)pages.size();
    for (auto& p : pages)
        for (auto& l : p) { std::string t = collapse_spaces(l); if (!t.empty()) doc.body_text += t + "\n"; }
    Dehyphenator dh;
    for (auto& p : pages) for (auto& l : p) dh.learn(l);
    if (doc.layout) {
        LayoutParser lp{&dh, &doc, ""};
        for (int p = 0; p < (int)pages.size(); p++) lp.parse_page(pages[p], p + 1);
    } else {
        RawParser rp{&dh, &doc, ""};
        for (int p = 0; p < (int)pages.size(); p++) rp.parse_page(pages[p], p + 1);
    }
    return doc;
}

// Loads FILE (.pdf through pdftotext -layout, anything else read as UTF-8 text) and cleans it;
// pages: only those make the body.
inline Document load_document(const std::string& path, PageRange pages = {}) {
    if (!file_exists(path)) fatal(EXIT_RUNTIME, "document %s does not exist", path.c_str());
    std::string low = lower(path);
    if (ends_with(low, ".jsonl") || ends_with(low, ".json"))
        fatal(EXIT_USAGE, "--doc takes the document itself (.txt or .pdf), not %s", path.c_str());
    if (ends_with(low, ".pdf")) {
        std::string layout = run_pdftotext(path, true);
        std::string plain = run_pdftotext(path, false);
        return parse_document_text(layout, plain, path, pages);
    }
    std::string text = read_file(path);
    if (text.size() >= 5 && text.compare(0, 5, "%PDF-") == 0)
        fatal(EXIT_USAGE, "%s is a PDF: give it a .pdf name so it goes through pdftotext", path.c_str());
    if (text.empty()) fatal(EXIT_RUNTIME, "document %s is empty", path.c_str());
    return parse_document_text(text, text, path, pages);
}

}  // namespace synth
