// memory.h: product-key memory layer (Lample et al. 2019; Memory+ gating of Berges et al. 2024) as
// CPU ops, independent of the model, plus sparse memory finetuning helpers (Lin et al. 2025):
// per-batch slot access counts, background document frequency, TF-IDF top-t slots, and SGD
// restricted to a slot set. Cost per token and head is O((sqrt(N) + k log k) * dk): all N slots are
// never scored.
//
// Layer (x is the block's LN2 output, the same input as the MLP; out is added to the residual):
//   per head h: q = Wq_h x + bq_h (dk); q1,q2 = halves, each RMS-normalised (= L2-normalised times
//   the fixed scale sqrt(dk/2)); s1 = K1_h q1, s2 = K2_h q2 (n_keys each); top-k of each; candidates
//   s1[i]+s2[j] (slot i*n_keys+j); final top-k; w = softmax; mem += sum_r w_r Values[slot_r].
//   out = mem, or with Memory+ gating out = W2 (mem ⊙ SiLU(W1 x)) (W1, W2 (C,C), no biases).
//
// Why RMS (L2 x sqrt(dk/2)) normalisation of each query half, with a fixed scale: the score scale
// then no longer depends on |x| (the LN2 output of a frozen model can have any gain), so the softmax
// temperature is set by the sub-keys alone and cannot blow up (Berges normalise queries for this
// stability); per half, so both sub-key tables weigh equally in the candidate sums; no mean
// subtraction (LayerNorm's) because it only removes a direction the zero-mean keys ignore anyway;
// fixed rather than learnable scale because the key norms already are a learnable temperature.
// Why no biases in W1/W2: zero values then give exactly zero output whatever W1/W2 are (attach
// mode: the model is unchanged at step 0), as in Berges' gated FFN.
#pragma once
#include <algorithm>
#include <cmath>
#include <cstdint>
#ifdef __AVX512F__
#include <immintrin.h>
#endif
#include <limits>
#include <memory>
#include <new>
#include <string>
#include <vector>
#include "matmul.h"
#include "profile.h"
#include "rand.h"
#include "utils.h"

// ----------------------------------------------------------------------------------------------
// configuration and parameter layout

struct MemoryTensorInfo {
    std::string name;
    std::vector<int> shape;
    size_t offset;  // in elements, from the start of the layer's parameter block
    size_t numel;
};

struct MemoryConfig {
    int C = 0;       // model width, also the value width
    int n_keys = 0;  // rows per sub-key table = sqrt(N)
    int topk = 0;    // k: sub-key top-k, and slots read per head and token
    int heads = 0;   // memory heads, each with its own query slice and sub-keys, one shared value table
    int dk = 0;      // query width per head (even: two halves of dk/2)
    bool gated = false;  // Memory+: out = W2 (mem ⊙ SiLU(W1 x))

    int dkh() const { return dk / 2; }
    size_t N() const { return (size_t)n_keys * n_keys; }
    int qdim() const { return heads * dk; }

    // ordered parameter tensors of one layer; values come last so that values-only training
    // (modes memory / memory-sparse) addresses one contiguous tail of the block
    std::vector<MemoryTensorInfo> param_tensors() const {
        std::vector<MemoryTensorInfo> v;
        size_t off = 0;
        auto add = [&](const char* name, std::vector<int> shape) {
            size_t n = 1;
            for (int s : shape) n *= (size_t)s;
            v.push_back({name, shape, off, n});
            off += n;
        };
        add("mem_wq", {heads * dk, C});
        add("mem_bq", {heads * dk});
        add("mem_keys", {heads, 2, n_keys, dkh()});
        if (gated) {
            add("mem_w1", {C, C});
            add("mem_w2", {C, C});
        }
        add("mem_values", {n_keys * n_keys, C});
        return v;
    }
    size_t num_params() const {
        auto v = param_tensors();
        return v.back().offset + v.back().numel;
    }
    void validate() const {
        if (C <= 0 || heads <= 0 || n_keys <= 0 || topk <= 0)
            fatal(EXIT_USAGE, "memory: C, heads, n_keys and topk must be positive");
        if (dk <= 0 || dk % 2) fatal(EXIT_USAGE, "memory: dk must be positive and even (got %d)", dk);
        if (topk > n_keys) fatal(EXIT_USAGE, "memory: topk (%d) exceeds n_keys (%d)", topk, n_keys);
        if (n_keys > 46340) fatal(EXIT_USAGE, "memory: n_keys (%d) too large: slot ids are int32", n_keys);
    }
};

// pointers into one layer's parameters (or, same layout, its gradients); w1/w2 are NULL unless gated.
// As gradients, any pointer may be NULL: that gradient is then not computed.
template <class T>
struct MemoryParams {
    T* wq = nullptr;      // (H*dk, C)  query projection of all heads, head h = rows [h*dk, (h+1)*dk)
    T* bq = nullptr;      // (H*dk)
    T* keys = nullptr;    // (H, 2, n_keys, dk/2)  [h][0] = K1_h, [h][1] = K2_h
    T* w1 = nullptr;      // (C, C)  gate input projection (gated only)
    T* w2 = nullptr;      // (C, C)  output projection (gated only)
    T* values = nullptr;  // (N, C)  N = n_keys^2, shared by all heads
};

// points the tensors into a block of cfg.num_params() elements laid out as param_tensors()
template <class T>
MemoryParams<T> memory_params_point(const MemoryConfig& cfg, T* base) {
    MemoryParams<T> p;
    for (auto& t : cfg.param_tensors()) {
        T* ptr = base + t.offset;
        if (t.name == "mem_wq") p.wq = ptr;
        else if (t.name == "mem_bq") p.bq = ptr;
        else if (t.name == "mem_keys") p.keys = ptr;
        else if (t.name == "mem_w1") p.w1 = ptr;
        else if (t.name == "mem_w2") p.w2 = ptr;
        else if (t.name == "mem_values") p.values = ptr;
    }
    return p;
}

// ----------------------------------------------------------------------------------------------
// initialisation

