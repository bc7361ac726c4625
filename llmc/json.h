// json.h: a minimal JSON reader (objects, arrays, strings, numbers, true/false/null) for the QA
// files, and a writer for the reports: build a Json (Json::number, Json::string, set, push), then
// json_dump it. Errors carry a message, not an exit, so callers can name the file and line.
#pragma once
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <vector>

struct Json {
    enum Kind { NUL, BOOL, NUM, STR, ARR, OBJ } kind = NUL;
    bool b = false;
    double num = 0;
    std::string str;
    std::vector<Json> arr;
    std::map<std::string, Json> obj;
    const Json* get(const std::string& k) const { auto it = obj.find(k); return it == obj.end() ? nullptr : &it->second; }

    static Json number(double x) { Json j; j.kind = NUM; j.num = x; return j; }
    static Json string(const std::string& s) { Json j; j.kind = STR; j.str = s; return j; }
    static Json boolean(bool x) { Json j; j.kind = BOOL; j.b = x; return j; }
    Json& set(const std::string& k, Json v) { kind = OBJ; obj[k] = std::move(v); return *this; }
    Json& set(const std::string& k, double x) { return set(k, number(x)); }
    Json& set(const std::string& k, const std::string& x) { return set(k, string(x)); }
    Json& set(const std::string& k, const char* x) { return set(k, string(x)); }
    Json& push(Json v) { kind = ARR; arr.push_back(std::move(v)); return *this; }
};

