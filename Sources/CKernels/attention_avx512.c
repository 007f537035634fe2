// The small per-(batch, head) products of multi-head attention with AVX-512 (see ck_attention.h). For
// tiny / small (T = S = 16, D = 8 or 16) one product is ~2-4K multiply-adds, less than the blocked GEMM's
// packing and tile bookkeeping cost; here a block of R rows of C stays in R x NV zmm accumulators
// (NV = ceil(n / 16) <= 4), each step p loads row p of B once (masked at the edge, read in place) and
// broadcasts A(i, p) for the R rows.

#include "CKernels.h"

#if defined(__x86_64__)

#include <immintrin.h>

/// Lanes j < count of a 16-lane mask (count clamped to 0...16).
static inline __mmask16 ck_lanes(ptrdiff_t count) {
    return count >= 16 ? (__mmask16)0xFFFF : count <= 0 ? (__mmask16)0 : (__mmask16)((1u << count) - 1);
}

/// Rows i < `rows` (1...R) of C = A B for one block of R rows, NV vectors per row (R, NV constants after
/// inlining, so the accumulators stay in registers). Rows past `rows` read the last real row again (valid
/// memory); their sums are never stored.
__attribute__((target("avx512f,fma"), always_inline))
static inline void ck_product_block(const int R, const int NV, ptrdiff_t rows, ptrdiff_t k, const float *a,
                                    ptrdiff_t rowStrideA, ptrdiff_t columnStrideA, const float *b, ptrdiff_t ldb,
                                    float *c, ptrdiff_t ldc, const __mmask16 *mask) {
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
    _Pragma("clang loop unroll(full)")
    for (int i = 0; i < R; i++) {
        if (i >= rows) break;
        _Pragma("clang loop unroll(full)")
        for (int v = 0; v < NV; v++) _mm512_mask_storeu_ps(c + i * ldc + 16 * v, mask[v], sum[i][v]);
    }
}

/// All rows of C in blocks of R (the last block may be shorter).
#define CK_PRODUCT_ROWS(R, NV)                                                                         \
    for (ptrdiff_t i = 0; i < m; i += (R))                                                           \
        ck_product_block((R), (NV), m - i < (R) ? m - i : (R), k, a + i * rowStrideA, rowStrideA,    \
                         columnStrideA, b, ldb, c + i * ldc, ldc, mask)

__attribute__((target("avx512f,fma")))
void ck_attention_product_avx512(ptrdiff_t m, ptrdiff_t n, ptrdiff_t k, const float *a, ptrdiff_t rowStrideA,
                                 ptrdiff_t columnStrideA, const float *b, ptrdiff_t ldb, float *c, ptrdiff_t ldc) {
    const __mmask16 mask[4] = {ck_lanes(n), ck_lanes(n - 16), ck_lanes(n - 32), ck_lanes(n - 48)};
    // R x NV accumulators: 8, 16, 18 and 24 of the 32 zmm registers (at least 8 independent FMA chains).
    switch ((n + 15) / 16) {
    case 1: CK_PRODUCT_ROWS(8, 1); break;
    case 2: CK_PRODUCT_ROWS(8, 2); break;
    case 3: CK_PRODUCT_ROWS(6, 3); break;
    case 4: CK_PRODUCT_ROWS(6, 4); break;
    default: __builtin_trap();
    }
}
#undef CK_PRODUCT_ROWS

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

#endif