// Linear-style query weights U(+-1/sqrt(C)), zero query bias (the RMS norm makes their scale moot);
// keys U(+-1/sqrt(dk/2)) (score std ~ 1/sqrt(3) per half at init); W1, W2 U(+-1/sqrt(C));
// values N(0, std C^-1/2), or zeros (attach mode: out == 0 exactly at step 0, values still get
// gradient since grad V[idx] = w * g does not depend on V).
template <class T>
void memory_init(const MemoryConfig& cfg, const MemoryParams<T>& p, uint64_t seed, bool zero_values) {
    cfg.validate();
    SplitMix rng(seed);
    const int C = cfg.C, QD = cfg.qdim();
    auto unif = [&](T* x, size_t n, double a) { for (size_t i = 0; i < n; i++) x[i] = T((2 * rng.uniform() - 1) * a); };
    unif(p.wq, (size_t)QD * C, 1.0 / std::sqrt((double)C));
    for (int i = 0; i < QD; i++) p.bq[i] = 0;
    unif(p.keys, (size_t)cfg.heads * 2 * cfg.n_keys * cfg.dkh(), 1.0 / std::sqrt((double)cfg.dkh()));
    if (cfg.gated) {
        unif(p.w1, (size_t)C * C, 1.0 / std::sqrt((double)C));
        unif(p.w2, (size_t)C * C, 1.0 / std::sqrt((double)C));
    }
    size_t nv = cfg.N() * C;
    double sd = 1.0 / std::sqrt((double)C);
    for (size_t i = 0; i < nv; i++) p.values[i] = zero_values ? T(0) : T(rng.normal() * sd);
}

// A whitened query (--mem-whiten). A frozen model's hidden states vary along a few directions far
// more than along the rest, so a random query projection picks slots by those few: the ":" that
// precedes an answer reads the same slots after any question. Folding a whitening of the memory's
// input into the query, q = Wq L^-1 (x - mu) + bq with L L^T = Sigma + ridge I (mu, Sigma: the
// input's mean and covariance over background text), makes every direction count alike. The layer
// itself is unchanged: only Wq and bq are rewritten, once, when the memory is attached.
struct MemoryInputStats {
    int C = 0;
    long n = 0;
    std::vector<double> sum, cross;  // (C), (C,C): sum of x, sum of x x^T
    std::vector<float> xx;           // (C,C) one batch's x^T x
    explicit MemoryInputStats(int C_) : C(C_), sum(C_, 0.0), cross((size_t)C_ * C_, 0.0), xx((size_t)C_ * C_) {}
    // x is (rows,C)
    void add(const float* x, int rows) {
        gemm('T', 'N', C, C, rows, 1.0f, x, C, x, C, 0.0f, xx.data(), C);  // fp32 within a batch, double across
        for (size_t i = 0; i < xx.size(); i++) cross[i] += xx[i];
        for (int r = 0; r < rows; r++)
            for (int i = 0; i < C; i++) sum[i] += x[(size_t)r * C + i];
        n += rows;
    }
};

// Wq <- Wq L^-1, bq <- bq - Wq L^-1 mu; ridge = ridge_frac * trace(Sigma) / C keeps directions of
// (almost) no variance from being blown up. Returns the ridge
template <class T>
double memory_whiten_query(const MemoryConfig& cfg, const MemoryParams<T>& p, const MemoryInputStats& st, double ridge_frac = 1e-3) {
    const int C = cfg.C, QD = cfg.qdim();
    if (st.C != C || st.n < 2) fatal(EXIT_RUNTIME, "memory whitening: %ld samples of width %d for a memory of width %d", st.n, st.C, C);
    std::vector<double> mu(C), L((size_t)C * C);
    for (int i = 0; i < C; i++) mu[i] = st.sum[i] / st.n;
    double trace = 0;
    for (int i = 0; i < C; i++) trace += st.cross[(size_t)i * C + i] / st.n - mu[i] * mu[i];
    const double ridge = ridge_frac * trace / C;
    for (int i = 0; i < C; i++)
        for (int j = 0; j <= i; j++) L[(size_t)i * C + j] = st.cross[(size_t)i * C + j] / st.n - mu[i] * mu[j] + (i == j ? ridge : 0.0);
    for (int j = 0; j < C; j++) {  // Cholesky, the lower triangle in place
        double d = L[(size_t)j * C + j];
        for (int k = 0; k < j; k++) d -= L[(size_t)j * C + k] * L[(size_t)j * C + k];
        if (!(d > 0)) fatal(EXIT_RUNTIME, "memory whitening: the input covariance is not positive definite (column %d); raise the ridge", j);
        L[(size_t)j * C + j] = std::sqrt(d);
        #pragma omp parallel for
        for (int i = j + 1; i < C; i++) {
            double s = L[(size_t)i * C + j];
            for (int k = 0; k < j; k++) s -= L[(size_t)i * C + k] * L[(size_t)j * C + k];
            L[(size_t)i * C + j] = s / L[(size_t)j * C + j];
        }
    }
    #pragma omp parallel for
    for (int r = 0; r < QD; r++) {  // row r of M = Wq L^-1 solves M L = Wq, from the last column back
        T* w = p.wq + (size_t)r * C;
        std::vector<double> m(C);
        double dot = 0;
        for (int j = C - 1; j >= 0; j--) {
            double s = w[j];
            for (int i = j + 1; i < C; i++) s -= m[i] * L[(size_t)i * C + j];
            m[j] = s / L[(size_t)j * C + j];
        }
        for (int j = 0; j < C; j++) { w[j] = T(m[j]); dot += m[j] * mu[j]; }
        p.bq[r] -= T(dot);
    }
    return ridge;
}

// ----------------------------------------------------------------------------------------------
// forward/backward state

// A vector whose resize leaves new elements uninitialised, for the value-gradient rows: every element
// kept is written by memory_value_grad_rows, so zero-filling ~300 MB per step first would be waste.
template <class T> struct UninitAlloc : std::allocator<T> {
    template <class U> struct rebind { using other = UninitAlloc<U>; };
    UninitAlloc() = default;
    template <class U> UninitAlloc(const UninitAlloc<U>&) {}
    template <class U> void construct(U* p) { ::new ((void*)p) U; }
    template <class U, class... A> void construct(U* p, A&&... a) { ::new ((void*)p) U(std::forward<A>(a)...); }
};
template <class T> using RowGrads = std::vector<T, UninitAlloc<T>>;

