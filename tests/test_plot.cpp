// test_plot.cpp: PNG plots: file format, pixels where the data is, log axes, NaN/empty/degenerate input;
// the memory ledger's slot map.
#include <doctest/doctest.h>
#include <cmath>
#include <ostream>
#include <set>
#include "eval/plot.h"
#define STB_IMAGE_STATIC
#define STB_IMAGE_IMPLEMENTATION
#define STBI_ONLY_PNG
#include <stb/stb_image.h>  // only to decode our PNGs back

static uint32_t be32(const std::string& s, size_t at) {
    return (uint32_t)(uint8_t)s[at] << 24 | (uint32_t)(uint8_t)s[at + 1] << 16 | (uint32_t)(uint8_t)s[at + 2] << 8 |
           (uint32_t)(uint8_t)s[at + 3];
}

static std::ostream& operator<<(std::ostream& os, const RGB& c) {
    return os << "rgb(" << (int)c.r << "," << (int)c.g << "," << (int)c.b << ")";
}

// the pixel under data point (x, y)
static RGB at(const Figure& f, double x, double y) {
    return f.canvas.get((int)std::floor(f.frame.px(x)), (int)std::floor(f.frame.py(y)));
}

// whether a pixel next to data point (x, y) is exactly `c`: on a slanted 2-px line only the
// pixels whose centres are within half a pixel of it are fully covered
static bool near(const Figure& f, double x, double y, RGB c) {
    int px = (int)std::floor(f.frame.px(x)), py = (int)std::floor(f.frame.py(y));
    for (int dy = -1; dy <= 1; dy++)
        for (int dx = -1; dx <= 1; dx++)
            if (f.canvas.get(px + dx, py + dy) == c) return true;
    return false;
}

TEST_CASE("plot_lines writes a PNG with the right signature and size") {
    PlotSpec s;
    s.title = "loss";
    s.xlabel = "step";
    s.ylabel = "loss";
    s.width = 640;
    s.height = 360;
    plot_lines("/tmp/test_plot_lines.png", s, {{"train", {0, 1, 2, 3}, {4, 3, 2.5, 2.2}}, {"val", {0, 3}, {4.1, 2.4}}});
    std::string png = read_file("/tmp/test_plot_lines.png");
    REQUIRE(png.size() > 33);
    CHECK(png.substr(0, 8) == std::string("\x89PNG\r\n\x1a\n", 8));
    CHECK(png.substr(12, 4) == "IHDR");  // first chunk, right after the 8-byte signature and its length
    CHECK(be32(png, 16) == 640);
    CHECK(be32(png, 20) == 360);
    CHECK(!file_exists("/tmp/test_plot_lines.png.tmp." + std::to_string(getpid())));  // temp file renamed away
}

TEST_CASE("the PNG decodes back to exactly the rendered canvas") {
    PlotSpec s;
    s.title = "round trip";
    Figure f = render_lines(s, {{"a", {0, 1, 2}, {1, 3, 2}}});
    write_png("/tmp/test_plot_rt.png", f.canvas);
    int w = 0, h = 0, n = 0;
    unsigned char* px = stbi_load("/tmp/test_plot_rt.png", &w, &h, &n, 3);
    REQUIRE(px != nullptr);
    CHECK(w == s.width);
    CHECK(h == s.height);
    CHECK(std::equal(f.canvas.px.begin(), f.canvas.px.end(), px));
    stbi_image_free(px);
}

