// plot.h: line and scatter plots drawn by hand into an RGB canvas and saved as PNG.
// Our own rasteriser (anti-aliased 2-px lines, round markers) and an embedded 5x7 ASCII font
// drawn at 2x; stb_image_write only encodes the PNG. Usage:
//   PlotSpec s; s.title = "GPT-2 124M"; s.xlabel = "step"; s.ylabel = "loss"; s.logy = true;
//   plot_lines("loss.png", s, {{"train", steps, train_loss}, {"val", val_steps, val_loss}});
//   plot_scatter("arms.png", s2, forgetting, qa_acc, arm_names);   // one labelled point each
// render_lines / render_scatter do the same into memory and also return the data->pixel mapping.
// Points that are NaN/inf (or beyond 1e300), or <= 0 on a log axis, are skipped; a line breaks there.
// A series with <= 40 points also gets a marker per point (val loss is sparse; train is dense).
// Every file gets its own static copy of stb_image_write (STB_IMAGE_WRITE_STATIC), so do not
// include <stb/stb_image_write.h> yourself in a file that includes this one.
#pragma once
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>
#include "llmc/utils.h"

#define STB_IMAGE_WRITE_STATIC
#define STB_IMAGE_WRITE_IMPLEMENTATION
#define STBI_WRITE_NO_STDIO  // we write through write_file_atomic, never stb's fopen
#include <stb/stb_image_write.h>

struct RGB {
    uint8_t r = 0, g = 0, b = 0;
    bool operator==(const RGB& o) const { return r == o.r && g == o.g && b == o.b; }
    bool operator!=(const RGB& o) const { return !(*this == o); }
};

const RGB PLOT_WHITE = {255, 255, 255};
const RGB PLOT_GRID = {232, 232, 232};
const RGB PLOT_FRAME = {90, 90, 90};
const RGB PLOT_TEXT = {40, 40, 40};

// matplotlib's tab10: distinct, and readable on white
inline RGB series_color(int i) {
    static const RGB pal[10] = {{31, 119, 180}, {255, 127, 14}, {44, 160, 44},  {214, 39, 40},
                                {148, 103, 189}, {140, 86, 75}, {227, 119, 194}, {127, 127, 127},
                                {188, 189, 34}, {23, 190, 207}};
    return pal[((i % 10) + 10) % 10];
}

// RGB8 pixels, row-major from the top-left. Writes outside the clip rectangle are dropped,
// which is how data stays inside the plot frame.
struct Canvas {
    int w = 0, h = 0;
    std::vector<uint8_t> px;
    int cx0 = 0, cy0 = 0, cx1 = 0, cy1 = 0;  // clip rectangle, end exclusive

    Canvas() = default;
    Canvas(int width, int height, RGB bg = PLOT_WHITE) : w(width), h(height), px((size_t)width * height * 3) {
        for (size_t i = 0; i < px.size(); i += 3) { px[i] = bg.r; px[i + 1] = bg.g; px[i + 2] = bg.b; }
        unclip();
    }
    void clip(int x0, int y0, int x1, int y1) {
        cx0 = std::max(0, x0); cy0 = std::max(0, y0); cx1 = std::min(w, x1); cy1 = std::min(h, y1);
    }
    void unclip() { cx0 = 0; cy0 = 0; cx1 = w; cy1 = h; }
    bool inside(int x, int y) const { return x >= cx0 && x < cx1 && y >= cy0 && y < cy1; }
    RGB get(int x, int y) const {
        if (x < 0 || y < 0 || x >= w || y >= h) return PLOT_WHITE;
        const uint8_t* p = &px[((size_t)y * w + x) * 3];
        return {p[0], p[1], p[2]};
    }
    void set(int x, int y, RGB c) {
        if (!inside(x, y)) return;
        uint8_t* p = &px[((size_t)y * w + x) * 3];
        p[0] = c.r; p[1] = c.g; p[2] = c.b;
    }
    // alpha in [0,1]: coverage from anti-aliasing
    void blend(int x, int y, RGB c, double a) {
        if (!inside(x, y) || a <= 0) return;
        if (a >= 1) { set(x, y, c); return; }
        uint8_t* p = &px[((size_t)y * w + x) * 3];
        p[0] = (uint8_t)std::lround(p[0] + (c.r - p[0]) * a);
        p[1] = (uint8_t)std::lround(p[1] + (c.g - p[1]) * a);
        p[2] = (uint8_t)std::lround(p[2] + (c.b - p[2]) * a);
    }
};

struct Series {
    std::string name;  // empty: left out of the legend
    std::vector<double> x, y;
};

struct PlotSpec {
    std::string title, xlabel, ylabel;
    bool logx = false, logy = false;
    int width = 800, height = 500;
};

// One axis in "axis space": the value itself, or log10 of it on a log axis.
struct Axis {
    double lo = 0, hi = 1;
    bool log = false;
    double t(double v) const { return log ? std::log10(v) : v; }
    // beyond 1e300 counts as inf: keeps spans and pixel coordinates finite
    bool ok(double v) const { return std::fabs(v) <= 1e300 && (!log || v > 0); }
};

