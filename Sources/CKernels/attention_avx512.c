// The small per-(batch, head) products of multi-head attention with AVX-512 (see ck_attention.h). For
// tiny / small (T = S = 16, D = 8 or 16) one product is ~2-4K multiply-adds, less than the blocked GEMM's
// packing and tile bookkeeping cost; here a block of R rows of C stays in R x NV zmm accumulators
// (NV = ceil(n / 16) <= 4), each step p loads row p of B once (masked at the edge, read in place) and
// broadcasts A(i, p) for the R rows.

#include "CKernels.h"

#if defined(__x86_64__)

#include <immintrin.h>
#include "ck_avx512.h"


/// One row of `width` = the lanes of NV vectors (`lanes` their masks), in registers: v = softmax(scale * v + m),
/// all zeros when every entry is -inf (m may be NULL: no mask).
__attribute__((target("avx512f,fma"), always_inline))
static inline void ck_softmax_vectors(const int NV, __m512 *v, float scale, const float *m, const __mmask16 *lanes) {
    const __m512 minusInfinity = _mm512_set1_ps(-__builtin_inff());
    const __m512 scales = _mm512_set1_ps(scale);
    __m512 maxima = minusInfinity;
    _Pragma("clang loop unroll(full)")
    for (int i = 0; i < NV; i++) {
        // scale * x + 0 (+ m): the Swift row's order; the lanes past `width` are -inf.
        __m512 z = _mm512_add_ps(_mm512_mul_ps(scales, v[i]), _mm512_setzero_ps());
        if (m) z = _mm512_add_ps(z, _mm512_maskz_loadu_ps(lanes[i], m + 16 * i));
        v[i] = _mm512_mask_mov_ps(minusInfinity, lanes[i], z);
        maxima = _mm512_max_ps(v[i], maxima);
    }
    // Branch-free, so that the rows of a block interleave: a fully masked row (largest = -inf) takes
    // shift 0 and is zeroed at the end.
    const float largest = _mm512_reduce_max_ps(maxima);
    const int live = largest != -__builtin_inff();
    const __m512 shift = _mm512_set1_ps(live ? largest : 0.0f);
    __m512 total = _mm512_setzero_ps();
    _Pragma("clang loop unroll(full)")
    for (int i = 0; i < NV; i++) {
        v[i] = ck_exp16(_mm512_sub_ps(v[i], shift));   // exp(-inf) = 0 past `width`
        total = _mm512_add_ps(total, v[i]);
    }
    const __m512 inverse = _mm512_set1_ps(1.0f / _mm512_reduce_add_ps(total));
    const __mmask16 kept = live ? (__mmask16)0xFFFF : (__mmask16)0;
    _Pragma("clang loop unroll(full)")
    for (int i = 0; i < NV; i++) v[i] = _mm512_maskz_mul_ps(kept, v[i], inverse);
}

/// Lane i (i < 8) of the result: the reduction (max or add) of the 16 lanes of x[i], for 8 vectors at
/// once: halves of pairs, then quarters, then pairs of lanes, 15 shuffles instead of 8 full reductions.
/// Lane i of the result for i < 8 sits at lane 4 i (i < 4) or 4 (i - 4) + 2 (i >= 4); see ck_row_lane.
#define CK_REDUCE8(OP, x, out)                                                                        \
    do {                                                                                              \
        __m512 h[4], q[2];                                                                            \
        _Pragma("clang loop unroll(full)")                                                            \
        for (int j = 0; j < 4; j++)                                                                   \
            h[j] = OP(_mm512_shuffle_f32x4(x[2 * j], x[2 * j + 1], 0x44),                             \
                      _mm512_shuffle_f32x4(x[2 * j], x[2 * j + 1], 0xEE));                            \
        _Pragma("clang loop unroll(full)")                                                            \
        for (int j = 0; j < 2; j++)                                                                   \
            q[j] = OP(_mm512_shuffle_f32x4(h[2 * j], h[2 * j + 1], 0x88),                             \
                      _mm512_shuffle_f32x4(h[2 * j], h[2 * j + 1], 0xDD));                            \
        const __m512 pairs = OP(_mm512_shuffle_ps(q[0], q[1], 0x44), _mm512_shuffle_ps(q[0], q[1], 0xEE)); \
        out = OP(pairs, _mm512_shuffle_ps(pairs, pairs, 0xB1));                                       \
    } while (0)

