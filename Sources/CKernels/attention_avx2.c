// The small per-(batch, head) products of multi-head attention with AVX2 + FMA (see ck_attention.h): the
// twins of attention_avx512.c, same contracts, on 8-lane ymm registers. A row of n <= 64 columns is NV =
// ceil(n / 8) <= 8 vectors; vectors 0 ..< NV - 1 of a row are always full (plain loads and stores), only
// the last one can be a tail, loaded and stored under a lane mask (a vector with all ones in its active
// lanes: AVX2 has no mask registers), so a masked row never reads or writes past column n.
//
// Products. A block of R rows of C stays in R x NV accumulators while each step p loads row p of B (NV
// vectors) and broadcasts A(i, p) for the R rows. AVX2 has 16 ymm registers (AVX-512 has 32), too few
// for whole rows of up to 8 vectors with enough rows for 8 independent FMA chains (2 FMA pipes x 4
// cycles of latency on AMD Zen and Intel cores), so the product goes by panels of 16 columns (NV = 2)
// in blocks of R = 6 rows: 12 accumulators + 2 vectors of B + 1 broadcast = 15 registers, + the tail's
// lane mask = 16 in the last, masked panel; a last panel of <= 8 columns takes blocks of 8 x 8 (8
// accumulators). Each panel re-reads its rows of A (L1 hits). This measured 125-140 GFLOP/s on
// Zen 5 for every n (the 2 x 8-lane FMA peak is ~137 at its clock), half the AVX-512 kernel's rate.
//
// Scores. With n <= 16 the product block's accumulators (8 x 8 or 6 x 16) are the whole rows: their
// softmax is applied in registers before they are stored, as on AVX-512. Wider rows (3...8 vectors)
// cannot keep R >= 6 rows in registers, and a softmax of 1-3 rows at a time is bound by the latency of
// its reductions, so there the kernel runs the product and then the softmax kernel on blocks of 24 rows
// (in L1 in between), which measured 10-25% faster than whole rows in registers on Zen 5.
//
// Softmax rows. The in-memory softmax and its backward take blocks of 8 rows (all R x NV vectors
// loaded, the reductions of the 8 rows done together), since one row at a time is a chain of
// dependent reductions; the compiler spills what does not fit in 16 registers to L1, which costs less
// than the latency it hides (1.3-3x faster than row by row; the rows of a block are also all loaded
// before any is stored, so a masked tail store does not stall the next row's loads).
//
// Row reductions. The AVX-512 kernels reduce 8 rows of one zmm at once with 512-bit lane shuffles
// (CK_REDUCE8). Here each row is first folded to one ymm vertically (max / add over its NV vectors,
// the AVX-512 order), then ck_reduce_rows8 reduces up to 8 such vectors at once with a transposing
// tree (128-bit halves, then pairs, then neighbours: 14 shuffles and 7 max / add for 8 rows, against
// 24 shuffles and 24 operations for 8 separate ck_reduce_add8), leaving row i's result in lane i, which
// one vpermps broadcasts back. Its additions are in ck_reduce_add8's order, so a row's sum does not
// depend on the path (block size, fused or not): the fused scores are bit for bit the product followed
// by the softmax kernel, as on AVX-512. (AVX2 and AVX-512 softmax results differ in the last bits: the
// sums of 8 and of 16 lanes are grouped differently. The product and the transpose agree bit for bit.)

#include "CKernels.h"

#if defined(__x86_64__)

#include <immintrin.h>
#include "ck_avx2.h"

/// The largest R (rows per block) and NV (vectors per row) below; the arrays are sized for them.
#define CK_MAX_ROWS 8
#define CK_MAX_VECTORS 8

/// Vector v of a row of NV vectors at p: full when v < NV - 1 or !MASKED (constants), else under the
/// lane mask `tail`.
__attribute__((target("avx2,fma"), always_inline))
static inline __m256 ck_row_load(const int MASKED, const int NV, int v, const float *p, __m256i tail) {
    return MASKED && v == NV - 1 ? ck_load8(p, tail) : _mm256_loadu_ps(p);
}