// Saved by memory_forward for memory_backward, plus scratch; owns its storage, one per layer.
// H = heads, k = topk, BT = B*T. The sub-key top-k lists are not stored: the backward only needs
// the sub-key rows of the selected slots, i = idx / n_keys and j = idx % n_keys.
template <class T>
struct MemoryCache {
    int BT = 0;
    std::vector<T> qn;      // (BT, H, 2, dk/2) normalised query halves (raw query written here first)
    std::vector<T> rstd;    // (BT, H, 2) 1/rms of each raw query half
    std::vector<int> idx;   // (BT, H, k) selected slots, best first
    std::vector<T> w;       // (BT, H, k) softmax weights of the selected slots
    std::vector<T> mem;     // (BT, C) sum over heads of the weighted value rows (gated only; else = out)
    std::vector<T> h1;      // (BT, C) W1 x (gated only)
    std::vector<T> gm;      // (BT, C) mem ⊙ SiLU(h1), the input of W2 (gated only)
    // scratch
    std::vector<T> scores;  // (BT, 2, n_keys) one head's sub-key scores (forward)
    std::vector<T> dq;      // (BT, H*dk) gradient of the raw query (backward)
    std::vector<T> ds;      // (BT, H, k) gradient of the selected scores (backward)
    std::vector<T> dw;      // (BT, H, k) <dmem, value row> of each selected slot (backward)
    std::vector<T> dmem;    // (BT, C) gated only
    std::vector<T> dgm;     // (BT, C) gated only: dL/dgm, then dL/dh1 in place
    std::vector<int> bucket;  // (N+1) counting-sort offsets of the (slot, entry) list
    std::vector<int> order;   // (BT*H*k) entries e = (t*H+h)*k+r grouped by slot, stable
    std::vector<int> rows;    // (U) distinct touched slots, ascending (only the kept ones, with a keep list)
    RowGrads<T> agg;          // (U, C) their summed value-row gradients
    std::vector<double> norm2;  // (all touched) squared L2 norms of every touched row's gradient, kept or not
    std::vector<int> pos;       // (all touched) each touched row's place in agg, or -1: not kept
    std::vector<uint8_t> keep;  // (N) the keep list as a mask

    void resize(const MemoryConfig& cfg, int bt) {
        BT = bt;
        size_t n = (size_t)bt, H = cfg.heads, k = cfg.topk, C = cfg.C;
        qn.resize(n * cfg.qdim());
        rstd.resize(n * H * 2);
        idx.resize(n * H * k);
        w.resize(n * H * k);
        if (cfg.gated) {
            mem.resize(n * C);
            h1.resize(n * C);
            gm.resize(n * C);
        }
        scores.resize(n * 2 * cfg.n_keys);
    }
};

// Sparse value gradient (no dense N x C buffer): rows ascending and distinct, grad (rows.size(), C).
// memory_backward accumulates into it (merging rows); clear() between optimizer steps.
template <class T>
struct MemorySparseGrad {
    int C = 0;
    std::vector<int> rows;      // (U)
    RowGrads<T> grad;           // (U, C)
    // squared norms (memory_row_norm2) of the gradient rows, or empty: not known. With partial, of
    // every row the backward touched, where rows holds only those it was asked to keep
    std::vector<double> norm2;
    bool partial = false;
    void clear() { rows.clear(); grad.clear(); norm2.clear(); partial = false; }
    size_t size() const { return rows.size(); }
    // row of the gradient for `slot`, or NULL when the slot got no gradient
    const T* find(int slot) const {
        auto it = std::lower_bound(rows.begin(), rows.end(), slot);
        if (it == rows.end() || *it != slot) return nullptr;
        return grad.data() + (size_t)(it - rows.begin()) * C;
    }
};

// ----------------------------------------------------------------------------------------------
// helpers

template <class T>
inline T memory_dot(const T* a, const T* b, int n) {
    T s = 0;
    #pragma omp simd reduction(+ : s)
    for (int i = 0; i < n; i++) s += a[i] * b[i];
    return s;
}

// y += a * x; omp simd: at -O2 GCC will not version loops for aliasing, so say there is none
template <class T>
inline void memory_axpy(T* y, T a, const T* x, int n) {
    #pragma omp simd
    for (int i = 0; i < n; i++) y[i] += a * x[i];
}

// squared L2 norm of a gradient row, in double (the clipping norm's terms)
template <class T>
inline double memory_row_norm2(const T* x, int n) {
    double s = 0;
    #pragma omp simd reduction(+ : s)
    for (int i = 0; i < n; i++) s += (double)x[i] * x[i];
    return s;
}

// value rows are read at random: ask for a row two lookups ahead (the hardware prefetcher only
// follows a row once its first line has missed)
template <class T>
inline void memory_prefetch_row(const T* row, int n) {
    const char* b = (const char*)row;
    for (size_t i = 0; i < n * sizeof(T); i += 64) __builtin_prefetch(b + i);
}

template <class T>
inline T memory_sigmoid(T z) { return T(1) / (T(1) + std::exp(-z)); }

// (score, id) pairs by score descending, then id ascending. A NaN score (a model gone non-finite)
// ranks below every number: it is stored as -inf in the pairs (std::sort on NaN would read out of
// bounds), and the forward, which takes the scores from s1 and s2 again, turns out NaN, for the
// trainer to skip, instead of crashing. The pairs hold no NaN, so the comparison is a plain one.
template <class T>
inline bool memory_better(const std::pair<T, int>& a, const std::pair<T, int>& b) {
    return a.first > b.first || (a.first == b.first && a.second < b.second);
}
template <class T>
inline T memory_no_nan(T x) { return x == x ? x : -std::numeric_limits<T>::infinity(); }

// scratch of memory_select, one per thread
template <class T>
struct MemorySelectScratch {
    std::vector<int> ia, ib;  // (k) the sub-key top-k of each half
    std::vector<T> gmax, sc;  // (k) group maxima; (n + 16) filtered or candidate scores
    std::vector<int> id;      // (n + 16) their ids
    std::vector<std::pair<T, int>> pairs;
    int k = 0, ncand = 0;     // the candidate pairs (a+1)(b+1) <= k: sum over a of k / a
};