// The plot frame in pixels ([x0,x1] x [y0,y1], y down) and the data->pixel mapping.
struct Frame {
    int x0 = 0, y0 = 0, x1 = 1, y1 = 1;
    Axis ax, ay;
    double px(double x) const { return x0 + (ax.t(x) - ax.lo) / (ax.hi - ax.lo) * (x1 - x0); }
    double py(double y) const { return y1 - (ay.t(y) - ay.lo) / (ay.hi - ay.lo) * (y1 - y0); }
};

struct Figure {
    Canvas canvas;
    Frame frame;
};

struct Tick {
    double v;  // data value
    std::string label;
};

namespace plot_detail {

// 5x7 ASCII font, chars 32..126, 5 columns per glyph, bit 0 = top row; g j p q y use an 8th
// row (bit 7) as a descender so they don't read as 9 or P.
inline const uint8_t* glyph(char ch) {
    static const uint8_t font[95][5] = {
        {0x00, 0x00, 0x00, 0x00, 0x00}, {0x00, 0x00, 0x5F, 0x00, 0x00}, {0x00, 0x07, 0x00, 0x07, 0x00},  //  !"
        {0x14, 0x7F, 0x14, 0x7F, 0x14}, {0x24, 0x2A, 0x7F, 0x2A, 0x12}, {0x23, 0x13, 0x08, 0x64, 0x62},  // #$%
        {0x36, 0x49, 0x55, 0x22, 0x50}, {0x00, 0x05, 0x03, 0x00, 0x00}, {0x00, 0x1C, 0x22, 0x41, 0x00},  // &'(
        {0x00, 0x41, 0x22, 0x1C, 0x00}, {0x08, 0x2A, 0x1C, 0x2A, 0x08}, {0x08, 0x08, 0x3E, 0x08, 0x08},  // )*+
        {0x00, 0x50, 0x30, 0x00, 0x00}, {0x08, 0x08, 0x08, 0x08, 0x08}, {0x00, 0x60, 0x60, 0x00, 0x00},  // ,-.
        {0x20, 0x10, 0x08, 0x04, 0x02}, {0x3E, 0x51, 0x49, 0x45, 0x3E}, {0x00, 0x42, 0x7F, 0x40, 0x00},  // /01
        {0x42, 0x61, 0x51, 0x49, 0x46}, {0x21, 0x41, 0x45, 0x4B, 0x31}, {0x18, 0x14, 0x12, 0x7F, 0x10},  // 234
        {0x27, 0x45, 0x45, 0x45, 0x39}, {0x3C, 0x4A, 0x49, 0x49, 0x30}, {0x01, 0x71, 0x09, 0x05, 0x03},  // 567
        {0x36, 0x49, 0x49, 0x49, 0x36}, {0x06, 0x49, 0x49, 0x29, 0x1E}, {0x00, 0x36, 0x36, 0x00, 0x00},  // 89:
        {0x00, 0x56, 0x36, 0x00, 0x00}, {0x08, 0x14, 0x22, 0x41, 0x00}, {0x14, 0x14, 0x14, 0x14, 0x14},  // ;<=
        {0x00, 0x41, 0x22, 0x14, 0x08}, {0x02, 0x01, 0x51, 0x09, 0x06}, {0x32, 0x49, 0x79, 0x41, 0x3E},  // >?@
        {0x7E, 0x11, 0x11, 0x11, 0x7E}, {0x7F, 0x49, 0x49, 0x49, 0x36}, {0x3E, 0x41, 0x41, 0x41, 0x22},  // ABC
        {0x7F, 0x41, 0x41, 0x22, 0x1C}, {0x7F, 0x49, 0x49, 0x49, 0x41}, {0x7F, 0x09, 0x09, 0x09, 0x01},  // DEF
        {0x3E, 0x41, 0x49, 0x49, 0x7A}, {0x7F, 0x08, 0x08, 0x08, 0x7F}, {0x00, 0x41, 0x7F, 0x41, 0x00},  // GHI
        {0x20, 0x40, 0x41, 0x3F, 0x01}, {0x7F, 0x08, 0x14, 0x22, 0x41}, {0x7F, 0x40, 0x40, 0x40, 0x40},  // JKL
        {0x7F, 0x02, 0x0C, 0x02, 0x7F}, {0x7F, 0x04, 0x08, 0x10, 0x7F}, {0x3E, 0x41, 0x41, 0x41, 0x3E},  // MNO
        {0x7F, 0x09, 0x09, 0x09, 0x06}, {0x3E, 0x41, 0x51, 0x21, 0x5E}, {0x7F, 0x09, 0x19, 0x29, 0x46},  // PQR
        {0x46, 0x49, 0x49, 0x49, 0x31}, {0x01, 0x01, 0x7F, 0x01, 0x01}, {0x3F, 0x40, 0x40, 0x40, 0x3F},  // STU
        {0x1F, 0x20, 0x40, 0x20, 0x1F}, {0x3F, 0x40, 0x38, 0x40, 0x3F}, {0x63, 0x14, 0x08, 0x14, 0x63},  // VWX
        {0x07, 0x08, 0x70, 0x08, 0x07}, {0x61, 0x51, 0x49, 0x45, 0x43}, {0x00, 0x7F, 0x41, 0x41, 0x00},  // YZ[
        {0x02, 0x04, 0x08, 0x10, 0x20}, {0x00, 0x41, 0x41, 0x7F, 0x00}, {0x04, 0x02, 0x01, 0x02, 0x04},  // \]^
        {0x40, 0x40, 0x40, 0x40, 0x40}, {0x00, 0x01, 0x02, 0x04, 0x00}, {0x20, 0x54, 0x54, 0x54, 0x78},  // _`a
        {0x7F, 0x48, 0x44, 0x44, 0x38}, {0x38, 0x44, 0x44, 0x44, 0x20}, {0x38, 0x44, 0x44, 0x48, 0x7F},  // bcd
        {0x38, 0x54, 0x54, 0x54, 0x18}, {0x08, 0x7E, 0x09, 0x01, 0x02}, {0x98, 0xA4, 0xA4, 0xA4, 0x7C},  // efg
        {0x7F, 0x08, 0x04, 0x04, 0x78}, {0x00, 0x44, 0x7D, 0x40, 0x00}, {0x80, 0x80, 0x84, 0x7D, 0x00},  // hij
        {0x7F, 0x10, 0x28, 0x44, 0x00}, {0x00, 0x41, 0x7F, 0x40, 0x00}, {0x7C, 0x04, 0x18, 0x04, 0x78},  // klm
        {0x7C, 0x08, 0x04, 0x04, 0x78}, {0x38, 0x44, 0x44, 0x44, 0x38}, {0xFC, 0x24, 0x24, 0x24, 0x18},  // nop
        {0x18, 0x24, 0x24, 0x24, 0xFC}, {0x7C, 0x08, 0x04, 0x04, 0x08}, {0x48, 0x54, 0x54, 0x54, 0x20},  // qrs
        {0x04, 0x3F, 0x44, 0x40, 0x20}, {0x3C, 0x40, 0x40, 0x20, 0x7C}, {0x1C, 0x20, 0x40, 0x20, 0x1C},  // tuv
        {0x3C, 0x40, 0x30, 0x40, 0x3C}, {0x44, 0x28, 0x10, 0x28, 0x44}, {0x1C, 0xA0, 0xA0, 0xA0, 0x7C},  // wxy
        {0x44, 0x64, 0x54, 0x4C, 0x44}, {0x00, 0x08, 0x36, 0x41, 0x00}, {0x00, 0x00, 0x7F, 0x00, 0x00},  // z{|
        {0x00, 0x41, 0x36, 0x08, 0x00}, {0x08, 0x04, 0x08, 0x10, 0x08},                                  // }~
    };
    unsigned char c = (unsigned char)ch;
    if (c < 32 || c > 126) c = '?';
    return font[c - 32];
}

const int FONT_SCALE = 2;
const int TEXT_H = 7 * FONT_SCALE;  // cap height in pixels (descenders go 1 font row lower)

inline int text_width(const std::string& s, int scale = FONT_SCALE) {
    return s.empty() ? 0 : (int)s.size() * 6 * scale - scale;  // 5 px glyph + 1 px gap, no trailing gap
}

// shortens s with ".." so it fits in max_w pixels
inline std::string fit_text(const std::string& s, int max_w, int scale = FONT_SCALE) {
    if (text_width(s, scale) <= max_w) return s;
    int n = std::max(0, (max_w + scale) / (6 * scale) - 2);
    return s.substr(0, std::min(s.size(), (size_t)n)) + "..";
}

inline void fill_rect(Canvas& c, int x0, int y0, int w, int h, RGB col) {
    for (int y = std::max(y0, c.cy0); y < std::min(y0 + h, c.cy1); y++)
        for (int x = std::max(x0, c.cx0); x < std::min(x0 + w, c.cx1); x++) c.set(x, y, col);
}

// (x, y) = top-left of the text
inline void draw_text(Canvas& c, int x, int y, const std::string& s, RGB col, int scale = FONT_SCALE) {
    for (size_t k = 0; k < s.size(); k++) {
        const uint8_t* g = glyph(s[k]);
        int gx = x + (int)k * 6 * scale;
        for (int i = 0; i < 5; i++)
            for (int j = 0; j < 8; j++)
                if ((g[i] >> j) & 1) fill_rect(c, gx + i * scale, y + j * scale, scale, scale, col);
    }
}

// text turned 90 degrees counter-clockwise (reads bottom to top); (x, y) = bottom-left corner
inline void draw_text_up(Canvas& c, int x, int y, const std::string& s, RGB col, int scale = FONT_SCALE) {
    for (size_t k = 0; k < s.size(); k++) {
        const uint8_t* g = glyph(s[k]);
        int gy = y - (int)k * 6 * scale;
        for (int i = 0; i < 5; i++)
            for (int j = 0; j < 8; j++)
                if ((g[i] >> j) & 1) fill_rect(c, x + j * scale, gy - (i + 1) * scale, scale, scale, col);
    }
}

// Anti-aliased segment of the given width with round ends: each pixel's coverage falls off
// linearly with the distance from its centre to the segment.
inline void draw_segment(Canvas& c, double ax, double ay, double bx, double by, RGB col, double width = 2.0) {
    if (!std::isfinite(ax) || !std::isfinite(ay) || !std::isfinite(bx) || !std::isfinite(by)) return;
    double hw = width / 2, pad = hw + 1;
    double fx0 = std::max(std::min(ax, bx) - pad, (double)c.cx0), fx1 = std::min(std::max(ax, bx) + pad, (double)c.cx1);
    double fy0 = std::max(std::min(ay, by) - pad, (double)c.cy0), fy1 = std::min(std::max(ay, by) + pad, (double)c.cy1);
    if (fx0 >= fx1 || fy0 >= fy1) return;
    double dx = bx - ax, dy = by - ay, len2 = dx * dx + dy * dy;
    for (int y = (int)std::floor(fy0); y < (int)std::ceil(fy1); y++)
        for (int x = (int)std::floor(fx0); x < (int)std::ceil(fx1); x++) {
            double px = x + 0.5, py = y + 0.5;
            double t = len2 > 0 ? std::clamp(((px - ax) * dx + (py - ay) * dy) / len2, 0.0, 1.0) : 0.0;
            double ex = px - (ax + t * dx), ey = py - (ay + t * dy);
            double a = hw + 0.5 - std::sqrt(ex * ex + ey * ey);
            if (a > 0) c.blend(x, y, col, std::min(a, 1.0));
        }
}

inline void fill_circle(Canvas& c, double cx, double cy, double r, RGB col) {
    if (!(std::fabs(cx) < 1e6 && std::fabs(cy) < 1e6)) return;  // also keeps the int casts defined
    for (int y = (int)std::floor(cy - r - 1); y <= (int)std::ceil(cy + r + 1); y++)
        for (int x = (int)std::floor(cx - r - 1); x <= (int)std::ceil(cx + r + 1); x++) {
            double a = r + 0.5 - std::hypot(x + 0.5 - cx, y + 0.5 - cy);
            if (a > 0) c.blend(x, y, col, std::min(a, 1.0));
        }
}

// Axis range over the valid values, padded by `pad` of the span on each side. No values: [0,1]
// (1..10 on a log axis). All equal: a window around the value, so it lands mid-axis.
inline Axis make_axis(const std::vector<double>& vals, bool log, double pad) {
    Axis a;
    a.log = log;
    double lo = INFINITY, hi = -INFINITY;
    for (double v : vals)
        if (a.ok(v)) { lo = std::min(lo, a.t(v)); hi = std::max(hi, a.t(v)); }
    if (!(lo <= hi)) { a.lo = 0; a.hi = 1; return a; }
    if (hi - lo <= 1e-12 * std::max(1.0, std::max(std::fabs(lo), std::fabs(hi)))) {
        double c = (lo + hi) / 2;
        double half = log ? std::log10(2.0) : (c != 0 ? std::fabs(c) * 0.1 : 1.0);
        lo = c - half; hi = c + half;
    }
    double span = hi - lo;
    a.lo = lo - pad * span;
    a.hi = hi + pad * span;
    return a;
}

// "%g" without the exponent noise: 2e+06 -> 2e6, 1.5e-05 -> 1.5e-5
inline std::string fmt_compact(double v, int prec) {
    char buf[64];
    snprintf(buf, sizeof buf, "%.*g", prec, v);
    std::string s = buf, out;
    size_t e = s.find('e');
    if (e == std::string::npos) return s;
    out = s.substr(0, e + 1);
    size_t i = e + 1;
    if (s[i] == '+') i++;
    else if (s[i] == '-') { out += '-'; i++; }
    while (i + 1 < s.size() && s[i] == '0') i++;
    return out + s.substr(i);
}

// labels for ticks at multiples of `step`: just enough decimals to tell them apart
inline std::string fmt_linear(double v, double step, double maxabs) {
    int dec = std::max(0, -(int)std::floor(std::log10(step) + 1e-9));
    if (maxabs >= 1e6 || dec > 4) {
        int prec = (int)std::floor(std::log10(std::max(maxabs, step))) - (int)std::floor(std::log10(step) + 1e-9) + 1;
        return fmt_compact(v, std::clamp(prec, 1, 10));
    }
    char buf[64];
    snprintf(buf, sizeof buf, "%.*f", dec, v);
    return buf;
}

// log-axis labels: plain numbers near 1, "1e-5" / "2e6" beyond
inline std::string fmt_log(double v) {
    int e = (int)std::floor(std::log10(v) + 1e-9);
    if (e >= -3 && e <= 4) return fmt_compact(v, 6);
    char buf[64];
    snprintf(buf, sizeof buf, "%de%d", (int)std::lround(v / std::pow(10.0, e)), e);
    return buf;
}

// Whether tick labels would collide: x labels need their half-widths plus a gap between
// neighbours, y labels a line height plus a gap.
inline bool ticks_fit(const std::vector<Tick>& ts, const Axis& a, double pixels, bool horizontal) {
    for (size_t i = 1; i < ts.size(); i++) {
        double gap = (a.t(ts[i].v) - a.t(ts[i - 1].v)) / (a.hi - a.lo) * pixels;
        double need = horizontal ? (text_width(ts[i].label) + text_width(ts[i - 1].label)) / 2.0 + 16 : TEXT_H + 12;
        if (gap < need) return false;
    }
    return true;
}

// 1-2-5 steps on [lo, hi] (data space), the finest whose labels don't collide and that
// gives no more than pixels/min_px ticks
inline std::vector<Tick> linear_ticks(double lo, double hi, const Axis& a, double pixels, bool horizontal) {
    std::vector<Tick> ts;
    double span = hi - lo;
    if (!(span > 0) || !std::isfinite(span)) return ts;
    double min_px = horizontal ? 90 : 50;
    double maxabs = std::max(std::fabs(lo), std::fabs(hi));
    double target = std::max(2.0, pixels / min_px);
    double raw = span / target, mag = std::pow(10.0, std::floor(std::log10(raw)));
    if (!std::isnormal(mag) || !std::isnormal(raw)) return ts;  // subnormal or overflowing spans: no ticks
    static const double mult[3] = {1, 2, 5};
    int m = 0;  // smallest 1-2-5 step >= raw
    while (mult[m] * mag < raw * (1 - 1e-9))
        if (++m == 3) { m = 0; mag *= 10; }
    for (int tries = 0; tries < 30; tries++) {
        double step = mult[m] * mag;
        ts.clear();
        double i0 = std::ceil(lo / step - 1e-9), i1 = std::floor(hi / step + 1e-9);
        if (i1 - i0 > 1000) i1 = i0 + 1000;
        for (double i = i0; i <= i1; i++) {
            double v = i * step;
            if (std::fabs(v) < step * 1e-9) v = 0;  // no "-0.0" or 1e-17 labels
            if (a.ok(v)) ts.push_back({v, fmt_linear(v, step, maxabs)});
        }
        if (ticks_fit(ts, a, pixels, horizontal)) return ts;
        if (++m == 3) { m = 0; mag *= 10; }
    }
    return ts;
}

// Log axis: 1..9 x 10^k, else 1,2,5 x 10^k, else every 10^(s*k) for s = 1,2,5,10...; the densest
// that fits. Spans under a decade or so get linear 1-2-5 ticks placed on the log scale instead.
inline std::vector<Tick> log_ticks(const Axis& a, double pixels, bool horizontal) {
    double max_n = std::max(2.0, pixels / (horizontal ? 70 : 40));
    int k0 = (int)std::floor(a.lo) - 1, k1 = (int)std::ceil(a.hi) + 1;
    auto gen = [&](const std::vector<int>& mant, int dstep) {
        std::vector<Tick> ts;
        for (int k = k0; k <= k1; k++) {
            if (((k % dstep) + dstep) % dstep) continue;
            for (int mm : mant) {
                double v = mm * std::pow(10.0, k);
                double t = std::log10(v);
                if (t >= a.lo - 1e-9 && t <= a.hi + 1e-9) ts.push_back({v, fmt_log(v)});
            }
        }
        return ts;
    };
    std::vector<Tick> best;
    bool found = false;
    std::vector<std::vector<int>> mants = {{1, 2, 3, 4, 5, 6, 7, 8, 9}, {1, 2, 5}, {1}};
    for (auto& mant : mants) {
        auto ts = gen(mant, 1);
        if (ts.size() <= max_n && ticks_fit(ts, a, pixels, horizontal)) { best = ts; found = true; break; }
    }
    for (int dstep : {2, 3, 5, 10, 20, 50, 100, 200, 500, 1000}) {
        if (found) break;
        auto ts = gen({1}, dstep);
        if (ts.size() <= max_n && ticks_fit(ts, a, pixels, horizontal)) { best = ts; found = true; }
    }
    if (best.size() < 3) {
        auto lin = linear_ticks(std::pow(10.0, a.lo), std::pow(10.0, a.hi), a, pixels, horizontal);
        if (lin.size() > best.size()) return lin;
    }
    return best;
}

}  // namespace plot_detail