/// Stores vector v of a row of NV vectors at p (the last one under `tail` when MASKED).
__attribute__((target("avx2,fma"), always_inline))
static inline void ck_row_store(const int MASKED, const int NV, int v, float *p, __m256i tail, __m256 x) {
    if (MASKED && v == NV - 1) ck_store8(p, tail, x);
    else _mm256_storeu_ps(p, x);
}

/// max(a, b) when MAX (a constant), else a + b.
__attribute__((target("avx2,fma"), always_inline))
static inline __m256 ck_combine(const int MAX, __m256 a, __m256 b) {
    return MAX ? _mm256_max_ps(a, b) : _mm256_add_ps(a, b);
}

/// out[i] = the max (MAX) or the sum of the 8 lanes of x[i], in all lanes, for the R (1...8) rows i. The
/// additions are ck_reduce_add8's, ((0 + 4) + (2 + 6)) + ((1 + 5) + (3 + 7)), whichever way is taken:
/// with R >= 4 one transposing tree for all rows (lane l < 4 of row j and of row j + 4 side by side in
/// h[j], then pairs, then neighbours, so row i ends in lane i); below 4 rows, one ck_reduce_*8 per row.
/// The max has no NaN to order (the softmax folds its rows with max(x, -inf) first, which drops NaN).
__attribute__((target("avx2,fma"), always_inline))
static inline void ck_reduce_rows8(const int MAX, const int R, const __m256 *x, __m256 *out) {
    if (R < 4) {
        _Pragma("clang loop unroll(full)")
        for (int i = 0; i < R; i++) out[i] = _mm256_set1_ps(MAX ? ck_reduce_max8(x[i]) : ck_reduce_add8(x[i]));
        return;
    }
    __m256 h[4], q[2];
    _Pragma("clang loop unroll(full)")
    for (int j = 0; j < 4; j++) {
        // Rows past R repeat row R - 1: their lanes are never read.
        const __m256 low = x[j], high = x[j + 4 < R ? j + 4 : R - 1];
        h[j] = ck_combine(MAX, _mm256_permute2f128_ps(low, high, 0x20), _mm256_permute2f128_ps(low, high, 0x31));
    }
    // h[j]: lanes l < 4 hold row j's x[l] + x[l + 4], lanes 4 + l row j + 4's. Then lanes l and l + 2 of
    // h[2j] and h[2j + 1] side by side:
    _Pragma("clang loop unroll(full)")
    for (int j = 0; j < 2; j++)
        q[j] = ck_combine(MAX, _mm256_shuffle_ps(h[2 * j], h[2 * j + 1], 0x44),
                          _mm256_shuffle_ps(h[2 * j], h[2 * j + 1], 0xEE));
    // q[0]: rows 0, 0, 1, 1 | 4, 4, 5, 5; q[1]: rows 2, 2, 3, 3 | 6, 6, 7, 7. Neighbours last.
    const __m256 rows = ck_combine(MAX, _mm256_shuffle_ps(q[0], q[1], 0x88), _mm256_shuffle_ps(q[0], q[1], 0xDD));
    _Pragma("clang loop unroll(full)")
    for (int i = 0; i < R; i++) out[i] = _mm256_permutevar8x32_ps(rows, _mm256_set1_epi32(i));
}