// the k best of m (score, id) pairs sc[i], id[i] (no NaN, ids distinct), best first: score
// descending, then id ascending. nth_element, then a sort of the k best.
template <class T>
inline void memory_best_k(const T* sc, const int* id, int m, int k, int* out, std::vector<std::pair<T, int>>& pairs) {
    pairs.resize(m);
    for (int i = 0; i < m; i++) pairs[i] = {sc[i], id[i]};
    auto better = [](const std::pair<T, int>& a, const std::pair<T, int>& b) { return memory_better(a, b); };
    if (m > k) std::nth_element(pairs.begin(), pairs.begin() + (k - 1), pairs.end(), better);
    std::sort(pairs.begin(), pairs.begin() + k, better);
    for (int i = 0; i < k; i++) out[i] = pairs[i].second;
}
#ifdef __AVX512F__
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"  // GCC 12's own _mm512_reduce_* (its bug 105593)
// the same by k rounds of a vector argmax over the pairs not yet taken (the CUDA kernel's way): the
// largest score, and of the pairs holding it the lowest id. For m ~ 130 and k = 32 a fraction of
// the time of nth_element + sort, whose comparisons of random pairs mispredict about every other branch
inline void memory_best_k(const float* sc, const int* id, int m, int k, int* out, std::vector<std::pair<float, int>>& pairs) {
    constexpr int MAXV = 16;  // up to 256 pairs in registers (or L1); more go the scalar way
    if (m > MAXV * 16) return memory_best_k<float>(sc, id, m, k, out, pairs);
    const int nv = (m + 15) / 16;
    __m512 x[MAXV];
    __m512i xi[MAXV];
    __mmask16 alive[MAXV];
    for (int v = 0; v < nv; v++) {
        const int lanes = std::min(16, m - 16 * v);
        alive[v] = (__mmask16)(lanes == 16 ? 0xFFFF : (1u << lanes) - 1);
        x[v] = _mm512_maskz_loadu_ps(alive[v], sc + 16 * v);
        xi[v] = _mm512_maskz_loadu_epi32(alive[v], id + 16 * v);
    }
    const __m512 ninf = _mm512_set1_ps(-std::numeric_limits<float>::infinity());
    const __m512i imax = _mm512_set1_epi32(std::numeric_limits<int>::max());
    for (int r = 0; r < k; r++) {
        __m512 mx = ninf;
        for (int v = 0; v < nv; v++) mx = _mm512_mask_max_ps(mx, alive[v], mx, x[v]);
        const __m512 best = _mm512_set1_ps(_mm512_reduce_max_ps(mx));
        __m512i lo = imax;  // the lowest id among the live pairs at the best score (-inf included)
        for (int v = 0; v < nv; v++)
            lo = _mm512_mask_min_epi32(lo, _mm512_mask_cmp_ps_mask(alive[v], x[v], best, _CMP_EQ_OQ), lo, xi[v]);
        const int win = _mm512_reduce_min_epi32(lo);
        out[r] = win;
        const __m512i w = _mm512_set1_epi32(win);
        for (int v = 0; v < nv; v++) alive[v] &= (__mmask16)~_mm512_mask_cmpeq_epi32_mask(alive[v], xi[v], w);
    }
}
#pragma GCC diagnostic pop
#endif

// the filter of memory_topk_ids: the scores of score[0..n) with !(score < th) (NaNs kept, stored
// as -inf) into sv and their ids, counted from id0, into si, in id order; returns how many
template <class T>
inline int memory_filter(const T* score, int n, T th, T* sv, int* si, int id0 = 0) {
    int m = 0;
    for (int i = 0; i < n; i++) {  // branch-free compaction
        sv[m] = memory_no_nan(score[i]);
        si[m] = id0 + i;
        m += !(score[i] < th);
    }
    return m;
}
#ifdef __AVX512F__
// the same, 16 scores at a time (sv, si need 16 entries of room past the survivors): the scalar
// loop above was 70% of the top-k's time (n = 1024)
inline int memory_filter(const float* score, int n, float th, float* sv, int* si) {
    const __m512 vth = _mm512_set1_ps(th), ninf = _mm512_set1_ps(-std::numeric_limits<float>::infinity());
    const __m512i iota = _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
    int m = 0, i = 0;
    for (; i + 16 <= n; i += 16) {
        __m512 s = _mm512_loadu_ps(score + i);
        const __mmask16 keep = _mm512_cmp_ps_mask(s, vth, _CMP_NLT_UQ);
        if (!keep) continue;
        s = _mm512_mask_mov_ps(s, _mm512_cmp_ps_mask(s, s, _CMP_UNORD_Q), ninf);
        _mm512_storeu_ps(sv + m, _mm512_maskz_compress_ps(keep, s));
        _mm512_storeu_si512(si + m, _mm512_maskz_compress_epi32(keep, _mm512_add_epi32(_mm512_set1_epi32(i), iota)));
        m += __builtin_popcount(keep);
    }
    return m + memory_filter(score + i, n - i, th, sv + m, si + m, i);
}
#endif

// top-k ids of score[0..n) (score desc, id asc on ties: deterministic), best first, into ids[0..k).
// Filter, then select exactly: spread the scores over k groups (id % k); the smallest group max th
// has >= k scores at or above it (the k group maxima), so the k-th largest score is >= th and every
// top-k id survives the filter score >= th (about 12% of them for n = 1024, k = 32); memory_best_k
// orders the survivors.
template <class T>
inline void memory_topk_ids(const T* score, int n, int k, int* ids, MemorySelectScratch<T>& w) {
    w.gmax.assign(score, score + k);
    const int full = n / k * k;
    for (int j = k; j < full; j += k)
        for (int g = 0; g < k; g++) w.gmax[g] = std::max(w.gmax[g], score[j + g]);
    for (int j = full; j < n; j++) w.gmax[j - full] = std::max(w.gmax[j - full], score[j]);
    T th = w.gmax[0];
    for (int g = 1; g < k; g++) th = std::min(th, w.gmax[g]);
    w.sc.resize(n + 16);
    w.id.resize(n + 16);
    const int m = memory_filter(score, n, th, w.sc.data(), w.id.data());  // NaNs survive, so m >= k holds with them too
    memory_best_k(w.sc.data(), w.id.data(), m, k, ids, w.pairs);
}

