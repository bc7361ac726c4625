// text.h: string helpers shared by the synthetic-data generator (data_prep/*.h): UTF-8 clean-up,
// splitting, number tokens, JSON escaping and 64-bit hashing (the RNG is llmc/rand.h's SplitMix).
// Everything lives in namespace synth so it cannot clash with the trainer's own helpers.
// Usage: #include "data_prep/text.h"; synth::number_tokens("sales of $34,229 million") -> {"34,229"}.
#pragma once
#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>
#include "llmc/json.h"
#include "llmc/rand.h"

namespace synth {

inline uint64_t hash64(const std::string& s, uint64_t h = 1469598103934665603ull) {
    for (unsigned char c : s) { h ^= c; h *= 1099511628211ull; }
    return h ^ (h >> 29);
}
inline uint64_t mix64(uint64_t a, uint64_t b) {
    SplitMix r(a * 0x9E3779B97F4A7C15ull ^ b);
    return r.next();
}

inline bool starts_with(const std::string& s, const std::string& p) { return s.compare(0, p.size(), p) == 0; }
inline bool ends_with(const std::string& s, const std::string& p) {
    return s.size() >= p.size() && s.compare(s.size() - p.size(), p.size(), p) == 0;
}
inline bool contains(const std::string& s, const std::string& p) { return s.find(p) != std::string::npos; }

inline std::string trim(const std::string& s) {
    size_t a = 0, b = s.size();
    while (a < b && isspace((unsigned char)s[a])) a++;
    while (b > a && isspace((unsigned char)s[b - 1])) b--;
    return s.substr(a, b - a);
}
inline std::string lower(std::string s) {
    for (auto& c : s) c = (char)tolower((unsigned char)c);
    return s;
}
inline std::string replace_all(std::string s, const std::string& from, const std::string& to) {
    if (from.empty()) return s;
    size_t p = 0;
    while ((p = s.find(from, p)) != std::string::npos) { s.replace(p, from.size(), to); p += to.size(); }
    return s;
}
inline std::vector<std::string> split_lines(const std::string& s) {
    std::vector<std::string> out;
    size_t a = 0;
    for (size_t i = 0; i <= s.size(); i++)
        if (i == s.size() || s[i] == '\n') {
            std::string l = s.substr(a, i - a);
            if (!l.empty() && l.back() == '\r') l.pop_back();
            out.push_back(l);
            a = i + 1;
        }
    return out;
}
inline std::vector<std::string> split_words(const std::string& s) {
    std::vector<std::string> out;
    std::string cur;
    for (char c : s) {
        if (isspace((unsigned char)c)) { if (!cur.empty()) out.push_back(cur), cur.clear(); }
        else cur += c;
    }
    if (!cur.empty()) out.push_back(cur);
    return out;
}
inline std::string join(const std::vector<std::string>& v, const std::string& sep) {
    std::string o;
    for (size_t i = 0; i < v.size(); i++) { if (i) o += sep; o += v[i]; }
    return o;
}
inline std::string collapse_spaces(const std::string& s) {
    std::string o;
    bool sp = false;
    for (char c : s) {
        if (isspace((unsigned char)c)) { sp = true; continue; }
        if (sp && !o.empty()) o += ' ';
        sp = false;
        o += c;
    }
    return o;
}

// number of display columns (code points) in a UTF-8 string: pdftotext -layout aligns by code point
inline int display_width(const std::string& s, size_t a = 0, size_t b = std::string::npos) {
    if (b > s.size()) b = s.size();
    int n = 0;
    for (size_t i = a; i < b; i++) if (((unsigned char)s[i] & 0xC0) != 0x80) n++;
    return n;
}

// Typographic characters -> ASCII where the meaning is unchanged (so "Company’s" matches "Company's"),
// ligatures split, non-breaking and odd spaces made plain. The em dash stays: tables use it for "none".
inline std::string normalize_utf8(const std::string& s) {
    static const std::vector<std::pair<std::string, std::string>> map = {
        {"\xE2\x80\x99", "'"}, {"\xE2\x80\x98", "'"}, {"\xE2\x80\x9C", "\""}, {"\xE2\x80\x9D", "\""},
        {"\xC2\xA0", " "},     {"\xE2\x80\x89", " "}, {"\xE2\x80\x8A", " "},  {"\xE2\x80\xAF", " "},
        {"\xEF\xAC\x81", "fi"}, {"\xEF\xAC\x82", "fl"}, {"\xEF\xAC\x80", "ff"}, {"\xEF\xAC\x83", "ffi"},
        {"\xE2\x80\x93", "-"}, {"\xE2\x80\x90", "-"}, {"\xE2\x80\x91", "-"},  {"\xC2\xAD", ""},
        {"\t", " "}};
    std::string o = s;
    for (auto& kv : map) if (o.find(kv.first) != std::string::npos) o = replace_all(o, kv.first, kv.second);
    return o;
}

inline bool is_alpha(char c) { return isalpha((unsigned char)c) || ((unsigned char)c >= 0x80); }
inline bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Number tokens of a text: maximal runs of digits with inner ',' or '.', not glued to letters
// (so "3M", "N95", "MMM23" are names, not numbers). The same function reads the document and the
// generated text, which is what makes "every number comes from the document" checkable.
inline std::vector<std::string> number_tokens(const std::string& s) {
    std::vector<std::string> out;
    size_t n = s.size();
    for (size_t i = 0; i < n;) {
        if (!is_digit(s[i])) { i++; continue; }
        size_t a = i;
        while (i < n && (is_digit(s[i]) || ((s[i] == ',' || s[i] == '.') && i + 1 < n && is_digit(s[i + 1])))) i++;
        bool glued = (a > 0 && (is_alpha(s[a - 1]) || s[a - 1] == '_')) || (i < n && (is_alpha(s[i]) || s[i] == '_'));
        if (!glued) out.push_back(s.substr(a, i - a));
    }
    return out;
}
// canonical form of a number token: commas dropped, so "34,229" and "34229" are one number
inline std::string canon_number(const std::string& t) {
    std::string o;
    for (char c : t) if (c != ',') o += c;
    return o;
}

inline std::string jnum(double v, int prec = 4) {
    char b[64];
    snprintf(b, sizeof b, "%.*f", prec, v);
    std::string s = b;
    if (s.find('.') != std::string::npos) {
        while (s.back() == '0') s.pop_back();
        if (s.back() == '.') s.pop_back();
    }
    return s;
}

// first letter upper / lower (ASCII only; leaves digits and names like "3M" alone)
inline std::string upper_first(std::string s) {
    if (!s.empty() && islower((unsigned char)s[0])) s[0] = (char)toupper((unsigned char)s[0]);
    return s;
}

}  // namespace synth