/// R rows of NV vectors (`tail` the last vector's lanes), in registers: v_i = softmax(scale * v_i + m_i)
/// with m_i = mask + min(i, rows - 1) * maskRowStride (no mask when NULL; rows past `rows` repeat the last
/// real row's mask row, valid memory, and are never stored); a fully masked row (max -inf) gives zeros.
/// The steps and their order are ck_softmax_vectors' (attention_avx512.c): scale * x + 0 (+ m), lanes
/// past the width -inf, max(x, maxima) (a NaN entry is not the max, and turns its row into NaN through
/// exp), exp(x - max), sum, times 1 / sum.
__attribute__((target("avx2,fma"), always_inline))
static inline void ck_softmax_registers(const int MASKED, const int R, const int NV, __m256 (*v)[CK_MAX_VECTORS],
                                        float scale, const float *mask, ptrdiff_t maskRowStride, ptrdiff_t rows,
                                        __m256i tail) {
    const __m256 minusInfinity = _mm256_set1_ps(-__builtin_inff());
    const __m256 scales = _mm256_set1_ps(scale);
    __m256 maxima[CK_MAX_ROWS], largest[CK_MAX_ROWS];
    _Pragma("clang loop unroll(full)")
    for (int i = 0; i < R; i++) {
        const float *m = mask ? mask + (i < rows ? i : rows - 1) * maskRowStride : NULL;
        maxima[i] = minusInfinity;
        _Pragma("clang loop unroll(full)")
        for (int j = 0; j < NV; j++) {
            __m256 z = _mm256_add_ps(_mm256_mul_ps(scales, v[i][j]), _mm256_setzero_ps());
            if (m) z = _mm256_add_ps(z, ck_row_load(MASKED, NV, j, m + 8 * j, tail));
            if (MASKED && j == NV - 1) z = ck_select8(tail, z, minusInfinity);
            v[i][j] = z;
            maxima[i] = _mm256_max_ps(z, maxima[i]);
        }
    }
    ck_reduce_rows8(1, R, maxima, largest);
    // Branch-free, so that the rows interleave: a fully masked row (largest -inf) takes shift 0 (its
    // exps are 0, or NaN where an entry is NaN) and is zeroed at the end.
    __m256 live[CK_MAX_ROWS], totals[CK_MAX_ROWS], sums[CK_MAX_ROWS];
    _Pragma("clang loop unroll(full)")
    for (int i = 0; i < R; i++) {
        live[i] = _mm256_cmp_ps(largest[i], minusInfinity, _CMP_NEQ_UQ);
        const __m256 shift = _mm256_and_ps(live[i], largest[i]);
        totals[i] = _mm256_setzero_ps();
        _Pragma("clang loop unroll(full)")
        for (int j = 0; j < NV; j++) {
            v[i][j] = ck_exp8(_mm256_sub_ps(v[i][j], shift));   // exp(-inf) = 0 past the width
            totals[i] = _mm256_add_ps(totals[i], v[i][j]);
        }
    }
    ck_reduce_rows8(0, R, totals, sums);
    _Pragma("clang loop unroll(full)")
    for (int i = 0; i < R; i++) {
        const __m256 inverse = _mm256_div_ps(_mm256_set1_ps(1.0f), sums[i]);
        _Pragma("clang loop unroll(full)")
        for (int j = 0; j < NV; j++) v[i][j] = _mm256_and_ps(live[i], _mm256_mul_ps(v[i][j], inverse));
    }
}

/// The lanes of the last of the ceil(n / 8) vectors of a row of n = 1...64.
#define CK_TAIL(n) ck_lanes8((n) - 8 * (((n) + 7) / 8 - 1))

/// Calls BODY(NV) with NV = ceil(n / 8) a constant (1...8); traps past 64.
#define CK_SWITCH_VECTORS(n, BODY)                                                                     \
    switch (((n) + 7) / 8) {                                                                           \
    case 1: BODY(1); break;                                                                            \
    case 2: BODY(2); break;                                                                            \
    case 3: BODY(3); break;                                                                            \
    case 4: BODY(4); break;                                                                            \
    case 5: BODY(5); break;                                                                            \
    case 6: BODY(6); break;                                                                            \
    case 7: BODY(7); break;                                                                            \
    case 8: BODY(8); break;                                                                            \
    default: __builtin_trap();                                                                         \
    }