// One token-head lookup: s1, s2 (n_keys) sub-key scores -> the k best slots and their scores.
// Exact: a slot in the global top-k over all N = n_keys^2 sums has i in top-k(s1) and j in top-k(s2)
// (otherwise k rows beat it on that half with the other half equal). Candidate (a,b) (ranks in the
// sorted sub-lists) is beaten or tied-and-preceded by the (a+1)(b+1)-1 candidates (a'<=a, b'<=b), so
// only (a+1)(b+1) <= k can make the top-k: ~k(ln k + 1) candidates instead of k^2. Ties order by
// slot id ascending, the same order a brute-force sort over all N uses.
template <class T>
inline void memory_select(const T* s1, const T* s2, int nk, int k, int* out_slot, T* out_score, MemorySelectScratch<T>& w) {
    w.ia.resize(k);
    w.ib.resize(k);
    memory_topk_ids(s1, nk, k, w.ia.data(), w);
    memory_topk_ids(s2, nk, k, w.ib.data(), w);
    if (w.k != k) {
        w.k = k;
        w.ncand = 0;
        for (int a = 1; a <= k; a++) w.ncand += k / a;
    }
    if ((int)w.sc.size() < w.ncand) {
        w.sc.resize(w.ncand);
        w.id.resize(w.ncand);
    }
    int m = 0;
    for (int a = 0; a < k; a++)
        for (int b = 0; (a + 1) * (b + 1) <= k; b++, m++) {
            w.sc[m] = memory_no_nan(s1[w.ia[a]] + s2[w.ib[b]]);
            w.id[m] = w.ia[a] * nk + w.ib[b];
        }
    memory_best_k(w.sc.data(), w.id.data(), m, k, out_slot, w.pairs);
    for (int r = 0; r < k; r++) out_score[r] = s1[out_slot[r] / nk] + s2[out_slot[r] % nk];
}

// ----------------------------------------------------------------------------------------------
// forward

// out is (BT,C) (overwritten, not accumulated), inp is (BT,C) (the LN2 output), BT = B*T.
// quiet (BT) or NULL: tokens whose read weights are set to 0, so the memory adds nothing there and
// nothing at them reaches its parameters (the backward follows from the weights).
// Fills cache (resized here) for memory_backward.
template <class T>
void memory_forward(const MemoryConfig& cfg, T* out, MemoryCache<T>& cache, const MemoryParams<T>& p,
                    const T* inp, int BT, const uint8_t* quiet = nullptr) {
    // flops: sub-key scores; bytes: the value rows read
    ProfScope prof_(PROF_MEMORY, 2.0 * BT * cfg.heads * 2 * cfg.n_keys * cfg.dkh(), (double)sizeof(T) * BT * cfg.heads * cfg.topk * cfg.C);
    cache.resize(cfg, BT);
    const int C = cfg.C, H = cfg.heads, dk = cfg.dk, dkh = cfg.dkh(), nk = cfg.n_keys, K = cfg.topk;
    const int QD = cfg.qdim();
    T* q = cache.qn.data();
    matmul_forward(q, inp, p.wq, p.bq, BT, C, QD);
    // RMS-normalise each query half in place
    #pragma omp parallel for
    for (int i = 0; i < BT * H * 2; i++) {
        T* v = q + (size_t)i * dkh;
        T ss = memory_dot(v, v, dkh);
        T r = T(1) / std::sqrt(ss / dkh + T(1e-6));
        cache.rstd[i] = r;
        for (int d = 0; d < dkh; d++) v[d] *= r;
    }
    // per head: all sub-key scores by two gemms, then the per-token selection
    T* S = cache.scores.data();  // (BT, 2, nk)
    for (int h = 0; h < H; h++) {
        const T* K1 = p.keys + (size_t)(h * 2 + 0) * nk * dkh;
        const T* K2 = p.keys + (size_t)(h * 2 + 1) * nk * dkh;
        gemm('N', 'T', BT, nk, dkh, T(1), q + (size_t)h * dk, QD, K1, dkh, T(0), S, 2 * nk);
        gemm('N', 'T', BT, nk, dkh, T(1), q + (size_t)h * dk + dkh, QD, K2, dkh, T(0), S + nk, 2 * nk);
        #pragma omp parallel
        {
            MemorySelectScratch<T> scratch;
            std::vector<T> sc(K);
            #pragma omp for
            for (int t = 0; t < BT; t++) {
                size_t o = ((size_t)t * H + h) * K;
                int* slot = cache.idx.data() + o;
                T* w = cache.w.data() + o;
                memory_select(S + (size_t)t * 2 * nk, S + (size_t)t * 2 * nk + nk, nk, K, slot, sc.data(), scratch);
                T mx = sc[0], sum = 0;  // sc is sorted: sc[0] is the max
                for (int r = 0; r < K; r++) { w[r] = std::exp(sc[r] - mx); sum += w[r]; }
                for (int r = 0; r < K; r++) w[r] = quiet && quiet[t] ? T(0) : w[r] / sum;
            }
        }
    }
    // weighted sum of the selected value rows, all heads added
    T* mem = cfg.gated ? cache.mem.data() : out;
    #pragma omp parallel for
    for (int t = 0; t < BT; t++) {
        T* m = mem + (size_t)t * C;
        for (int c = 0; c < C; c++) m[c] = 0;
        const int e0 = t * H * K, e1 = (t + 1) * H * K;
        for (int e = e0; e < e1; e++) {
            if (e + 2 < e1) memory_prefetch_row(p.values + (size_t)cache.idx[e + 2] * C, C);
            memory_axpy(m, cache.w[e], p.values + (size_t)cache.idx[e] * C, C);
        }
    }
    if (cfg.gated) {
        matmul_forward(cache.h1.data(), inp, p.w1, (const T*)nullptr, BT, C, C);
        #pragma omp parallel for
        for (int t = 0; t < BT; t++)
            for (int c = 0; c < C; c++) {
                size_t i = (size_t)t * C + c;
                T z = cache.h1[i];
                cache.gm[i] = cache.mem[i] * z * memory_sigmoid(z);
            }
        matmul_forward(out, cache.gm.data(), p.w2, (const T*)nullptr, BT, C, C);
    }
}

// ----------------------------------------------------------------------------------------------
// backward