// Tick positions and labels for an axis `pixels` long: 1-2-5 steps (powers of ten on log axes),
// as many as fit without labels colliding.
inline std::vector<Tick> nice_ticks(const Axis& a, double pixels, bool horizontal) {
    if (a.log) return plot_detail::log_ticks(a, pixels, horizontal);
    return plot_detail::linear_ticks(a.lo, a.hi, a, pixels, horizontal);
}

namespace plot_detail {

inline void check_size(const PlotSpec& spec) {
    if (spec.width < 200 || spec.height < 150 || spec.width > 8192 || spec.height > 8192)
        fatal(EXIT_RUNTIME, "plot size %dx%d out of range (200x150 to 8192x8192)", spec.width, spec.height);
}

// Frame and ticks. Plots draw in layers: grid, then data (clipped to the frame), then frame,
// ticks, axis titles and title on top, then the legend or point labels.
struct Axes {
    Frame f;
    std::vector<Tick> xt, yt;
};

// margins sized to fit the tick labels and titles
inline Axes layout(const PlotSpec& spec, const Axis& ax, const Axis& ay) {
    Axes A;
    Frame& f = A.f;
    f.ax = ax;
    f.ay = ay;
    int top = spec.title.empty() ? 20 : 20 + TEXT_H + 16;
    int bottom = 8 + 6 + TEXT_H + (spec.xlabel.empty() ? 12 : 14 + TEXT_H + 12);
    f.y0 = top;
    f.y1 = spec.height - bottom;
    A.yt = nice_ticks(ay, f.y1 - f.y0, false);  // y ticks depend only on the height
    int yw = 0;
    for (auto& t : A.yt) yw = std::max(yw, text_width(t.label));
    f.x0 = 12 + (spec.ylabel.empty() ? 0 : TEXT_H + 12) + yw + 6 + 6;
    f.x1 = spec.width - 28;  // room for half of the last x label
    A.xt = nice_ticks(ax, f.x1 - f.x0, true);
    return A;
}

inline void draw_grid(Canvas& c, const Axes& A) {
    const Frame& f = A.f;
    for (auto& t : A.xt) {
        int x = (int)std::floor(f.px(t.v));
        fill_rect(c, x, f.y0, 1, f.y1 - f.y0, PLOT_GRID);
    }
    for (auto& t : A.yt) {
        int y = (int)std::floor(f.py(t.v));
        fill_rect(c, f.x0, y, f.x1 - f.x0, 1, PLOT_GRID);
    }
}

inline void draw_frame_and_labels(Canvas& c, const PlotSpec& spec, const Axes& A) {
    const Frame& f = A.f;
    c.unclip();
    fill_rect(c, f.x0, f.y0, f.x1 - f.x0 + 1, 1, PLOT_FRAME);
    fill_rect(c, f.x0, f.y1, f.x1 - f.x0 + 1, 1, PLOT_FRAME);
    fill_rect(c, f.x0, f.y0, 1, f.y1 - f.y0 + 1, PLOT_FRAME);
    fill_rect(c, f.x1, f.y0, 1, f.y1 - f.y0 + 1, PLOT_FRAME);
    for (auto& t : A.xt) {
        int x = (int)std::floor(f.px(t.v));
        fill_rect(c, x, f.y1 + 1, 1, 6, PLOT_FRAME);
        draw_text(c, x - text_width(t.label) / 2, f.y1 + 6 + 8, t.label, PLOT_TEXT);
    }
    for (auto& t : A.yt) {
        int y = (int)std::floor(f.py(t.v));
        fill_rect(c, f.x0 - 6, y, 6, 1, PLOT_FRAME);
        draw_text(c, f.x0 - 12 - text_width(t.label), y - TEXT_H / 2, t.label, PLOT_TEXT);
    }
    int cx = (f.x0 + f.x1) / 2, cy = (f.y0 + f.y1) / 2;
    if (!spec.xlabel.empty()) {
        std::string s = fit_text(spec.xlabel, spec.width - 16);
        int x = std::clamp(cx - text_width(s) / 2, 8, spec.width - 8 - text_width(s));
        draw_text(c, x, spec.height - 12 - TEXT_H, s, PLOT_TEXT);
    }
    if (!spec.ylabel.empty()) {
        std::string s = fit_text(spec.ylabel, spec.height - 16);
        int y = std::clamp(cy + text_width(s) / 2, 8 + text_width(s), spec.height - 8);
        draw_text_up(c, 12, y, s, PLOT_TEXT);
    }
    if (!spec.title.empty()) {
        std::string s = fit_text(spec.title, spec.width - 16);
        int x = std::clamp(cx - text_width(s) / 2, 8, spec.width - 8 - text_width(s));
        draw_text(c, x, 20, s, {0, 0, 0});
        draw_text(c, x + 1, 20, s, {0, 0, 0});  // a 1-px double strike reads as bold
    }
}

}  // namespace plot_detail