/// Rows i < `rows` (1...R) of C = A B for one block of R rows, NV vectors per row (R, NV, MASKED constants
/// after inlining, so the accumulators stay in registers; MASKED: the last vector is a tail). Rows past
/// `rows` read the last real row again (valid memory); their sums are never stored. With `softmax` (a
/// constant) each row of C is stored as softmax(scale * row + m_i), m_i = softmaxMask + i * maskRowStride.
__attribute__((target("avx2,fma"), always_inline))
static inline void ck_product_block(const int MASKED, const int R, const int NV, ptrdiff_t rows, ptrdiff_t k,
                                    const float *a, ptrdiff_t rowStrideA, ptrdiff_t columnStrideA, const float *b,
                                    ptrdiff_t ldb, float *c, ptrdiff_t ldc, __m256i tail, const int softmax,
                                    float scale, const float *softmaxMask, ptrdiff_t maskRowStride) {
    const float *rowA[CK_MAX_ROWS];
    _Pragma("clang loop unroll(full)")
    for (int i = 0; i < R; i++) rowA[i] = a + (i < rows ? i : rows - 1) * rowStrideA;
    __m256 sum[CK_MAX_ROWS][CK_MAX_VECTORS];
    _Pragma("clang loop unroll(full)")
    for (int i = 0; i < R; i++) {
        _Pragma("clang loop unroll(full)")
        for (int v = 0; v < NV; v++) sum[i][v] = _mm256_setzero_ps();
    }
    ptrdiff_t offset = 0;   // p * columnStrideA
    for (ptrdiff_t p = 0; p < k; p++) {
        __m256 row[CK_MAX_VECTORS];
        _Pragma("clang loop unroll(full)")
        for (int v = 0; v < NV; v++) row[v] = ck_row_load(MASKED, NV, v, b + 8 * v, tail);
        _Pragma("clang loop unroll(full)")
        for (int i = 0; i < R; i++) {
            const __m256 x = _mm256_broadcast_ss(rowA[i] + offset);
            _Pragma("clang loop unroll(full)")
            for (int v = 0; v < NV; v++) sum[i][v] = _mm256_fmadd_ps(x, row[v], sum[i][v]);
        }
        offset += columnStrideA;
        b += ldb;
    }
    if (softmax) ck_softmax_registers(MASKED, R, NV, sum, scale, softmaxMask, maskRowStride, rows, tail);
    _Pragma("clang loop unroll(full)")
    for (int i = 0; i < R; i++) {
        if (i >= rows) break;
        _Pragma("clang loop unroll(full)")
        for (int v = 0; v < NV; v++) ck_row_store(MASKED, NV, v, c + i * ldc + 8 * v, tail, sum[i][v]);
    }
}

/// All m rows of one column panel (b and c at its first column) in blocks of R (the last may be shorter).
#define CK_PANEL_ROWS(MASKED, R, NV)                                                                   \
    for (ptrdiff_t i = 0; i < m; i += (R))                                                             \
        ck_product_block((MASKED), (R), (NV), m - i < (R) ? m - i : (R), k, a + i * rowStrideA,        \
                         rowStrideA, columnStrideA, b + j, ldb, c + i * ldc + j, ldc, tail, 0, 0.0f,   \
                         NULL, 0)

__attribute__((target("avx2,fma")))
void ck_attention_product_avx2(ptrdiff_t m, ptrdiff_t n, ptrdiff_t k, const float *a, ptrdiff_t rowStrideA,
                               ptrdiff_t columnStrideA, const float *b, ptrdiff_t ldb, float *c, ptrdiff_t ldc) {
    // Panels of 16 columns in blocks of 6 x 16: 12 accumulators + 2 vectors of B + the broadcast = 15
    // registers; the last panel, 1...15 columns, is 6 x 16 again with a masked tail (the mask is the
    // 16th register), or 8 x 8 when it has <= 8 columns (10 registers, 8 FMA chains).
    ptrdiff_t j = 0;   // the panel's first column
    __m256i tail = _mm256_setzero_si256();   // unused by the full panels
    for (; n - j >= 16; j += 16) CK_PANEL_ROWS(0, 6, 2);
    const ptrdiff_t left = n - j;
    tail = ck_lanes8(left > 8 ? left - 8 : left);
    if (left > 8) CK_PANEL_ROWS(1, 6, 2);
    else if (left == 8) CK_PANEL_ROWS(0, 8, 1);
    else if (left > 0) CK_PANEL_ROWS(1, 8, 1);
}
#undef CK_PANEL_ROWS

/// The rows of the scores kernel with n > 16 taken per product call and softmax call (in L1 in between:
/// 24 x 64 floats, 6 KB); a multiple of the product's 6 rows and of the softmax's 8.
#define CK_SCORES_BLOCK 24

/// All m rows of the fused scores (n <= 16, b at bT) in blocks of R.
#define CK_SCORES_ROWS(MASKED, R, NV)                                                                  \
    for (ptrdiff_t i = 0; i < m; i += (R))                                                             \
        ck_product_block((MASKED), (R), (NV), m - i < (R) ? m - i : (R), k, a + i * lda, lda, 1, bT,   \
                         ldb, w + i * ldw, ldw, tail, 1, scale, mask ? mask + i * maskRowStride : NULL, \
                         maskRowStride)