// One pass over the value rows the batch touched, in ascending slot order: a stable counting sort
// groups the (slot, entry) pairs of cache.idx by slot (deterministic sums). For each touched slot s:
// with want_grad, its gradient sum_e w_e dmem[token_e] and the row's squared norm (cache.norm2: the
// clipping norm then needs no second pass); the row itself goes to cache.rows / cache.agg unless
// keep (N, or NULL: all) leaves it out: sparse finetuning applies a few thousand of the ~200K rows
// a batch touches, and writing them all (~300 MB) was half this pass's time. With values (the query
// path trains): each entry's dw_e = <dmem[token_e], V[s]> into cache.dw. V[s] is read once and in
// address order, where a gather per entry would read it at random, once per entry.
template <class T>
void memory_value_rows_backward(const MemoryConfig& cfg, MemoryCache<T>& cache, const T* dmem, int BT, bool want_grad,
                                const T* values, const uint8_t* keep) {
    const int C = cfg.C, HK = cfg.heads * cfg.topk;
    const size_t N = cfg.N();
    const int n = BT * HK;
    cache.bucket.assign(N + 1, 0);
    cache.order.resize(n);
    for (int e = 0; e < n; e++) cache.bucket[cache.idx[e] + 1]++;
    cache.rows.clear();
    for (size_t s = 0; s < N; s++) {
        if (cache.bucket[s + 1]) cache.rows.push_back((int)s);
        cache.bucket[s + 1] += cache.bucket[s];
    }
    // bucket[s] is where slot s's entries start; placing them advances it to where they end, which
    // is where slot s+1's start: afterwards slot s's entries are [bucket[s-1], bucket[s])
    for (int e = 0; e < n; e++) cache.order[cache.bucket[cache.idx[e]]++] = e;
    const int U = (int)cache.rows.size();
    int kept = U;
    if (want_grad) {
        cache.norm2.resize(U);
        cache.pos.resize(U);
        kept = 0;
        for (int u = 0; u < U; u++) cache.pos[u] = !keep || keep[cache.rows[u]] ? kept++ : -1;
        cache.agg.reserve(keep ? kept * (size_t)C : std::min<size_t>(N, n) * C);
        cache.agg.resize((size_t)kept * C);
    }
    if (values) cache.dw.resize(n);
    #pragma omp parallel
    {
        RowGrads<T> scratch(want_grad ? C : 0);  // the gradient of a row not kept: summed for its norm only
        #pragma omp for schedule(dynamic, 16)
        for (int u = 0; u < U; u++) {
            const int s = cache.rows[u];
            T* g = !want_grad ? nullptr : cache.pos[u] < 0 ? scratch.data() : cache.agg.data() + (size_t)cache.pos[u] * C;
            const T* v = values ? values + (size_t)s * C : nullptr;
            if (v && u + 2 < U) memory_prefetch_row(values + (size_t)cache.rows[u + 2] * C, C);
            if (g) for (int c = 0; c < C; c++) g[c] = 0;
            for (int i = s ? cache.bucket[s - 1] : 0; i < cache.bucket[s]; i++) {
                const int e = cache.order[i];
                const T* d = dmem + (size_t)(e / HK) * C;
                if (!v) { memory_axpy(g, cache.w[e], d, C); continue; }
                if (!g) { cache.dw[e] = memory_dot(d, v, C); continue; }
                const T we = cache.w[e];
                T acc = 0;
                #pragma omp simd reduction(+ : acc)
                for (int c = 0; c < C; c++) { g[c] += we * d[c]; acc += d[c] * v[c]; }
                cache.dw[e] = acc;
            }
            if (g) cache.norm2[u] = memory_row_norm2(g, C);
        }
    }
    if (want_grad && keep) {  // rows: the kept ones
        int k = 0;
        for (int u = 0; u < U; u++) if (cache.pos[u] >= 0) cache.rows[k++] = cache.rows[u];
        cache.rows.resize(k);
    }
}

// adds (rows, g) (rows ascending, distinct; g (n, C)) into sg, keeping sg's rows sorted and distinct
template <class T>
void memory_sparse_grad_add(MemorySparseGrad<T>& sg, const std::vector<int>& rows, const T* g, int C) {
    if (sg.C == 0) sg.C = C;
    if (sg.C != C) fatal(EXIT_RUNTIME, "memory: sparse gradient width %d != %d", sg.C, C);
    if (sg.partial) fatal(EXIT_RUNTIME, "memory: a gradient kept for some rows only cannot be accumulated");
    sg.norm2.clear();  // the merged rows' norms are not known
    if (sg.rows.empty()) {
        sg.rows = rows;
        sg.grad.assign(g, g + rows.size() * (size_t)C);
        return;
    }
    std::vector<int> r;
    RowGrads<T> d;
    r.reserve(sg.rows.size() + rows.size());
    d.reserve(r.capacity() * C);
    size_t a = 0, b = 0;
    while (a < sg.rows.size() || b < rows.size()) {
        const T* ga = a < sg.rows.size() ? sg.grad.data() + a * C : nullptr;
        const T* gb = b < rows.size() ? g + b * C : nullptr;
        if (gb && (!ga || rows[b] < sg.rows[a])) { r.push_back(rows[b++]); d.insert(d.end(), gb, gb + C); }
        else if (ga && (!gb || sg.rows[a] < rows[b])) { r.push_back(sg.rows[a++]); d.insert(d.end(), ga, ga + C); }
        else {
            r.push_back(rows[b]);
            for (int c = 0; c < C; c++) d.push_back(ga[c] + gb[c]);
            a++, b++;
        }
    }
    sg.rows.swap(r);
    sg.grad.swap(d);
}