// Line plot into memory. Each series gets series_color(i); lines break at skipped points.
inline Figure render_lines(const PlotSpec& spec, const std::vector<Series>& series) {
    using namespace plot_detail;
    check_size(spec);
    std::vector<double> xs, ys;
    for (auto& s : series) {
        if (s.x.size() != s.y.size())
            fatal(EXIT_RUNTIME, "plot series '%s' has %zu x values but %zu y values", s.name.c_str(), s.x.size(), s.y.size());
        Axis tx{0, 1, spec.logx}, ty{0, 1, spec.logy};
        for (size_t i = 0; i < s.x.size(); i++)
            if (tx.ok(s.x[i]) && ty.ok(s.y[i])) { xs.push_back(s.x[i]); ys.push_back(s.y[i]); }  // range over drawn points only
    }
    Axes A = layout(spec, make_axis(xs, spec.logx, 0.03), make_axis(ys, spec.logy, 0.05));
    Figure fig{Canvas(spec.width, spec.height), A.f};
    Canvas& c = fig.canvas;
    const Frame& f = A.f;
    draw_grid(c, A);
    c.clip(f.x0 + 1, f.y0 + 1, f.x1, f.y1);
    std::vector<bool> marked(series.size());
    for (size_t k = 0; k < series.size(); k++) {
        const Series& s = series[k];
        RGB col = series_color((int)k);
        auto ok = [&](size_t i) { return i < s.x.size() && f.ax.ok(s.x[i]) && f.ay.ok(s.y[i]); };
        size_t nvalid = 0;
        for (size_t i = 0; i < s.x.size(); i++) nvalid += ok(i);
        marked[k] = nvalid <= 40;
        for (size_t i = 0; i + 1 < s.x.size(); i++)
            if (ok(i) && ok(i + 1)) draw_segment(c, f.px(s.x[i]), f.py(s.y[i]), f.px(s.x[i + 1]), f.py(s.y[i + 1]), col, 2.0);
        for (size_t i = 0; i < s.x.size(); i++) {
            bool alone = ok(i) && !(i > 0 && ok(i - 1)) && !ok(i + 1);  // no segment shows it
            if (ok(i) && (marked[k] || alone)) fill_circle(c, f.px(s.x[i]), f.py(s.y[i]), 3.5, col);
        }
    }
    draw_frame_and_labels(c, spec, A);

    // legend: in the corner of the frame that covers the fewest data pixels
    std::vector<size_t> named;
    int nw = 0;
    for (size_t k = 0; k < series.size(); k++)
        if (!series[k].name.empty()) { named.push_back(k); nw = std::max(nw, text_width(series[k].name)); }
    if (!named.empty()) {
        int row = TEXT_H + 8;
        int bw = std::min(10 + 28 + 8 + nw + 10, f.x1 - f.x0 - 20), bh = 6 + row * (int)named.size();
        int bx[4] = {f.x1 - 10 - bw, f.x0 + 10, f.x1 - 10 - bw, f.x0 + 10};
        int by[4] = {f.y0 + 10, f.y0 + 10, f.y1 - 10 - bh, f.y1 - 10 - bh};
        int best = 0;
        long best_n = -1;
        for (int q = 0; q < 4; q++) {
            long n = 0;
            for (int y = by[q]; y < by[q] + bh; y++)
                for (int x = bx[q]; x < bx[q] + bw; x++) {
                    RGB p = c.get(x, y);
                    n += p != PLOT_WHITE && p != PLOT_GRID;
                }
            if (best_n < 0 || n < best_n) { best = q; best_n = n; }
        }
        int x0 = bx[best], y0 = by[best];
        fill_rect(c, x0, y0, bw, bh, PLOT_WHITE);
        fill_rect(c, x0, y0, bw, 1, {170, 170, 170});
        fill_rect(c, x0, y0 + bh - 1, bw, 1, {170, 170, 170});
        fill_rect(c, x0, y0, 1, bh, {170, 170, 170});
        fill_rect(c, x0 + bw - 1, y0, 1, bh, {170, 170, 170});
        for (size_t r = 0; r < named.size(); r++) {
            RGB col = series_color((int)named[r]);
            int ty = y0 + 7 + (int)r * row;
            double ly = ty + TEXT_H / 2.0;
            draw_segment(c, x0 + 10, ly, x0 + 38, ly, col, 2.0);
            if (marked[named[r]]) fill_circle(c, x0 + 24, ly, 3.5, col);
            draw_text(c, x0 + 46, ty, fit_text(series[named[r]].name, bw - 56), PLOT_TEXT);
        }
    }
    return fig;
}

