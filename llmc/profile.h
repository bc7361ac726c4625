// profile.h: where a training step's time goes. Each op opens a ProfScope naming its family and
// the floating-point work and memory traffic it does; `./train bench` prints the totals per family.
// Scopes nest (the memory layer calls matmuls): a family's time excludes that of scopes opened inside
// it. The cost is two clock reads per op call, so it is always on. Scopes are opened outside OpenMP
// parallel regions only.
#pragma once
#include <chrono>
#include <cstdio>

enum ProfFamily { PROF_MATMUL, PROF_ATTENTION, PROF_LAYERNORM, PROF_GELU, PROF_CLASSIFIER, PROF_ENCODER, PROF_OPTIMIZER, PROF_GRADS, PROF_MEMORY, PROF_BF16, PROF_NFAMILIES };
inline const char* prof_name(int f) {
    static const char* n[] = {"matmul", "attention", "layernorm/residual", "gelu", "softmax+loss", "embedding", "optimizer (AdamW)", "grad zero+norm", "memory layer", "fp32 -> bf16"};
    return n[f];
}

struct ProfTotals { double seconds[PROF_NFAMILIES] = {0}; double flops[PROF_NFAMILIES] = {0}; double bytes[PROF_NFAMILIES] = {0}; };
inline ProfTotals& prof_totals() { static ProfTotals t; return t; }

struct ProfScope {
    int fam;
    ProfScope* parent;
    std::chrono::steady_clock::time_point t0;
    static ProfScope*& open() { static ProfScope* s = nullptr; return s; }
    ProfScope(int family, double flops, double bytes) : fam(family), parent(open()), t0(std::chrono::steady_clock::now()) {
        prof_totals().flops[fam] += flops;
        prof_totals().bytes[fam] += bytes;
        open() = this;
    }
    ~ProfScope() {
        double dt = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        prof_totals().seconds[fam] += dt;
        if (parent) prof_totals().seconds[parent->fam] -= dt;
        open() = parent;
    }
};

inline void prof_reset() { prof_totals() = ProfTotals(); }

// prints each family's share of `total_seconds`, its achieved GFLOP/s and GB/s, and the GB/s as a
// fraction of the machine's measured bandwidth `bw_gbs` (0: not shown)
inline void prof_report(double total_seconds, int steps, double bw_gbs = 0) {
    ProfTotals& t = prof_totals();
    double covered = 0;
    printf("  %-20s %9s %7s %10s %8s %s\n", "op family", "ms/step", "share", "GFLOP/s", "GB/s", bw_gbs > 0 ? "of triad" : "");
    for (int f = 0; f < PROF_NFAMILIES; f++) {
        if (t.seconds[f] == 0) continue;
        covered += t.seconds[f];
        double gbs = t.bytes[f] / t.seconds[f] / 1e9;
        printf("  %-20s %9.1f %6.1f%% %10.1f %8.1f", prof_name(f), 1000 * t.seconds[f] / steps, 100 * t.seconds[f] / total_seconds,
               t.flops[f] / t.seconds[f] / 1e9, gbs);
        if (bw_gbs > 0) printf(" %7.0f%%", 100 * gbs / bw_gbs);
        printf("\n");
    }
    printf("  %-20s %9.1f %6.1f%%\n", "other", 1000 * (total_seconds - covered) / steps, 100 * (total_seconds - covered) / total_seconds);
}

// peak resident memory (VmHWM) of this process since the last peak_rss_reset() (Linux >= 4.0:
// writing 5 to clear_refs restarts the high-water mark), in MiB; NAN where /proc does not say
inline void peak_rss_reset() {
    if (FILE* f = fopen("/proc/self/clear_refs", "w")) { fputs("5", f); fclose(f); }
}
inline double peak_rss_mib() {
    FILE* f = fopen("/proc/self/status", "r");
    if (!f) return 0.0 / 0.0;
    char line[256];
    double kb = 0.0 / 0.0;
    while (fgets(line, sizeof line, f))
        if (sscanf(line, "VmHWM: %lf kB", &kb) == 1) break;
    fclose(f);
    return kb / 1024;
}