// Accumulates (+=) the gradients of L given dout (BT,C) = dL/dout:
//   grads.wq (H*dk,C), grads.bq (H*dk), grads.keys (H,2,n_keys,dk/2) (only the rows of selected
//   slots are touched), grads.w1, grads.w2 (C,C) (gated), grads.values (N,C) dense;
//   dvalues_sparse: the value gradient as touched rows only (no N x C buffer); with keep (slot ids,
//   or NULL: all), only the rows of those slots, but the norms of all (dvalues_sparse->partial);
//   dinp (BT,C). Any of them may be NULL. inp and p are the forward's; cache is the forward's.
// Values-only training (NULL dinp, wq, bq, keys, w1) skips the query path altogether.
template <class T>
void memory_backward(const MemoryConfig& cfg, const MemoryParams<T>& grads, MemorySparseGrad<T>* dvalues_sparse,
                     T* dinp, const T* dout, const T* inp, const MemoryParams<T>& p, MemoryCache<T>& cache,
                     int BT, const std::vector<int>* keep = nullptr) {
    // bytes: the value rows read for the query path, and their gradients written
    ProfScope prof_(PROF_MEMORY, 0, (double)sizeof(T) * BT * cfg.heads * cfg.topk * cfg.C * 2);
    const int C = cfg.C, H = cfg.heads, dk = cfg.dk, dkh = cfg.dkh(), nk = cfg.n_keys, K = cfg.topk;
    const int QD = cfg.qdim();
    if (cache.BT != BT) fatal(EXIT_RUNTIME, "memory_backward: cache holds BT=%d, called with %d", cache.BT, BT);
    // dmem (BT,C)
    const T* dmem = dout;
    if (cfg.gated) {
        size_t n = (size_t)BT * C;
        cache.dgm.assign(n, T(0));
        cache.dmem.resize(n);
        matmul_backward(cache.dgm.data(), grads.w2, (T*)nullptr, dout, cache.gm.data(), p.w2, BT, C, C);
        #pragma omp parallel for
        for (int t = 0; t < BT; t++)
            for (int c = 0; c < C; c++) {
                size_t i = (size_t)t * C + c;
                T z = cache.h1[i], sg = memory_sigmoid(z), g = cache.dgm[i];
                cache.dmem[i] = g * z * sg;                                   // d/dmem of mem*silu(z)
                cache.dgm[i] = g * cache.mem[i] * sg * (T(1) + z * (T(1) - sg));  // d/dz: silu'(z)
            }
        if (dinp || grads.w1)
            matmul_backward(dinp, grads.w1, (T*)nullptr, cache.dgm.data(), inp, p.w1, BT, C, C);
        dmem = cache.dmem.data();
    }
    // value rows: grad V[idx] += w * dmem; and dw for the query path
    const bool query = dinp || grads.wq || grads.bq || grads.keys;
    if (keep && (grads.values || !dvalues_sparse)) fatal(EXIT_RUNTIME, "memory_backward: a keep list needs the sparse value gradient");
    if (keep) {
        cache.keep.assign(cfg.N(), 0);
        for (int s : *keep) cache.keep[s] = 1;
    }
    if (grads.values || dvalues_sparse || query)
        memory_value_rows_backward(cfg, cache, dmem, BT, grads.values || dvalues_sparse, query ? p.values : nullptr,
                                   keep ? cache.keep.data() : nullptr);
    if (grads.values || dvalues_sparse) {
        if (grads.values) {
            const int U = (int)cache.rows.size();
            #pragma omp parallel for
            for (int u = 0; u < U; u++) {
                T* dst = grads.values + (size_t)cache.rows[u] * C;
                memory_axpy(dst, T(1), cache.agg.data() + (size_t)u * C, C);
            }
        }
        if (dvalues_sparse && dvalues_sparse->rows.empty()) {  // the step's first rows: moved in, not copied
            dvalues_sparse->C = C;
            dvalues_sparse->rows.swap(cache.rows);
            dvalues_sparse->grad.swap(cache.agg);
            dvalues_sparse->norm2.swap(cache.norm2);
            dvalues_sparse->partial = keep != nullptr;
        } else if (dvalues_sparse) {
            if (keep) fatal(EXIT_RUNTIME, "memory: a gradient kept for some rows only cannot be accumulated");
            memory_sparse_grad_add(*dvalues_sparse, cache.rows, cache.agg.data(), C);
        }
    }
    if (!query) return;
    // selected scores (dw_r = <dmem, V[idx_r]> came with the value rows): softmax backward
    // ds_r = w_r (dw_r - sum w dw); score_r = K1[i_r].q1n + K2[j_r].q2n -> dq1n, dq2n; then RMS-norm
    // backward to dq
    cache.ds.resize((size_t)BT * H * K);
    cache.dq.resize((size_t)BT * QD);
    #pragma omp parallel
    {
        std::vector<T> dqn(dk);
        #pragma omp for
        for (int t = 0; t < BT; t++) {
            for (int h = 0; h < H; h++) {
                size_t o = ((size_t)t * H + h) * K;
                const int* slot = cache.idx.data() + o;
                const T* w = cache.w.data() + o;
                const T* dw = cache.dw.data() + o;
                T* ds = cache.ds.data() + o;
                T sum = 0;
                for (int r = 0; r < K; r++) sum += w[r] * dw[r];
                for (int r = 0; r < K; r++) ds[r] = w[r] * (dw[r] - sum);
                const T* K1 = p.keys + (size_t)(h * 2 + 0) * nk * dkh;
                const T* K2 = p.keys + (size_t)(h * 2 + 1) * nk * dkh;
                for (int d = 0; d < dk; d++) dqn[d] = 0;
                for (int r = 0; r < K; r++) {
                    const T* k1 = K1 + (size_t)(slot[r] / nk) * dkh;
                    const T* k2 = K2 + (size_t)(slot[r] % nk) * dkh;
                    memory_axpy(dqn.data(), ds[r], k1, dkh);
                    memory_axpy(dqn.data() + dkh, ds[r], k2, dkh);
                }
                // RMS norm backward per half: dq = rstd * (dqn - qn * mean(dqn ⊙ qn))
                for (int half = 0; half < 2; half++) {
                    const T* qn = cache.qn.data() + (size_t)t * QD + h * dk + half * dkh;
                    const T* g = dqn.data() + half * dkh;
                    T* dq = cache.dq.data() + (size_t)t * QD + h * dk + half * dkh;
                    T m = memory_dot(g, qn, dkh) / dkh;
                    T r = cache.rstd[((size_t)t * H + h) * 2 + half];
                    for (int d = 0; d < dkh; d++) dq[d] = r * (g[d] - qn[d] * m);
                }
            }
        }
    }
    // sub-keys: dK[row] += ds * qn_half; one task per (head, table) so no two threads share a row
    if (grads.keys) {
        #pragma omp parallel for
        for (int task = 0; task < H * 2; task++) {
            int h = task / 2, half = task % 2;
            T* dK = grads.keys + (size_t)task * nk * dkh;
            for (int t = 0; t < BT; t++) {
                const T* qn = cache.qn.data() + (size_t)t * QD + h * dk + half * dkh;
                size_t o = ((size_t)t * H + h) * K;
                for (int r = 0; r < K; r++) {
                    int s = cache.idx[o + r];
                    T* row = dK + (size_t)(half == 0 ? s / nk : s % nk) * dkh;
                    memory_axpy(row, cache.ds[o + r], qn, dkh);
                }
            }
        }
    }
    matmul_backward(dinp, grads.wq, grads.bq, cache.dq.data(), inp, p.wq, BT, C, QD);
}