// Scatter plot into memory: point i gets series_color(i) and labels[i] (labels may be empty),
// each label put beside its point where it overlaps the least.
inline Figure render_scatter(const PlotSpec& spec, const std::vector<double>& x, const std::vector<double>& y,
                             const std::vector<std::string>& labels) {
    using namespace plot_detail;
    check_size(spec);
    if (x.size() != y.size()) fatal(EXIT_RUNTIME, "scatter plot has %zu x values but %zu y values", x.size(), y.size());
    if (!labels.empty() && labels.size() != x.size())
        fatal(EXIT_RUNTIME, "scatter plot has %zu points but %zu labels", x.size(), labels.size());
    Axis tx{0, 1, spec.logx}, ty{0, 1, spec.logy};
    std::vector<double> xs, ys;
    std::vector<size_t> pts;
    for (size_t i = 0; i < x.size(); i++)
        if (tx.ok(x[i]) && ty.ok(y[i])) { xs.push_back(x[i]); ys.push_back(y[i]); pts.push_back(i); }
    Axes A = layout(spec, make_axis(xs, spec.logx, 0.12), make_axis(ys, spec.logy, 0.10));
    Figure fig{Canvas(spec.width, spec.height), A.f};
    Canvas& c = fig.canvas;
    const Frame& f = A.f;
    draw_grid(c, A);
    const double R = 5.5;
    c.clip(f.x0 + 1, f.y0 + 1, f.x1, f.y1);
    for (size_t i : pts) {
        fill_circle(c, f.px(x[i]), f.py(y[i]), R + 1, {255, 255, 255});  // white rim separates touching points
        fill_circle(c, f.px(x[i]), f.py(y[i]), R, series_color((int)i));
    }
    draw_frame_and_labels(c, spec, A);

    // greedy label placement: right, left, above, below; score = overlap with points and earlier
    // labels, plus a heavy charge for leaving the frame
    struct Box { double x0, y0, x1, y1; };
    auto overlap = [](const Box& a, const Box& b) {
        double w = std::min(a.x1, b.x1) - std::max(a.x0, b.x0), h = std::min(a.y1, b.y1) - std::max(a.y0, b.y0);
        return w > 0 && h > 0 ? w * h : 0.0;
    };
    std::vector<Box> taken;
    for (size_t i : pts) taken.push_back({f.px(x[i]) - R, f.py(y[i]) - R, f.px(x[i]) + R, f.py(y[i]) + R});
    Box frame{(double)f.x0 + 2, (double)f.y0 + 2, (double)f.x1 - 2, (double)f.y1 - 2};
    if (!labels.empty())
        for (size_t i : pts) {
            if (labels[i].empty()) continue;
            std::string s = fit_text(labels[i], (f.x1 - f.x0) / 2);
            double w = text_width(s), h = TEXT_H, px = f.px(x[i]), py = f.py(y[i]), g = R + 5;
            Box cand[4] = {{px + g, py - h / 2, px + g + w, py + h / 2},
                           {px - g - w, py - h / 2, px - g, py + h / 2},
                           {px - w / 2, py - g - h, px + w / 2, py - g},
                           {px - w / 2, py + g, px + w / 2, py + g + h}};
            int best = 0;
            double best_score = 0;
            for (int q = 0; q < 4; q++) {
                const Box& b = cand[q];
                double score = (w * h - overlap(b, frame)) * 100;
                for (auto& t : taken) score += overlap(b, {t.x0 - 3, t.y0 - 3, t.x1 + 3, t.y1 + 3});
                if (q == 0 || score < best_score) { best = q; best_score = score; }
            }
            Box b = cand[best];
            taken.push_back(b);
            draw_text(c, (int)std::lround(b.x0), (int)std::lround(b.y0), s, PLOT_TEXT);
        }
    return fig;
}