/// Where CK_REDUCE8 leaves row i's result.
static inline int ck_row_lane(int i) { return i < 4 ? 4 * i : 4 * (i - 4) + 2; }

/// The softmax of 8 rows of up to 16 (one vector each, `lanes` valid), in registers, with the row
/// reductions done 8 rows at a time: v_i = softmax(scale * v_i + m_i) (m_i = mask + i * maskRowStride
/// when mask is not NULL), a fully masked row (max -inf) gives zeros.
__attribute__((target("avx512f,fma"), always_inline))
static inline void ck_softmax_8rows(__m512 *v, float scale, const float *mask, ptrdiff_t maskRowStride,
                                    ptrdiff_t rows, __mmask16 lanes) {
    const __m512 minusInfinity = _mm512_set1_ps(-__builtin_inff());
    const __m512 scales = _mm512_set1_ps(scale);
    _Pragma("clang loop unroll(full)")
    for (int i = 0; i < 8; i++) {
        __m512 z = _mm512_add_ps(_mm512_mul_ps(scales, v[i]), _mm512_setzero_ps());
        if (mask) z = _mm512_add_ps(z, _mm512_maskz_loadu_ps(lanes, mask + (i < rows ? i : rows - 1) * maskRowStride));
        v[i] = _mm512_mask_mov_ps(minusInfinity, lanes, z);
    }
    // The row maxima ignore NaN, as ck_softmax_vectors' and the Swift rows' do: max(v, -inf) turns a NaN
    // lane into -inf (max returns its second operand when one is NaN), so a row whose only entries
    // besides -inf are NaN counts as fully masked (zeros), and a NaN among finite entries makes the row NaN.
    __m512 finite[8], maxima;
    _Pragma("clang loop unroll(full)")
    for (int i = 0; i < 8; i++) finite[i] = _mm512_max_ps(v[i], minusInfinity);
    CK_REDUCE8(_mm512_max_ps, finite, maxima);
    // Rows whose max is -inf are fully masked: shift 0 (exp gives 0s) and a zero factor at the end.
    const __mmask16 live = _mm512_cmp_ps_mask(maxima, minusInfinity, _CMP_NEQ_UQ);
    const __m512 shifts = _mm512_maskz_mov_ps(live, maxima);
    _Pragma("clang loop unroll(full)")
    for (int i = 0; i < 8; i++)
        v[i] = ck_exp16(_mm512_sub_ps(v[i], _mm512_permutexvar_ps(_mm512_set1_epi32(ck_row_lane(i)), shifts)));
    __m512 totals;
    CK_REDUCE8(_mm512_add_ps, v, totals);
    const __m512 inverses = _mm512_maskz_div_ps(live, _mm512_set1_ps(1.0f), totals);
    // A fully masked row is zeroed with a zeroing mask, not multiplied by 0: its NaN lanes (a row of NaN
    // and -inf) must give 0 as in the other paths, and NaN * 0 is NaN.
    _Pragma("clang loop unroll(full)")
    for (int i = 0; i < 8; i++) {
        const __mmask16 rowLive = (__mmask16)(0u - ((live >> ck_row_lane(i)) & 1u));
        v[i] = _mm512_maskz_mul_ps(rowLive, v[i], _mm512_permutexvar_ps(_mm512_set1_epi32(ck_row_lane(i)), inverses));
    }
}