struct JsonParser {
    const std::string& s;
    size_t i = 0;
    std::string err;
    explicit JsonParser(const std::string& text) : s(text) {}
    void ws() { while (i < s.size() && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r')) i++; }
    bool fail(const std::string& m) { if (err.empty()) err = m + " at column " + std::to_string(i + 1); return false; }
    static void put_utf8(std::string& o, unsigned cp) {
        if (cp < 0x80) o += (char)cp;
        else if (cp < 0x800) { o += (char)(0xC0 | cp >> 6); o += (char)(0x80 | (cp & 63)); }
        else if (cp < 0x10000) { o += (char)(0xE0 | cp >> 12); o += (char)(0x80 | (cp >> 6 & 63)); o += (char)(0x80 | (cp & 63)); }
        else { o += (char)(0xF0 | cp >> 18); o += (char)(0x80 | (cp >> 12 & 63)); o += (char)(0x80 | (cp >> 6 & 63)); o += (char)(0x80 | (cp & 63)); }
    }
    bool hex4(unsigned& v) {
        if (i + 4 > s.size()) return fail("truncated \\u escape");
        v = 0;
        for (int k = 0; k < 4; k++) {
            char c = s[i++];
            v <<= 4;
            if (c >= '0' && c <= '9') v |= c - '0'; else if (c >= 'a' && c <= 'f') v |= c - 'a' + 10;
            else if (c >= 'A' && c <= 'F') v |= c - 'A' + 10; else return fail("bad \\u escape");
        }
        return true;
    }
    bool string(std::string& o) {
        i++;  // opening quote
        while (i < s.size() && s[i] != '"') {
            char c = s[i++];
            if (c != '\\') { o += c; continue; }
            if (i >= s.size()) break;
            char e = s[i++];
            switch (e) {
                case 'n': o += '\n'; break; case 't': o += '\t'; break; case 'r': o += '\r'; break;
                case 'b': o += '\b'; break; case 'f': o += '\f'; break;
                case '"': case '\\': case '/': o += e; break;
                case 'u': {
                    unsigned v = 0, lo = 0;
                    if (!hex4(v)) return false;
                    if (v >= 0xD800 && v < 0xDC00 && i + 1 < s.size() && s[i] == '\\' && s[i + 1] == 'u') {
                        i += 2;
                        if (!hex4(lo)) return false;
                        v = 0x10000 + ((v - 0xD800) << 10) + (lo - 0xDC00);
                    }
                    put_utf8(o, v);
                    break;
                }
                default: return fail("bad escape");
            }
        }
        if (i >= s.size()) return fail("unterminated string");
        i++;
        return true;
    }
    bool value(Json& v, int depth = 0) {
        if (depth > 64) return fail("nesting too deep");
        ws();
        if (i >= s.size()) return fail("unexpected end");
        char c = s[i];
        if (c == '"') { v.kind = Json::STR; return string(v.str); }
        if (c == '{') {
            v.kind = Json::OBJ; i++; ws();
            if (i < s.size() && s[i] == '}') { i++; return true; }
            while (true) {
                ws();
                if (i >= s.size() || s[i] != '"') return fail("expected a key");
                std::string k;
                if (!string(k)) return false;
                ws();
                if (i >= s.size() || s[i] != ':') return fail("expected ':'");
                i++;
                if (!value(v.obj[k], depth + 1)) return false;
                ws();
                if (i < s.size() && s[i] == ',') { i++; continue; }
                if (i < s.size() && s[i] == '}') { i++; return true; }
                return fail("expected ',' or '}'");
            }
        }
        if (c == '[') {
            v.kind = Json::ARR; i++; ws();
            if (i < s.size() && s[i] == ']') { i++; return true; }
            while (true) {
                v.arr.emplace_back();
                if (!value(v.arr.back(), depth + 1)) return false;
                ws();
                if (i < s.size() && s[i] == ',') { i++; continue; }
                if (i < s.size() && s[i] == ']') { i++; return true; }
                return fail("expected ',' or ']'");
            }
        }
        if (s.compare(i, 4, "true") == 0) { v.kind = Json::BOOL; v.b = true; i += 4; return true; }
        if (s.compare(i, 5, "false") == 0) { v.kind = Json::BOOL; i += 5; return true; }
        if (s.compare(i, 4, "null") == 0) { v.kind = Json::NUL; i += 4; return true; }
        if (c == '-' || (c >= '0' && c <= '9')) {
            const char* start = s.c_str() + i;
            char* end;
            v.kind = Json::NUM;
            v.num = strtod(start, &end);
            if (end == start) return fail("bad number");
            i += end - start;
            return true;
        }
        return fail(std::string("unexpected character '") + c + "'");
    }
};

// parses one whole JSON text; returns false and sets err on malformed input
inline bool json_parse(const std::string& text, Json& out, std::string& err) {
    JsonParser p(text);
    if (!p.value(out)) { err = p.err; return false; }
    p.ws();
    if (p.i != text.size()) { err = "trailing characters at column " + std::to_string(p.i + 1); return false; }
    return true;
}

std::string json_escape(const std::string& s);

// one line of JSON, keys in sorted order; numbers to 10 significant digits (whole numbers whole)
inline std::string json_dump(const Json& j) {
    char b[40];
    std::string s;
    switch (j.kind) {
        case Json::NUL: return "null";
        case Json::BOOL: return j.b ? "true" : "false";
        case Json::NUM:  // the shortest of 15 or 17 digits that reads back as the same double
            if (!(j.num == j.num && std::fabs(j.num) < 1e300)) return "null";
            snprintf(b, sizeof b, "%.15g", j.num);
            if (strtod(b, nullptr) != j.num) snprintf(b, sizeof b, "%.17g", j.num);
            return b;
        case Json::STR: return json_escape(j.str);
        case Json::ARR:
            for (auto& x : j.arr) s += (s.empty() ? "" : ", ") + json_dump(x);
            return "[" + s + "]";
        case Json::OBJ:
            for (auto& kv : j.obj) s += (s.empty() ? "" : ", ") + json_escape(kv.first) + ": " + json_dump(kv.second);
            return "{" + s + "}";
    }
    return "null";
}

// length of the well-formed UTF-8 sequence at s[i] (1-4), or 0 if the bytes there are none: a
// stray continuation byte, a cut sequence, an overlong form, a surrogate or a code point past U+10FFFF
inline size_t utf8_seq_len(const std::string& s, size_t i) {
    unsigned char c = (unsigned char)s[i];
    size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (n <= 1) return n;
    if (i + n > s.size()) return 0;
    uint32_t cp = c & (0x7F >> n);
    for (size_t k = 1; k < n; k++) {
        unsigned char x = (unsigned char)s[i + k];
        if ((x >> 6) != 2) return 0;
        cp = cp << 6 | (x & 0x3F);
    }
    static const uint32_t min_cp[5] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < min_cp[n] || (cp >= 0xD800 && cp < 0xE000) || cp > 0x10FFFF) return 0;
    return n;
}

// A JSON string. Bytes that are not UTF-8 become U+FFFD: a model's sample can end inside a character
// (a byte-level token is a piece of one), and one such byte makes the whole file unreadable as JSON.
inline std::string json_escape(const std::string& s) {
    std::string o = "\"";
    for (size_t i = 0; i < s.size();) {
        unsigned char c = (unsigned char)s[i];
        size_t n = utf8_seq_len(s, i);
        if (n == 0) { o += "\\ufffd"; i++; continue; }
        if (n > 1) { o.append(s, i, n); i += n; continue; }
        if (c == '"') o += "\\\""; else if (c == '\\') o += "\\\\"; else if (c == '\n') o += "\\n";
        else if (c == '\t') o += "\\t"; else if (c == '\r') o += "\\r";
        else if (c < 0x20) { char b[8]; snprintf(b, sizeof b, "\\u%04x", c); o += b; }
        else o += (char)c;
        i++;
    }
    return o + "\"";
}

// ---- QA files (eval --qa, the 3m pipeline): JSONL, one object per line,
// {"question": str, "choices": [str, str, ...], "answer": index of the right choice}, optionally
// "evidence": str, the passage of the document that answers it (the rag arm's retrieval hit rate)
constexpr size_t QA_MAX_CHOICES = 256;
struct QAItem { std::string question; std::vector<std::string> choices; int answer; std::string evidence; };

// Parses a QA JSONL text; blank lines are skipped. Never exits: on the first bad line returns false
// with *line its 1-based number and `err` the reason (train_gpt2.cu's read_qa adds the path). An
// empty result is not an error here. tests/fuzz/fuzz_qa.cpp drives this directly.
inline bool parse_qa_jsonl(const std::string& text, std::vector<QAItem>& items, int* line, std::string& err) {
    items.clear();
    size_t p0 = 0;
    int lineno = 0;
    while (p0 < text.size()) {
        size_t e = text.find('\n', p0);
        if (e == std::string::npos) e = text.size();
        std::string s = text.substr(p0, e - p0);
        p0 = e + 1;
        *line = ++lineno;
        if (s.find_first_not_of(" \t\r") == std::string::npos) continue;
        Json j;
        if (!json_parse(s, j, err)) { err = "malformed JSON (" + err + ")"; return false; }
        const Json *q = j.get("question"), *ch = j.get("choices"), *an = j.get("answer");
        if (j.kind != Json::OBJ || !q || q->kind != Json::STR || !ch || ch->kind != Json::ARR || ch->arr.size() < 2 || !an || an->kind != Json::NUM) {
            err = "expected {\"question\": str, \"choices\": [str, ...] (2 or more), \"answer\": int}";
            return false;
        }
        if (ch->arr.size() > QA_MAX_CHOICES) {  // each choice costs a forward pass: a runaway list would score for hours
            err = "a question with " + std::to_string(ch->arr.size()) + " choices (at most " + std::to_string(QA_MAX_CHOICES) + ")";
            return false;
        }
        QAItem it;
        it.question = q->str;
        for (auto& c : ch->arr) {
            if (c.kind != Json::STR) { err = "every choice must be a string"; return false; }
            it.choices.push_back(c.str);
        }
        double a = an->num;  // range-checked before the cast: (int)1e300 is undefined behaviour
        if (!(a >= 0 && a < (double)it.choices.size()) || a != (double)(int)a) {
            char b[128];
            snprintf(b, sizeof b, "answer %g is not an index into the %zu choices", a, it.choices.size());
            err = b;
            return false;
        }
        it.answer = (int)a;
        const Json* ev = j.get("evidence");  // optional; any other kind is ignored, as unknown keys are
        if (ev && ev->kind == Json::STR) it.evidence = ev->str;
        items.push_back(std::move(it));
    }
    return true;
}
