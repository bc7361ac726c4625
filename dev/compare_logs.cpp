// dev/compare_logs.cpp: two training runs side by side: per-step |train loss difference| (max,
// mean, median), the mean of each run's last 50 steps, every validation point, and a PNG of both
// curves (train loss as a 20-step moving average, validation loss as points joined by lines).
// Build and run (dev/bf16_check.sh does): g++ -std=c++17 -O2 -I. dev/compare_logs.cpp -o build/compare_logs
//   build/compare_logs A/log.jsonl NAME_A B/log.jsonl NAME_B out.png
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include "llmc/json.h"
#include "eval/plot.h"

struct Run { std::map<int, double> train, val; };

static Run load(const std::string& path) {
    Run r;
    std::string text = read_file(path);
    for (size_t p = 0; p < text.size();) {
        size_t e = text.find('\n', p);
        if (e == std::string::npos) e = text.size();
        Json j; std::string err;
        if (json_parse(text.substr(p, e - p), j, err) && j.get("step")) {
            int s = (int)j.get("step")->num;
            if (j.get("loss")) r.train[s] = j.get("loss")->num;
            if (j.get("val_loss")) r.val[s] = j.get("val_loss")->num;
        }
        p = e + 1;
    }
    return r;
}

int main(int argc, char** argv) {
    if (argc != 6) { fprintf(stderr, "usage: %s A.jsonl NAME_A B.jsonl NAME_B out.png\n", argv[0]); return 2; }
    Run a = load(argv[1]), b = load(argv[3]);
    std::vector<double> d;
    for (auto& [s, l] : a.train) if (b.train.count(s)) d.push_back(std::fabs(l - b.train[s]));
    if (d.empty()) { fprintf(stderr, "no common steps\n"); return 1; }
    std::vector<double> sorted = d;
    std::sort(sorted.begin(), sorted.end());
    double mean = 0;
    for (double x : d) mean += x / d.size();
    printf("%zu common steps: |train loss %s - %s| max %.4f, mean %.4f, median %.4f\n", d.size(), argv[4], argv[2],
           sorted.back(), mean, sorted[sorted.size() / 2]);
    auto tail_mean = [](const Run& r) {
        double s = 0; int n = 0;
        for (auto it = r.train.rbegin(); it != r.train.rend() && n < 50; ++it, ++n) s += it->second;
        return s / std::max(n, 1);
    };
    printf("mean train loss of the last 50 steps: %s %.4f, %s %.4f (%+.4f)\n", argv[2], tail_mean(a), argv[4], tail_mean(b), tail_mean(b) - tail_mean(a));
    for (auto& [s, l] : a.val)
        if (b.val.count(s)) printf("val loss at step %d: %s %.4f, %s %.4f (%+.4f)\n", s, argv[2], l, argv[4], b.val[s], b.val[s] - l);
    std::vector<Series> series;
    for (int k = 0; k < 2; k++) {
        const Run& r = k ? b : a;
        Series tr{std::string(argv[2 + 2 * k]) + " train (20-step mean)", {}, {}}, va{std::string(argv[2 + 2 * k]) + " val", {}, {}};
        std::vector<double> win;
        for (auto& [s, l] : r.train) {
            win.push_back(l);
            if (win.size() > 20) win.erase(win.begin());
            double m = 0;
            for (double x : win) m += x / win.size();
            tr.x.push_back(s); tr.y.push_back(m);
        }
        for (auto& [s, l] : r.val) { va.x.push_back(s); va.y.push_back(l); }
        series.push_back(tr);
        series.push_back(va);
    }
    PlotSpec spec;
    spec.title = std::string(argv[2]) + " vs " + argv[4];
    spec.xlabel = "step";
    spec.ylabel = "loss";
    plot_lines(argv[5], spec, series);
    printf("plot: %s\n", argv[5]);
    return 0;
}