TEST_CASE("a line lands on its pixels in its colour; the rest stays white") {
    PlotSpec s;
    Figure f = render_lines(s, {{"diag", {0, 10}, {0, 10}}, {"flat", {0, 10}, {2, 2}}});
    CHECK(near(f, 5, 5, series_color(0)));
    CHECK(near(f, 7.5, 7.5, series_color(0)));
    CHECK(at(f, 6.3, 2) == series_color(1));
    CHECK(at(f, 3.3, 7.7) == PLOT_WHITE);  // off both lines and off the 1-2-5 grid
    CHECK(f.canvas.get(s.width - 1, s.height - 1) == PLOT_WHITE);
    CHECK(f.canvas.get(0, 0) == PLOT_WHITE);
    // the data range sits inside the frame, with some padding
    CHECK(f.frame.px(0) > f.frame.x0);
    CHECK(f.frame.px(10) < f.frame.x1);
    CHECK(f.frame.py(10) > f.frame.y0);
    CHECK(f.frame.py(0) < f.frame.y1);
    // with nothing drawn, the same spot is white
    Figure e = render_lines(s, {{"diag", {}, {}}});
    CHECK(e.canvas.get((int)f.frame.px(5), (int)f.frame.py(5)) != series_color(0));
}

TEST_CASE("series colours are distinct") {
    std::set<int> seen;
    for (int i = 0; i < 10; i++) seen.insert(series_color(i).r << 16 | series_color(i).g << 8 | series_color(i).b);
    CHECK(seen.size() == 10);
    CHECK(series_color(10) == series_color(0));
}

TEST_CASE("log y skips non-positive values and breaks the line there") {
    PlotSpec s;
    s.logy = true;
    Figure f = render_lines(s, {{"a", {0, 1, 2, 3, 4}, {1, 10, -5, 10, 100}}, {"zeros", {0, 4}, {0, 0}}});
    CHECK(std::isfinite(f.frame.ay.lo));
    CHECK(f.frame.ay.lo > -0.5);  // range from 1..100 only: log10 in [0, 2] plus padding
    CHECK(f.frame.ay.hi < 2.5);
    CHECK(near(f, 0.5, std::sqrt(10.0), series_color(0)));  // log-space midpoint of the 1 -> 10 segment
    CHECK(!near(f, 2.2, 10, series_color(0)));              // the 10 -> 10 stretch through x=2 is broken
    CHECK(near(f, 3.5, std::sqrt(1000.0), series_color(0)));
}

TEST_CASE("log x scatter skips non-positive x; each point is drawn in its colour") {
    PlotSpec s;
    s.logx = true;
    Figure f = render_scatter(s, {0.01, 0.1, 1, 0, -3}, {0.3, 0.5, 0.6, 0.9, 0.9}, {"a", "b", "c", "zero", "neg"});
    CHECK(f.frame.ax.lo > -2.5);
    CHECK(f.frame.ax.hi < 0.5);
    CHECK(f.frame.ay.hi < 0.75);  // the skipped points don't stretch y either
    CHECK(at(f, 0.01, 0.3) == series_color(0));
    CHECK(at(f, 0.1, 0.5) == series_color(1));
    CHECK(at(f, 1, 0.6) == series_color(2));
    // labels: some dark text pixels just right of point "a"
    int dark = 0;
    for (int y = -8; y <= 8; y++)
        for (int x = 8; x < 30; x++) {
            RGB p = f.canvas.get((int)f.frame.px(0.01) + x, (int)f.frame.py(0.3) + y);
            dark += p == PLOT_TEXT;
        }
    CHECK(dark > 5);
}

