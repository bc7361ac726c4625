// rag.h: retrieval-augmented prompts. A document is cut into overlapping chunks of whole words,
// measured in the model's own tokens; BM25 (bm25.h) ranks them against a question; the best chunks
// go before the question in whatever is left of the model's context window. Used by `./train 3m`
// (arm rag) and `./train chat --rag DOC`. Tests: tests/test_rag.cpp.
#pragma once
#include <algorithm>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>
#include "bm25.h"
#include "llmc/tokenizer.h"

// [begin, end) word spans of the chunks: each takes as many whole words as fit in max_tokens (a
// longer single word is a chunk by itself), and the next one starts so that up to overlap_tokens
// of the previous chunk's end are repeated: a passage of up to about overlap_tokens lies whole in
// some chunk, whatever the boundaries
inline std::vector<std::pair<size_t, size_t>> chunk_spans(const std::vector<int>& word_tokens, int max_tokens, int overlap_tokens) {
    std::vector<std::pair<size_t, size_t>> spans;
    size_t n = word_tokens.size(), s = 0;
    while (s < n) {
        size_t e = s;
        long t = 0;
        while (e < n && (e == s || t + word_tokens[e] <= max_tokens)) t += word_tokens[e++];
        spans.push_back({s, e});
        if (e == n) break;
        size_t next = e;
        long o = 0;
        while (next > s + 1 && o + word_tokens[next - 1] <= overlap_tokens) o += word_tokens[--next];
        s = next;
    }
    return spans;
}

// chunk size for a model's context: half of it, so a question and its answer fit beside one chunk,
// and at most 256 tokens (a 1024-token GPT-2 then holds three chunks)
inline int rag_chunk_tokens(int maxT) { return std::max(1, std::min(maxT / 2, 256)); }

struct RagIndex {
    std::vector<std::string> chunks;   // the document's words joined by single spaces
    std::vector<std::vector<int>> ids;  // each chunk's tokens
    BM25 bm25;
    int chunk_tokens = 0;
    // what a deployment stores: the chunks' text and the BM25 index
    size_t bytes() const {
        size_t n = bm25.bytes();
        for (auto& c : chunks) n += c.size();
        return n;
    }
};

// chunks of chunk_tokens tokens, half of each repeated at the start of the next
inline RagIndex rag_index(const std::string& doc, const Tokenizer& tok, int chunk_tokens) {
    std::vector<std::string> words;
    std::string w;
    for (size_t i = 0; i <= doc.size(); i++) {
        char c = i < doc.size() ? doc[i] : ' ';
        if (c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f' || c == '\v') {
            if (!w.empty()) words.push_back(w);
            w.clear();
        } else {
            w += c;
        }
    }
    // a word's tokens inside running text (after a space): byte-level BPE splits at spaces first, so
    // a chunk's tokens are the sum of its words', but for its first word, which has no space before it
    std::unordered_map<std::string, int> cost;
    std::vector<int> word_tokens;
    for (auto& x : words) {
        auto it = cost.find(x);
        if (it == cost.end()) it = cost.emplace(x, (int)tok.encode(" " + x, false).size()).first;
        word_tokens.push_back(it->second);
    }
    RagIndex r;
    r.chunk_tokens = chunk_tokens;
    for (auto [s, e] : chunk_spans(word_tokens, chunk_tokens, chunk_tokens / 2)) {
        std::string text;
        std::vector<int> ids;
        for (;; e--) {  // the first word alone can take a token more ("grew" vs " grew"): drop a last word
            text = words[s];
            for (size_t i = s + 1; i < e; i++) text += " " + words[i];
            ids = tok.encode(text, false);
            if ((int)ids.size() <= chunk_tokens || e == s + 1) break;
        }
        r.chunks.push_back(text);
        r.ids.push_back(ids);
    }
    r.bm25 = BM25(r.chunks);
    return r;
}

// The retrieved context for a query in at most `budget` tokens: of the k best chunks, those that fit
// whole, each followed by a newline, the best one last (nearest the question); when even the best
// does not fit, its last tokens. *text gets what the context decodes to.
inline std::vector<int> rag_context(const RagIndex& r, const Tokenizer& tok, const std::string& query, int budget, int k, std::string* text) {
    std::vector<int> nl = tok.encode("\n", false), out;
    std::vector<std::vector<int>> parts;  // best first
    for (int c : r.bm25.top(query, k)) {
        std::vector<int> p = r.ids[c];
        p.insert(p.end(), nl.begin(), nl.end());
        if ((int)p.size() > budget) {
            if (!parts.empty() || budget <= (int)nl.size()) break;
            p.erase(p.begin(), p.end() - budget);
        }
        budget -= (int)p.size();
        parts.push_back(p);
    }
    for (size_t i = parts.size(); i-- > 0;) out.insert(out.end(), parts[i].begin(), parts[i].end());
    if (text) *text = tok.decode(out);
    return out;
}

inline std::string squash_spaces(const std::string& s) {
    std::string o;
    for (char c : s) {
        bool sp = c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
        if (!sp) o += c;
        else if (!o.empty() && o.back() != ' ') o += ' ';
    }
    if (!o.empty() && o.back() == ' ') o.pop_back();
    return o;
}

// whether a context holds a QA item's evidence (data/3m/README.md): the passage verbatim up to
// whitespace, or, for a table row "label | cell | ...", every cell (pdftotext writes a table's cells
// one per line, often column by column, so a row's cells are near each other but not adjacent)
inline bool holds_evidence(const std::string& context, const std::string& evidence) {
    std::string c = squash_spaces(context), e = squash_spaces(evidence);
    if (e.empty()) return false;
    if (c.find(e) != std::string::npos) return true;
    if (e.find(" | ") == std::string::npos) return false;
    for (size_t p = 0; p <= e.size();) {
        size_t q = e.find(" | ", p);
        if (q == std::string::npos) q = e.size();
        if (c.find(e.substr(p, q - p)) == std::string::npos) return false;
        p = q + 3;
    }
    return true;
}