/// Rows i < `rows` (1...R) of C = A B for one block of R rows, NV vectors per row (R, NV constants after
/// inlining, so the accumulators stay in registers). Rows past `rows` read the last real row again (valid
/// memory); their sums are never stored. With `softmax` (a constant) each row of C is stored as
/// softmax(scale * row + m_i), m_i = softmaxMask + i * maskRowStride (the R rows' code interleaves).
__attribute__((target("avx512f,fma"), always_inline))
static inline void ck_product_block(const int R, const int NV, ptrdiff_t rows, ptrdiff_t k, const float *a,
                                    ptrdiff_t rowStrideA, ptrdiff_t columnStrideA, const float *b, ptrdiff_t ldb,
                                    float *c, ptrdiff_t ldc, const __mmask16 *mask, const int softmax, float scale,
                                    const float *softmaxMask, ptrdiff_t maskRowStride) {
    const float *rowA[8];
    _Pragma("clang loop unroll(full)")
    for (int i = 0; i < R; i++) rowA[i] = a + (i < rows ? i : rows - 1) * rowStrideA;
    __m512 sum[8][4];
    _Pragma("clang loop unroll(full)")
    for (int i = 0; i < R; i++) {
        _Pragma("clang loop unroll(full)")
        for (int v = 0; v < NV; v++) sum[i][v] = _mm512_setzero_ps();
    }
    ptrdiff_t offset = 0;   // p * columnStrideA
    for (ptrdiff_t p = 0; p < k; p++) {
        __m512 row[4];
        _Pragma("clang loop unroll(full)")
        for (int v = 0; v < NV; v++) row[v] = _mm512_maskz_loadu_ps(mask[v], b + 16 * v);
        _Pragma("clang loop unroll(full)")
        for (int i = 0; i < R; i++) {
            const __m512 x = _mm512_set1_ps(rowA[i][offset]);
            _Pragma("clang loop unroll(full)")
            for (int v = 0; v < NV; v++) sum[i][v] = _mm512_fmadd_ps(x, row[v], sum[i][v]);
        }
        offset += columnStrideA;
        b += ldb;
    }
    if (softmax && R == 8 && NV == 1) {
        // One vector per row: the 8 rows' reductions together.
        __m512 rowsOf8[8];
        _Pragma("clang loop unroll(full)")
        for (int i = 0; i < 8; i++) rowsOf8[i] = sum[i][0];
        ck_softmax_8rows(rowsOf8, scale, softmaxMask, maskRowStride, rows, mask[0]);
        _Pragma("clang loop unroll(full)")
        for (int i = 0; i < 8; i++) sum[i][0] = rowsOf8[i];
    } else if (softmax) {
        // All R rows (those past `rows` repeat the last real row and its mask row): straight-line code.
        _Pragma("clang loop unroll(full)")
        for (int i = 0; i < R; i++)
            ck_softmax_vectors(NV, sum[i], scale, softmaxMask ? softmaxMask + (i < rows ? i : rows - 1) * maskRowStride : NULL,
                               mask);
    }
    _Pragma("clang loop unroll(full)")
    for (int i = 0; i < R; i++) {
        if (i >= rows) break;
        _Pragma("clang loop unroll(full)")
        for (int v = 0; v < NV; v++) _mm512_mask_storeu_ps(c + i * ldc + 16 * v, mask[v], sum[i][v]);
    }
}

/// 16 rows of C = A B with n <= 16 (one vector per row), A's row stride the constant RS (1: A^T read in
/// place; 16: a [T, 16] weights block), so the 16 broadcasts per step address one pointer with constant
/// displacements: no row pointers, 16 accumulators, 1 load of B per 16 FMAs.
__attribute__((target("avx512f,fma"), always_inline))
static inline void ck_product_block16(const int RS, ptrdiff_t k, const float *a, ptrdiff_t columnStrideA,
                                      const float *b, ptrdiff_t ldb, float *c, ptrdiff_t ldc, __mmask16 mask) {
    __m512 sum[16];
    _Pragma("clang loop unroll(full)")
    for (int i = 0; i < 16; i++) sum[i] = _mm512_setzero_ps();
    for (ptrdiff_t p = 0; p < k; p++) {
        const __m512 row = _mm512_maskz_loadu_ps(mask, b);
        _Pragma("clang loop unroll(full)")
        for (int i = 0; i < 16; i++) sum[i] = _mm512_fmadd_ps(_mm512_set1_ps(a[i * RS]), row, sum[i]);
        a += columnStrideA;
        b += ldb;
    }
    _Pragma("clang loop unroll(full)")
    for (int i = 0; i < 16; i++) _mm512_mask_storeu_ps(c + i * ldc, mask, sum[i]);
}

