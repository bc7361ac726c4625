// bm25.h: lexical retrieval with Okapi BM25 (k1 = 1.2, b = 0.75) over a list of passages.
// Terms are lowercased runs of ASCII letters and digits ("3M's" -> "3m"; a '.' or ',' between two
// digits stays inside the term, so "63.3" is one term), minus a few stop words. A query's distinct
// terms are scored; idf(t) = ln(1 + (n - df + 0.5) / (df + 0.5)), which never goes negative.
// Usage:
//   BM25 idx(passages);                                    // std::vector<std::string>
//   std::vector<int> best = idx.top("What were 3M's net sales in 2022?", 3);   // best first
// Tests: tests/test_rag.cpp (idf and scores hand-computed on a toy corpus).
#pragma once
#include <algorithm>
#include <cmath>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

inline std::vector<std::string> bm25_terms(const std::string& text) {
    // question words and glue: they match every passage and would only add noise to the ranking
    static const std::unordered_set<std::string> stop = {"a", "an", "and", "are", "as", "at", "be", "by", "did", "do", "does", "for",
                                                         "from", "how", "in", "is", "it", "its", "of", "on", "or", "s", "that", "the",
                                                         "this", "to", "was", "were", "what", "which", "who", "with"};
    auto digit = [](char c) { return c >= '0' && c <= '9'; };
    std::vector<std::string> out;
    std::string cur;
    for (size_t i = 0; i <= text.size(); i++) {
        char c = i < text.size() ? text[i] : ' ';
        if ((c >= 'a' && c <= 'z') || digit(c)) cur += c;
        else if (c >= 'A' && c <= 'Z') cur += (char)(c - 'A' + 'a');
        else if ((c == '.' || c == ',') && !cur.empty() && digit(cur.back()) && i + 1 < text.size() && digit(text[i + 1])) cur += c;
        else {
            if (!cur.empty() && !stop.count(cur)) out.push_back(cur);
            cur.clear();
        }
    }
    return out;
}

struct BM25 {
    static constexpr double k1 = 1.2, b = 0.75;
    std::unordered_map<std::string, int> term_id;
    std::vector<std::vector<std::pair<int, int>>> postings;  // per term: (passage, term frequency)
    std::vector<int> len;                                    // terms per passage
    double avg_len = 0;

    BM25() = default;
    explicit BM25(const std::vector<std::string>& passages) {
        for (size_t p = 0; p < passages.size(); p++) {
            std::vector<std::string> terms = bm25_terms(passages[p]);
            len.push_back((int)terms.size());
            avg_len += terms.size();
            std::unordered_map<int, int> tf;
            for (auto& t : terms) {
                auto it = term_id.emplace(t, (int)postings.size()).first;
                if (it->second == (int)postings.size()) postings.emplace_back();
                tf[it->second]++;
            }
            for (auto& kv : tf) postings[kv.first].push_back({(int)p, kv.second});
        }
        if (!passages.empty()) avg_len /= passages.size();
    }

    size_t size() const { return len.size(); }

    double idf(const std::string& term) const {
        auto it = term_id.find(term);
        double df = it == term_id.end() ? 0 : (double)postings[it->second].size(), n = (double)len.size();
        return std::log(1 + (n - df + 0.5) / (df + 0.5));
    }

    // every passage's score for the query
    std::vector<double> scores(const std::string& query) const {
        std::vector<double> s(len.size(), 0.0);
        std::vector<std::string> q = bm25_terms(query);
        std::sort(q.begin(), q.end());
        q.erase(std::unique(q.begin(), q.end()), q.end());
        for (auto& t : q) {
            auto it = term_id.find(t);
            if (it == term_id.end()) continue;
            double w = idf(t);
            for (auto& [p, tf] : postings[it->second])
                s[p] += w * tf * (k1 + 1) / (tf + k1 * (1 - b + b * len[p] / avg_len));
        }
        return s;
    }

    // up to k passages with a positive score, best first (ties: the earlier passage)
    std::vector<int> top(const std::string& query, int k) const {
        std::vector<double> s = scores(query);
        std::vector<int> idx;
        for (size_t p = 0; p < s.size(); p++)
            if (s[p] > 0) idx.push_back((int)p);
        auto better = [&](int x, int y) { return s[x] > s[y] || (s[x] == s[y] && x < y); };
        k = std::min<int>(k, (int)idx.size());
        std::partial_sort(idx.begin(), idx.begin() + k, idx.end(), better);
        idx.resize(k);
        return idx;
    }

    // bytes to store the index compactly: each term's text and posting count, (passage, tf) as two
    // int32 per posting, each passage's length
    size_t bytes() const {
        size_t n = 4 * len.size();
        for (auto& kv : term_id) n += kv.first.size() + 1 + 4 + 8 * postings[kv.second].size();
        return n;
    }
};