__attribute__((target("avx2,fma")))
void ck_attention_scores_avx2(ptrdiff_t m, ptrdiff_t n, ptrdiff_t k, const float *a, ptrdiff_t lda,
                              const float *bT, ptrdiff_t ldb, float *w, ptrdiff_t ldw, float scale,
                              const float *mask, ptrdiff_t maskRowStride) {
    if (n <= 16) {
        // Whole rows in the accumulators: the softmax in registers, then one store.
        const __m256i tail = CK_TAIL(n);
        if (n > 8) {
            if (n == 16) CK_SCORES_ROWS(0, 6, 2);
            else CK_SCORES_ROWS(1, 6, 2);
        } else {
            if (n == 8) CK_SCORES_ROWS(0, 8, 1);
            else CK_SCORES_ROWS(1, 8, 1);
        }
        return;
    }
    for (ptrdiff_t i = 0; i < m; i += CK_SCORES_BLOCK) {
        const ptrdiff_t rows = m - i < CK_SCORES_BLOCK ? m - i : CK_SCORES_BLOCK;
        ck_attention_product_avx2(rows, n, k, a + i * lda, lda, 1, bT, ldb, w + i * ldw, ldw);
        ck_attention_softmax_avx2(rows, n, w + i * ldw, ldw, scale, mask ? mask + i * maskRowStride : NULL,
                                  maskRowStride);
    }
}
#undef CK_SCORES_ROWS
#undef CK_SCORES_BLOCK

/// One block of up to 8 x 8: dst[p * ldd + j] = src[j * lds + p] for j < rows, p < columns. EDGE (a
/// constant) is 0 for a full 8 x 8 block (plain loads and stores), else the loads take the first
/// `columns` lanes of the first `rows` rows (the other rows are zeros) and the stores the first `rows`
/// lanes of the first `columns` rows of the transpose.
__attribute__((target("avx2,fma"), always_inline))
static inline void ck_transpose_block(const int EDGE, ptrdiff_t rows, ptrdiff_t columns, const float *src,
                                      ptrdiff_t lds, float *dst, ptrdiff_t ldd) {
    const __m256i load = ck_lanes8(columns), store = ck_lanes8(rows);
    __m256 r[8], t[8];
    _Pragma("clang loop unroll(full)")
    for (int j = 0; j < 8; j++)
        r[j] = !EDGE ? _mm256_loadu_ps(src + j * lds)
             : j < rows ? ck_load8(src + j * lds, load) : _mm256_setzero_ps();
    // Pairs of rows interleaved (unpacklo / hi), then pairs of pairs (shuffle), then the 128-bit halves
    // of rows j and j + 4 (permute2f128): output row p holds column p of the 8 input rows.
    _Pragma("clang loop unroll(full)")
    for (int j = 0; j < 4; j++) {
        t[2 * j] = _mm256_unpacklo_ps(r[2 * j], r[2 * j + 1]);
        t[2 * j + 1] = _mm256_unpackhi_ps(r[2 * j], r[2 * j + 1]);
    }
    _Pragma("clang loop unroll(full)")
    for (int g = 0; g < 8; g += 4) {
        r[g] = _mm256_shuffle_ps(t[g], t[g + 2], 0x44);
        r[g + 1] = _mm256_shuffle_ps(t[g], t[g + 2], 0xEE);
        r[g + 2] = _mm256_shuffle_ps(t[g + 1], t[g + 3], 0x44);
        r[g + 3] = _mm256_shuffle_ps(t[g + 1], t[g + 3], 0xEE);
    }
    _Pragma("clang loop unroll(full)")
    for (int j = 0; j < 4; j++) {
        t[j] = _mm256_permute2f128_ps(r[j], r[j + 4], 0x20);
        t[j + 4] = _mm256_permute2f128_ps(r[j], r[j + 4], 0x31);
    }
    _Pragma("clang loop unroll(full)")
    for (int p = 0; p < 8; p++) {
        if (!EDGE) {
            _mm256_storeu_ps(dst + p * ldd, t[p]);
        } else {
            if (p >= columns) break;
            ck_store8(dst + p * ldd, store, t[p]);
        }
    }
}