// ----------------------------------------------------------------------------------------------
// sparse memory finetuning (Lin et al. 2025)

// counts (N) += number of times each slot appears in idx (n entries, e.g. cache.idx: BT*H*k,
// all heads and tokens). Accumulates: zero counts at the start of each batch.
inline void memory_count_accesses(int* counts, const int* idx, size_t n) {
    for (size_t e = 0; e < n; e++) counts[idx[e]]++;
}

// the same over BT tokens of `per_token` entries each, leaving out the quiet ones (quiet (BT) or NULL)
inline void memory_count_accesses(int* counts, const int* idx, int BT, int per_token, const uint8_t* quiet) {
    for (int t = 0; t < BT; t++)
        if (!quiet || !quiet[t]) memory_count_accesses(counts, idx + (size_t)t * per_token, per_token);
}

// df (N) += 1 for every slot accessed in this background batch (counts (N) = the batch's counts);
// the caller counts the background batches |B| (stored with df in the checkpoint).
inline void memory_df_accumulate(int* df, const int* counts, size_t N) {
    for (size_t i = 0; i < N; i++) df[i] += counts[i] > 0;
}

// tfidf (N) = c(i)/sum(c) * log((|B|+1)/(df(i)+1)), in double (0 everywhere when sum(c) == 0)
inline void memory_tfidf(double* tfidf, const int* counts, const int* df, size_t N, int n_background) {
    double sum = 0;
    for (size_t i = 0; i < N; i++) sum += counts[i];
    for (size_t i = 0; i < N; i++)
        tfidf[i] = sum > 0 ? counts[i] / sum * std::log((n_background + 1.0) / (df[i] + 1.0)) : 0.0;
}

// Writes the top-t accessed slots of the batch by tfidf into out_slots (t), best first; ties by
// higher count, then lower slot id (deterministic). Only slots with c(i) > 0 qualify (the others get
// no gradient); returns how many were written: min(t, number of accessed slots). Scores only the
// accessed slots (the same values memory_tfidf gives them): one pass over counts, no N-sized buffer;
// then nth_element and a sort of the t best only.
inline int memory_topt_tfidf(int* out_slots, const int* counts, const int* df, size_t N, int n_background, int t) {
    std::vector<double> idf(n_background + 1);  // log((|B|+1)/(df+1)) by df <= |B|: a log per value, not per slot
    for (int d = 0; d <= n_background; d++) idf[d] = std::log((n_background + 1.0) / (d + 1.0));
    std::vector<std::pair<double, int>> sc;  // (tfidf, slot)
    double sum = 0;
    for (size_t i = 0; i < N; i++)
        if (counts[i] > 0) { sc.push_back({0.0, (int)i}); sum += counts[i]; }
    for (auto& [score, i] : sc)
        score = counts[i] / sum * (df[i] <= n_background ? idf[df[i]] : std::log((n_background + 1.0) / (df[i] + 1.0)));
    int m = std::min<int>(t, (int)sc.size());
    auto better = [&](const std::pair<double, int>& a, const std::pair<double, int>& b) {
        if (a.first != b.first) return a.first > b.first;
        if (counts[a.second] != counts[b.second]) return counts[a.second] > counts[b.second];
        return a.second < b.second;
    };
    if (m < (int)sc.size()) std::nth_element(sc.begin(), sc.begin() + m, sc.end(), better);
    std::sort(sc.begin(), sc.begin() + m, better);
    for (int j = 0; j < m; j++) out_slots[j] = sc[j].second;
    return m;
}

// SGD on the value rows of `slots` only (distinct slot ids): values (N,C) row -= lr * grad row,
// for the slots that have a gradient in g; every other row is left untouched (bit-identical).
template <class T>
void memory_sgd_update_slots(T* values, const MemorySparseGrad<T>& g, const int* slots, int n_slots, T lr) {
    const int C = g.C;
    #pragma omp parallel for
    for (int i = 0; i < n_slots; i++) {
        const T* d = g.find(slots[i]);
        if (!d) continue;
        memory_axpy(values + (size_t)slots[i] * C, -lr, d, C);
    }
}

// same from a dense gradient dvalues (N,C)
template <class T>
void memory_sgd_update_slots_dense(T* values, const T* dvalues, const int* slots, int n_slots, int C, T lr) {
    #pragma omp parallel for
    for (int i = 0; i < n_slots; i++) {
        memory_axpy(values + (size_t)slots[i] * C, -lr, dvalues + (size_t)slots[i] * C, C);
    }
}

// mask (N) = 1 for the slots listed, 0 elsewhere
inline void memory_slot_mask(uint8_t* mask, size_t N, const int* slots, int n_slots) {
    std::fill(mask, mask + N, uint8_t(0));
    for (int i = 0; i < n_slots; i++) mask[slots[i]] = 1;
}

// masked dense SGD: param (rows, cols) row r -= lr * grad row r where row_mask[r] != 0
template <class T>
void memory_sgd_update_masked(T* param, const T* grad, const uint8_t* row_mask, size_t rows, int cols, T lr) {
    #pragma omp parallel for
    for (long r = 0; r < (long)rows; r++) {
        if (!row_mask[r]) continue;
        memory_axpy(param + (size_t)r * cols, -lr, grad + (size_t)r * cols, cols);
    }
}

// squared L2 norm of a sparse gradient (Berges clip value gradients separately from the rest):
// the rows' norms, from the backward where it kept them, else computed here (rows in parallel);
// added in row order: the same bits on any number of threads
template <class T>
double memory_sparse_grad_norm2(const MemorySparseGrad<T>& g) {
    const long U = (long)g.rows.size();
    std::vector<double> part;
    if (g.norm2.empty()) {
        part.resize(U);
        #pragma omp parallel for schedule(static)
        for (long u = 0; u < U; u++) part[u] = memory_row_norm2(g.grad.data() + (size_t)u * g.C, g.C);
    }
    const std::vector<double>& rn = part.empty() ? g.norm2 : part;
    double s = 0;
    for (double x : rn) s += x;
    return s;
}