// A product-key memory's slots as an n_keys x n_keys image (slot i * n_keys + j at row i, column
// j: the two sub-keys that pick it), each coloured by who wrote it: owner[s] = -1 nobody, k < names
// only document k, names.size() more than one. Beside it a legend of colours, names and counts.
const RGB SLOT_NONE = {236, 236, 236}, SLOT_SHARED = {40, 40, 40};
inline Canvas render_slot_map(const std::string& title, int n_keys, const std::vector<int>& owner, const std::vector<std::string>& names) {
    using namespace plot_detail;
    const int scale = std::max(1, 512 / n_keys), side = n_keys * scale, pad = 16, top = 40, legend = 300, nd = (int)names.size();
    Canvas c(pad + side + pad + legend, top + side + pad);
    draw_text(c, pad, 12, fit_text(title, c.w - 2 * pad), PLOT_TEXT);
    std::vector<long> count(nd + 2, 0);  // each document alone, shared, unwritten
    for (int i = 0; i < n_keys; i++)
        for (int j = 0; j < n_keys; j++) {
            int o = owner[(size_t)i * n_keys + j];
            count[o < 0 ? nd + 1 : std::min(o, nd)]++;
            fill_rect(c, pad + j * scale, top + i * scale, scale, scale, o < 0 ? SLOT_NONE : o < nd ? series_color(o) : SLOT_SHARED);
        }
    int y = top;
    auto entry = [&](RGB col, const std::string& label, long n) {
        fill_rect(c, pad + side + pad, y, 14, 14, col);
        draw_text(c, pad + side + pad + 22, y, fit_text(label + ": " + std::to_string(n), legend - 26), PLOT_TEXT);
        y += 26;
    };
    for (int k = 0; k < nd; k++) entry(series_color(k), names[k] + " only", count[k]);
    entry(SLOT_SHARED, "shared", count[nd]);
    entry(SLOT_NONE, "unwritten", count[nd + 1]);
    return c;
}

// PNG bytes of the canvas
inline std::string encode_png(const Canvas& c) {
    std::string out;
    auto sink = [](void* ctx, void* data, int size) { static_cast<std::string*>(ctx)->append((const char*)data, size); };
    if (c.w <= 0 || c.h <= 0 || !stbi_write_png_to_func(sink, &out, c.w, c.h, 3, c.px.data(), c.w * 3))
        fatal(EXIT_RUNTIME, "PNG encoding of a %dx%d image failed", c.w, c.h);
    return out;
}

inline void write_png(const std::string& path, const Canvas& c) { write_file_atomic(path, encode_png(c)); }

inline void plot_lines(const std::string& png_path, const PlotSpec& spec, const std::vector<Series>& series) {
    write_png(png_path, render_lines(spec, series).canvas);
}

inline void plot_scatter(const std::string& png_path, const PlotSpec& spec, const std::vector<double>& x,
                         const std::vector<double>& y, const std::vector<std::string>& labels) {
    write_png(png_path, render_scatter(spec, x, y, labels).canvas);
}