__attribute__((target("avx2,fma")))
void ck_attention_transpose_avx2(ptrdiff_t rows, ptrdiff_t columns, const float *src, ptrdiff_t lds,
                                 float *dst, ptrdiff_t ldd) {
    for (ptrdiff_t j = 0; j < rows; j += 8) {
        for (ptrdiff_t p = 0; p < columns; p += 8) {
            const float *from = src + j * lds + p;
            float *to = dst + p * ldd + j;
            if (rows - j >= 8 && columns - p >= 8) ck_transpose_block(0, 8, 8, from, lds, to, ldd);
            else ck_transpose_block(1, rows - j < 8 ? rows - j : 8, columns - p < 8 ? columns - p : 8, from, lds, to,
                                    ldd);
        }
    }
}

/// The rows per block of the in-memory softmax, forward and backward (see the top).
#define CK_SOFTMAX_BLOCK 8

/// Rows i < `rows` (1...R) of x (row stride ldx) in place: x_i = softmax(scale * x_i + m_i), the steps of
/// the fused scores kernel (ck_softmax_registers); rows past `rows` repeat the last real row.
__attribute__((target("avx2,fma"), always_inline))
static inline void ck_softmax_block(const int R, const int NV, ptrdiff_t rows, float *x, ptrdiff_t ldx, float scale,
                                    const float *mask, ptrdiff_t maskRowStride, __m256i tail) {
    __m256 v[CK_MAX_ROWS][CK_MAX_VECTORS];
    _Pragma("clang loop unroll(full)")
    for (int i = 0; i < R; i++) {
        _Pragma("clang loop unroll(full)")
        for (int j = 0; j < NV; j++) v[i][j] = ck_row_load(1, NV, j, x + (i < rows ? i : rows - 1) * ldx + 8 * j, tail);
    }
    ck_softmax_registers(1, R, NV, v, scale, mask, maskRowStride, rows, tail);
    _Pragma("clang loop unroll(full)")
    for (int i = 0; i < R; i++) {
        if (i >= rows) break;
        _Pragma("clang loop unroll(full)")
        for (int j = 0; j < NV; j++) ck_row_store(1, NV, j, x + i * ldx + 8 * j, tail, v[i][j]);
    }
}

#define CK_SOFTMAX_ROWS(NV)                                                                            \
    for (ptrdiff_t i = 0; i < rows; i += CK_SOFTMAX_BLOCK)                                             \
        ck_softmax_block(CK_SOFTMAX_BLOCK, (NV),                                                       \
                         rows - i < CK_SOFTMAX_BLOCK ? rows - i : CK_SOFTMAX_BLOCK,                    \
                         x + i * ldx, ldx, scale, mask ? mask + i * maskRowStride : NULL, maskRowStride, tail)

__attribute__((target("avx2,fma")))
void ck_attention_softmax_avx2(ptrdiff_t rows, ptrdiff_t width, float *x, ptrdiff_t ldx, float scale,
                               const float *mask, ptrdiff_t maskRowStride) {
    const __m256i tail = CK_TAIL(width);
    CK_SWITCH_VECTORS(width, CK_SOFTMAX_ROWS)
}
#undef CK_SOFTMAX_ROWS