/// All rows of C in blocks of R (the last block may be shorter).
#define CK_PRODUCT_ROWS(R, NV)                                                                         \
    for (ptrdiff_t i = 0; i < m; i += (R))                                                           \
        ck_product_block((R), (NV), m - i < (R) ? m - i : (R), k, a + i * rowStrideA, rowStrideA,    \
                         columnStrideA, b, ldb, c + i * ldc, ldc, mask, 0, 0.0f, NULL, 0)

__attribute__((target("avx512f,fma")))
void ck_attention_product_avx512(ptrdiff_t m, ptrdiff_t n, ptrdiff_t k, const float *a, ptrdiff_t rowStrideA,
                                 ptrdiff_t columnStrideA, const float *b, ptrdiff_t ldb, float *c, ptrdiff_t ldc) {
    const __mmask16 mask[4] = {ck_lanes(n), ck_lanes(n - 16), ck_lanes(n - 32), ck_lanes(n - 48)};
    // R x NV accumulators: 8, 16, 18 and 24 of the 32 zmm registers (at least 8 independent FMA chains).
    switch ((n + 15) / 16) {
    case 1:
        if (rowStrideA == 1 || (rowStrideA == 16 && columnStrideA == 1)) {
            // Blocks of 16 rows with constant displacements (A^T in place, or a 16-wide weights block).
            for (; m >= 16; m -= 16) {
                if (rowStrideA == 1) ck_product_block16(1, k, a, columnStrideA, b, ldb, c, ldc, mask[0]);
                else ck_product_block16(16, k, a, 1, b, ldb, c, ldc, mask[0]);
                a += 16 * rowStrideA;
                c += 16 * ldc;
            }
        }
        CK_PRODUCT_ROWS(8, 1);
        break;
    case 2: CK_PRODUCT_ROWS(8, 2); break;
    case 3: CK_PRODUCT_ROWS(6, 3); break;
    case 4: CK_PRODUCT_ROWS(6, 4); break;
    default: __builtin_trap();
    }
}
#undef CK_PRODUCT_ROWS

#define CK_SCORES_ROWS(R, NV)                                                                          \
    for (ptrdiff_t i = 0; i < m; i += (R))                                                           \
        ck_product_block((R), (NV), m - i < (R) ? m - i : (R), k, a + i * lda, lda, 1, bT, ldb,       \
                         w + i * ldw, ldw, lanes, 1, scale, mask ? mask + i * maskRowStride : NULL,   \
                         maskRowStride)

__attribute__((target("avx512f,fma")))
void ck_attention_scores_avx512(ptrdiff_t m, ptrdiff_t n, ptrdiff_t k, const float *a, ptrdiff_t lda,
                                const float *bT, ptrdiff_t ldb, float *w, ptrdiff_t ldw, float scale,
                                const float *mask, ptrdiff_t maskRowStride) {
    const __mmask16 lanes[4] = {ck_lanes(n), ck_lanes(n - 16), ck_lanes(n - 32), ck_lanes(n - 48)};
    switch ((n + 15) / 16) {
    case 1: CK_SCORES_ROWS(8, 1); break;
    case 2: CK_SCORES_ROWS(8, 2); break;
    case 3: CK_SCORES_ROWS(6, 3); break;
    case 4: CK_SCORES_ROWS(6, 4); break;
    default: __builtin_trap();
    }
}
#undef CK_SCORES_ROWS

