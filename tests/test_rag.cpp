// test_rag.cpp: retrieval (eval/bm25.h) and retrieval-augmented prompts (eval/rag.h): terms, BM25's
// idf and scores hand-computed on a three-passage corpus, ranking, chunking by token counts with
// overlap, packing chunks into a token budget, and the evidence check of the rag arm.
#include <doctest/doctest.h>
#include "eval/rag.h"

TEST_CASE("bm25: terms are lowercased words and numbers, minus stop words") {
    CHECK(bm25_terms("3M's sales were $63.3 billion in 2022, up 1,234.") ==
          std::vector<std::string>{"3m", "sales", "63.3", "billion", "2022", "up", "1,234"});
    CHECK(bm25_terms("").empty());
    CHECK(bm25_terms("The -- of").empty());
}

TEST_CASE("bm25: idf and scores match the hand-computed values; ranking") {
    // terms: p0 {cat, sat, mat} (3), p1 {dog, sat} (2), p2 {cat, cat, dog} (3); avg length 8/3
    BM25 idx({"the cat sat on the mat", "the dog sat", "cat cat dog"});
    REQUIRE(idx.size() == 3);
    CHECK(idx.avg_len == doctest::Approx(8.0 / 3));
    CHECK(idx.idf("cat") == doctest::Approx(std::log(1.6)));        // ln(1 + (3 - 2 + 0.5) / (2 + 0.5))
    CHECK(idx.idf("mat") == doctest::Approx(std::log(8.0 / 3)));    // ln(1 + 2.5 / 1.5)
    CHECK(idx.idf("zebra") == doctest::Approx(std::log(8.0)));      // df 0
    // "cat" in p0: tf 1, |d| 3: idf * 2.2 / (1 + 1.2 * (0.25 + 0.75 * 3 / (8/3))) = idf * 2.2 / 2.3125
    //          in p2: tf 2: idf * 4.4 / (2 + 1.3125)
    std::vector<double> s = idx.scores("cat");
    CHECK(s[0] == doctest::Approx(std::log(1.6) * 2.2 / 2.3125));
    CHECK(s[1] == 0);
    CHECK(s[2] == doctest::Approx(std::log(1.6) * 4.4 / 3.3125));
    CHECK(idx.scores("Cat? CAT cat") == s);  // case-insensitive; a query's terms count once
    CHECK(idx.top("cat", 3) == std::vector<int>{2, 0});  // p1 scores 0: not retrieved
    std::vector<double> s2 = idx.scores("mat cat");
    CHECK(s2[0] == doctest::Approx(std::log(1.6) * 2.2 / 2.3125 + std::log(8.0 / 3) * 2.2 / 2.3125));
    CHECK(idx.top("mat cat", 1) == std::vector<int>{0});
    CHECK(idx.top("zebra", 3).empty());
    CHECK(idx.top("dog", 5) == std::vector<int>{1, 2});  // p1 is shorter: same tf, higher score
    CHECK(idx.bytes() > 0);
}

TEST_CASE("rag: chunks take whole words up to the token limit and overlap") {
    using Spans = std::vector<std::pair<size_t, size_t>>;
    CHECK(chunk_spans(std::vector<int>(10, 1), 4, 2) == Spans{{0, 4}, {2, 6}, {4, 8}, {6, 10}});
    CHECK(chunk_spans(std::vector<int>(5, 1), 2, 0) == Spans{{0, 2}, {2, 4}, {4, 5}});
    CHECK(chunk_spans({1, 5, 1}, 4, 2) == Spans{{0, 1}, {1, 2}, {2, 3}});  // a word over the limit is a chunk alone
    CHECK(chunk_spans({2, 2, 2}, 4, 4) == Spans{{0, 2}, {1, 3}});          // always moves on by a word at least
    CHECK(chunk_spans({}, 4, 2).empty());
    CHECK(rag_chunk_tokens(128) == 64);
    CHECK(rag_chunk_tokens(1024) == 256);
}

TEST_CASE("rag: the index, and contexts packed into a token budget with the best chunk last") {
    Tokenizer tok = Tokenizer::gpt2("data/gpt2");
    std::string doc = "Our company makes tape and glue.\n\nRevenue grew in the year to ten billion dollars while  costs fell.\n"
                      "The board met in Minnesota. Tape sales rose. Glue sales fell in Europe and Asia.";
    RagIndex r = rag_index(doc, tok, 8);
    REQUIRE(r.chunks.size() > 3);
    for (size_t i = 0; i < r.chunks.size(); i++) {
        CHECK(r.ids[i] == tok.encode(r.chunks[i], false));
        CHECK(r.ids[i].size() <= 8);
        CHECK(r.chunks[i].find("  ") == std::string::npos);  // whitespace squashed
    }
    CHECK(r.bytes() > doc.size());  // the chunks repeat half of each other, plus the index

    std::string text;
    std::vector<int> best = r.bm25.top("How much did revenue grow?", 3);
    REQUIRE(!best.empty());
    std::vector<int> all = rag_context(r, tok, "How much did revenue grow?", 1000, 3, &text);
    CHECK(tok.decode(all) == text);
    std::string last = r.chunks[best[0]] + "\n";
    CHECK(text.size() >= last.size());
    CHECK(text.compare(text.size() - last.size(), last.size(), last) == 0);  // the best chunk sits nearest the question
    CHECK(text.find("Revenue") != std::string::npos);

    std::vector<int> small = rag_context(r, tok, "How much did revenue grow?", 4, 3, &text);
    CHECK(small.size() == 4);  // too small for the best chunk: its last tokens
    std::vector<int> tail(r.ids[best[0]].end() - 3, r.ids[best[0]].end());
    tail.push_back(tok.encode("\n", false)[0]);
    CHECK(small == tail);
    CHECK(rag_context(r, tok, "How much did revenue grow?", 1, 3, &text).empty());
    CHECK(rag_context(r, tok, "zebra", 1000, 3, &text).empty());  // nothing matches: no context
}

TEST_CASE("rag: evidence is found up to whitespace; a table row by its cells") {
    CHECK(holds_evidence("x The rate was\n 9.6 percent. y", "The rate was 9.6  percent."));
    CHECK(!holds_evidence("The rate was 9.7 percent.", "The rate was 9.6 percent."));
    CHECK(holds_evidence("Net sales\n2022\n34,229\n35,355 other", "Net sales | 34,229 | 35,355"));
    CHECK(!holds_evidence("Net sales 34,229", "Net sales | 34,229 | 35,355"));
    CHECK(!holds_evidence("anything", ""));
}