/// Rows i < `rows` (1...R) of g (and w, row stride ld) in place: g_i = scale * (w_i * (g_i - sum_j g_ij w_ij)),
/// the dot product by FMAs over the row's vectors then ck_reduce_rows8 (the AVX-512 steps on 8 lanes).
__attribute__((target("avx2,fma"), always_inline))
static inline void ck_softmax_backward_block(const int R, const int NV, ptrdiff_t rows, float *g, const float *w,
                                             ptrdiff_t ld, float scale, __m256i tail) {
    __m256 gv[CK_MAX_ROWS][CK_MAX_VECTORS], wv[CK_MAX_ROWS][CK_MAX_VECTORS], dots[CK_MAX_ROWS], dot[CK_MAX_ROWS];
    _Pragma("clang loop unroll(full)")
    for (int i = 0; i < R; i++) {
        const ptrdiff_t row = (i < rows ? i : rows - 1) * ld;
        dots[i] = _mm256_setzero_ps();
        _Pragma("clang loop unroll(full)")
        for (int j = 0; j < NV; j++) {
            gv[i][j] = ck_row_load(1, NV, j, g + row + 8 * j, tail);
            wv[i][j] = ck_row_load(1, NV, j, w + row + 8 * j, tail);
            dots[i] = _mm256_fmadd_ps(gv[i][j], wv[i][j], dots[i]);
        }
    }
    ck_reduce_rows8(0, R, dots, dot);
    const __m256 scales = _mm256_set1_ps(scale);
    _Pragma("clang loop unroll(full)")
    for (int i = 0; i < R; i++) {
        if (i >= rows) break;
        _Pragma("clang loop unroll(full)")
        for (int j = 0; j < NV; j++)
            ck_row_store(1, NV, j, g + i * ld + 8 * j, tail,
                         _mm256_mul_ps(scales, _mm256_mul_ps(wv[i][j], _mm256_sub_ps(gv[i][j], dot[i]))));
    }
}

#define CK_SOFTMAX_BACKWARD_ROWS(NV)                                                                   \
    for (ptrdiff_t i = 0; i < rows; i += CK_SOFTMAX_BLOCK)                                             \
        ck_softmax_backward_block(CK_SOFTMAX_BLOCK, (NV),                                              \
                                  rows - i < CK_SOFTMAX_BLOCK ? rows - i : CK_SOFTMAX_BLOCK,           \
                                  g + i * ld, w + i * ld, ld, scale, tail)

__attribute__((target("avx2,fma")))
void ck_attention_softmax_backward_avx2(ptrdiff_t rows, ptrdiff_t width, float *g, const float *w, ptrdiff_t ld,
                                        float scale) {
    const __m256i tail = CK_TAIL(width);
    CK_SWITCH_VECTORS(width, CK_SOFTMAX_BACKWARD_ROWS)
}
#undef CK_SOFTMAX_BACKWARD_ROWS

#undef CK_SWITCH_VECTORS
#undef CK_TAIL
#undef CK_SOFTMAX_BLOCK

#else   // not x86-64: no AVX2; Swift uses Kernels.gemm.

void ck_attention_product_avx2(ptrdiff_t m, ptrdiff_t n, ptrdiff_t k, const float *a, ptrdiff_t rowStrideA,
                               ptrdiff_t columnStrideA, const float *b, ptrdiff_t ldb, float *c, ptrdiff_t ldc) {
    (void)m; (void)n; (void)k; (void)a; (void)rowStrideA; (void)columnStrideA; (void)b; (void)ldb; (void)c;
    (void)ldc;
    __builtin_trap();
}

void ck_attention_transpose_avx2(ptrdiff_t rows, ptrdiff_t columns, const float *src, ptrdiff_t lds,
                                 float *dst, ptrdiff_t ldd) {
    (void)rows; (void)columns; (void)src; (void)lds; (void)dst; (void)ldd;
    __builtin_trap();
}

void ck_attention_scores_avx2(ptrdiff_t m, ptrdiff_t n, ptrdiff_t k, const float *a, ptrdiff_t lda,
                              const float *bT, ptrdiff_t ldb, float *w, ptrdiff_t ldw, float scale,
                              const float *mask, ptrdiff_t maskRowStride) {
    (void)m; (void)n; (void)k; (void)a; (void)lda; (void)bT; (void)ldb; (void)w; (void)ldw; (void)scale; (void)mask;
    (void)maskRowStride;
    __builtin_trap();
}

void ck_attention_softmax_avx2(ptrdiff_t rows, ptrdiff_t width, float *x, ptrdiff_t ldx, float scale,
                               const float *mask, ptrdiff_t maskRowStride) {
    (void)rows; (void)width; (void)x; (void)ldx; (void)scale; (void)mask; (void)maskRowStride;
    __builtin_trap();
}

void ck_attention_softmax_backward_avx2(ptrdiff_t rows, ptrdiff_t width, float *g, const float *w, ptrdiff_t ld,
                                        float scale) {
    (void)rows; (void)width; (void)g; (void)w; (void)ld; (void)scale;
    __builtin_trap();
}

#endif