/// One block of up to 16 x 16: dst[p * ldd + j] = src[j * lds + p] for j < rows, p < columns.
__attribute__((target("avx512f"), always_inline))
static inline void ck_transpose_block(ptrdiff_t rows, ptrdiff_t columns, const float *src, ptrdiff_t lds,
                                      float *dst, ptrdiff_t ldd) {
    const __mmask16 load = ck_lanes(columns), store = ck_lanes(rows);
    __m512 r[16], t[16];
    _Pragma("clang loop unroll(full)")
    for (int j = 0; j < 16; j++)
        r[j] = j < rows ? _mm512_maskz_loadu_ps(load, src + j * lds) : _mm512_setzero_ps();
    // Pairs of rows interleaved, then pairs of pairs, then 128-bit lanes across 4 and 8 rows.
    _Pragma("clang loop unroll(full)")
    for (int j = 0; j < 8; j++) {
        t[2 * j] = _mm512_unpacklo_ps(r[2 * j], r[2 * j + 1]);
        t[2 * j + 1] = _mm512_unpackhi_ps(r[2 * j], r[2 * j + 1]);
    }
    _Pragma("clang loop unroll(full)")
    for (int g = 0; g < 16; g += 4) {
        r[g] = _mm512_shuffle_ps(t[g], t[g + 2], 0x44);
        r[g + 1] = _mm512_shuffle_ps(t[g], t[g + 2], 0xEE);
        r[g + 2] = _mm512_shuffle_ps(t[g + 1], t[g + 3], 0x44);
        r[g + 3] = _mm512_shuffle_ps(t[g + 1], t[g + 3], 0xEE);
    }
    _Pragma("clang loop unroll(full)")
    for (int h = 0; h < 16; h += 8) {
        _Pragma("clang loop unroll(full)")
        for (int j = 0; j < 4; j++) {
            t[h + j] = _mm512_shuffle_f32x4(r[h + j], r[h + 4 + j], 0x88);
            t[h + 4 + j] = _mm512_shuffle_f32x4(r[h + j], r[h + 4 + j], 0xDD);
        }
    }
    _Pragma("clang loop unroll(full)")
    for (int j = 0; j < 8; j++) {
        r[j] = _mm512_shuffle_f32x4(t[j], t[8 + j], 0x88);
        r[8 + j] = _mm512_shuffle_f32x4(t[j], t[8 + j], 0xDD);
    }
    _Pragma("clang loop unroll(full)")
    for (int p = 0; p < 16; p++) {
        if (p >= columns) break;
        _mm512_mask_storeu_ps(dst + p * ldd, store, r[p]);
    }
}

__attribute__((target("avx512f")))
void ck_attention_transpose_avx512(ptrdiff_t rows, ptrdiff_t columns, const float *src, ptrdiff_t lds,
                                   float *dst, ptrdiff_t ldd) {
    for (ptrdiff_t j = 0; j < rows; j += 16)
        for (ptrdiff_t p = 0; p < columns; p += 16)
            ck_transpose_block(rows - j < 16 ? rows - j : 16, columns - p < 16 ? columns - p : 16,
                               src + j * lds + p, lds, dst + p * ldd + j, ldd);
}

/// One row in memory: x = softmax(scale * x + m).
__attribute__((target("avx512f,fma"), always_inline))
static inline void ck_softmax_row(const int NV, float *x, float scale, const float *m, const __mmask16 *lanes) {
    __m512 v[4];
    _Pragma("clang loop unroll(full)")
    for (int i = 0; i < NV; i++) v[i] = _mm512_maskz_loadu_ps(lanes[i], x + 16 * i);
    ck_softmax_vectors(NV, v, scale, m, lanes);
    _Pragma("clang loop unroll(full)")
    for (int i = 0; i < NV; i++) _mm512_mask_storeu_ps(x + 16 * i, lanes[i], v[i]);
}

#define CK_SOFTMAX_ROWS(NV)                                                                              \
    for (ptrdiff_t i = 0; i < rows; i++)                                                             \
        ck_softmax_row((NV), x + i * ldx, scale, mask ? mask + i * maskRowStride : NULL, lanes)

__attribute__((target("avx512f,fma")))
void ck_attention_softmax_avx512(ptrdiff_t rows, ptrdiff_t width, float *x, ptrdiff_t ldx, float scale,
                                 const float *mask, ptrdiff_t maskRowStride) {
    const __mmask16 lanes[4] = {ck_lanes(width), ck_lanes(width - 16), ck_lanes(width - 32), ck_lanes(width - 48)};
    switch ((width + 15) / 16) {
    case 1: CK_SOFTMAX_ROWS(1); break;
    case 2: CK_SOFTMAX_ROWS(2); break;
    case 3: CK_SOFTMAX_ROWS(3); break;
    case 4: CK_SOFTMAX_ROWS(4); break;
    default: __builtin_trap();
    }
}
#undef CK_SOFTMAX_ROWS