TEST_CASE("NaN, inf, empty series, a single point and equal values don't break anything") {
    PlotSpec s;
    s.title = "edge cases";
    Figure f = render_lines(s, {{"nan", {0, 1, 2, 3}, {1, NAN, 2, INFINITY}},
                                {"empty", {}, {}},
                                {"all nan", {NAN, 1}, {1, NAN}}});
    CHECK(f.frame.ax.lo < f.frame.ax.hi);
    CHECK(std::isfinite(f.frame.ax.lo));
    CHECK(std::isfinite(f.frame.ay.hi));
    CHECK(at(f, 0, 1) == series_color(0));  // isolated valid points still get a marker
    CHECK(at(f, 2, 2) == series_color(0));

    Figure one = render_lines(s, {{"one", {3}, {7}}});
    CHECK(one.frame.ax.lo < 3);
    CHECK(one.frame.ax.hi > 3);
    CHECK(std::fabs(one.frame.py(7) - (one.frame.y0 + one.frame.y1) / 2.0) < 1.0);  // centred
    CHECK(at(one, 3, 7) == series_color(0));

    Figure flat = render_lines(s, {{"flat", {0, 1, 2}, {0, 0, 0}}});
    CHECK(flat.frame.ay.lo < 0);
    CHECK(flat.frame.ay.hi > 0);
    CHECK(at(flat, 1.5, 0) == series_color(0));

    Figure none = render_lines(s, {});
    CHECK(none.canvas.w == s.width);
    Figure sc = render_scatter(s, {}, {}, {});
    CHECK(sc.canvas.h == s.height);
    Figure sc1 = render_scatter(s, {NAN, 2}, {1, 2}, {});
    CHECK(at(sc1, 2, 2) == series_color(1));
}

TEST_CASE("ticks are 1-2-5 steps inside the axis, with labels") {
    Axis a{0, 1, false};
    auto t = nice_ticks(a, 600, true);
    REQUIRE(t.size() >= 3);
    double step = t[1].v - t[0].v;
    double m = step / std::pow(10.0, std::floor(std::log10(step) + 1e-9));
    CHECK((std::fabs(m - 1) < 1e-9 || std::fabs(m - 2) < 1e-9 || std::fabs(m - 5) < 1e-9));
    for (auto& k : t) {
        CHECK(k.v >= a.lo - 1e-12);
        CHECK(k.v <= a.hi + 1e-12);
        CHECK(!k.label.empty());
    }
    auto big = nice_ticks(Axis{0, 20000, false}, 700, true);
    CHECK(big.front().label == "0");
    CHECK(big.back().label == "20000");

    Axis l{-3, 2, true};  // 1e-3 .. 1e2
    auto lt = nice_ticks(l, 400, false);
    REQUIRE(lt.size() >= 3);
    bool has_one = false;
    for (auto& k : lt) has_one |= k.label == "1";
    CHECK(has_one);
    auto narrow = nice_ticks(Axis{std::log10(3.2), std::log10(4.5), true}, 400, false);
    CHECK(narrow.size() >= 3);  // less than a decade: falls back to linear steps
}

TEST_CASE("text is drawn from the embedded font") {
    Canvas c(100, 30);
    plot_detail::draw_text(c, 2, 2, "Ag", PLOT_TEXT);
    int n = 0;
    for (int y = 0; y < 30; y++)
        for (int x = 0; x < 100; x++) n += c.get(x, y) == PLOT_TEXT;
    CHECK(n > 40);
    CHECK(plot_detail::text_width("abc") == 3 * 12 - 2);
    CHECK(c.get(50, 20) == PLOT_WHITE);
}

TEST_CASE("slot map: slot i * n_keys + j is the square at row i, column j, coloured by its writers") {
    const int K = 4;  // 16 slots, drawn 128 px each (512 / 4)
    std::vector<int> owner(K * K, -1);
    owner[1 * K + 2] = 0;  // document A alone
    owner[3 * K + 0] = 1;  // B alone
    owner[2 * K + 3] = 2;  // both
    Canvas c = render_slot_map("map", K, owner, {"A", "B"});
    const int pad = 16, top = 40, s = 128;
    auto centre = [&](int i, int j) { return c.get(pad + j * s + s / 2, top + i * s + s / 2); };
    CHECK(centre(1, 2) == series_color(0));
    CHECK(centre(3, 0) == series_color(1));
    CHECK(centre(2, 3) == SLOT_SHARED);
    CHECK(centre(2, 1) == SLOT_NONE);
    CHECK(centre(0, 0) == SLOT_NONE);
    CHECK(c.w > pad + K * s + 200);  // room for the legend
}