/// One row: g = scale * (w * (g - sum_j g_j w_j)).
__attribute__((target("avx512f,fma"), always_inline))
static inline void ck_softmax_backward_row(const int NV, float *g, const float *w, float scale, const __mmask16 *lanes) {
    __m512 gv[4], wv[4];
    __m512 dots = _mm512_setzero_ps();
    _Pragma("clang loop unroll(full)")
    for (int i = 0; i < NV; i++) {
        gv[i] = _mm512_maskz_loadu_ps(lanes[i], g + 16 * i);
        wv[i] = _mm512_maskz_loadu_ps(lanes[i], w + 16 * i);
        dots = _mm512_fmadd_ps(gv[i], wv[i], dots);
    }
    const __m512 dot = _mm512_set1_ps(_mm512_reduce_add_ps(dots));
    const __m512 scales = _mm512_set1_ps(scale);
    _Pragma("clang loop unroll(full)")
    for (int i = 0; i < NV; i++)
        _mm512_mask_storeu_ps(g + 16 * i, lanes[i], _mm512_mul_ps(scales, _mm512_mul_ps(wv[i], _mm512_sub_ps(gv[i], dot))));
}

#define CK_SOFTMAX_BACKWARD_ROWS(NV)                                                                     \
    for (ptrdiff_t i = 0; i < rows; i++) ck_softmax_backward_row((NV), g + i * ld, w + i * ld, scale, lanes)

__attribute__((target("avx512f,fma")))
void ck_attention_softmax_backward_avx512(ptrdiff_t rows, ptrdiff_t width, float *g, const float *w, ptrdiff_t ld,
                                          float scale) {
    const __mmask16 lanes[4] = {ck_lanes(width), ck_lanes(width - 16), ck_lanes(width - 32), ck_lanes(width - 48)};
    switch ((width + 15) / 16) {
    case 1: CK_SOFTMAX_BACKWARD_ROWS(1); break;
    case 2: CK_SOFTMAX_BACKWARD_ROWS(2); break;
    case 3: CK_SOFTMAX_BACKWARD_ROWS(3); break;
    case 4: CK_SOFTMAX_BACKWARD_ROWS(4); break;
    default: __builtin_trap();
    }
}
#undef CK_SOFTMAX_BACKWARD_ROWS

#else   // not x86-64: no AVX-512; Swift uses Kernels.gemm.

void ck_attention_product_avx512(ptrdiff_t m, ptrdiff_t n, ptrdiff_t k, const float *a, ptrdiff_t rowStrideA,
                                 ptrdiff_t columnStrideA, const float *b, ptrdiff_t ldb, float *c, ptrdiff_t ldc) {
    (void)m; (void)n; (void)k; (void)a; (void)rowStrideA; (void)columnStrideA; (void)b; (void)ldb; (void)c;
    (void)ldc;
    __builtin_trap();
}

void ck_attention_transpose_avx512(ptrdiff_t rows, ptrdiff_t columns, const float *src, ptrdiff_t lds,
                                   float *dst, ptrdiff_t ldd) {
    (void)rows; (void)columns; (void)src; (void)lds; (void)dst; (void)ldd;
    __builtin_trap();
}

void ck_attention_scores_avx512(ptrdiff_t m, ptrdiff_t n, ptrdiff_t k, const float *a, ptrdiff_t lda,
                                const float *bT, ptrdiff_t ldb, float *w, ptrdiff_t ldw, float scale,
                                const float *mask, ptrdiff_t maskRowStride) {
    (void)m; (void)n; (void)k; (void)a; (void)lda; (void)bT; (void)ldb; (void)w; (void)ldw; (void)scale; (void)mask;
    (void)maskRowStride;
    __builtin_trap();
}

void ck_attention_softmax_avx512(ptrdiff_t rows, ptrdiff_t width, float *x, ptrdiff_t ldx, float scale,
                                 const float *mask, ptrdiff_t maskRowStride) {
    (void)rows; (void)width; (void)x; (void)ldx; (void)scale; (void)mask; (void)maskRowStride;
    __builtin_trap();
}

void ck_attention_softmax_backward_avx512(ptrdiff_t rows, ptrdiff_t width, float *g, const float *w, ptrdiff_t ld,
                                          float scale) {
    (void)rows; (void)width; (void)g; (void)w; (void)ld; (void)scale;
    __builtin_trap();
}

#endif
