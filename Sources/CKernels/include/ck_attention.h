#ifndef CK_ATTENTION_H
#define CK_ATTENTION_H

// AVX-512 kernels for the small per-(batch, head) products of multi-head attention (Kernels+AttentionBlock.swift):
// with T, S <= 64 and head dimension D <= 64 a whole row of every product fits in at most four zmm
// registers, so the operands are read in place (row strides of the [B, T, C] projections) with no packing,
// blocking or tile choice. Swift calls these only after ck_cpu_has_avx512f() returned 1; the blocked GEMM
// (Kernels.gemm) is the fallback and the test oracle. Each has an AVX2 + FMA twin (`_avx2`, attention_avx2.c:
// 8-lane vectors, 16-column product panels) with the same contract, for CPUs with AVX2 and FMA only.

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/// C = A B for a small product whose rows of C have `n` = 1...64 columns:
///
///     C[i * ldc + j] = sum_{p < k} A(i, p) * b[p * ldb + j]      for i < m, j < n
///
/// with A(i, p) = a[i * rowStrideA + p * columnStrideA] (so A or A^T read in place). Only those m x n
/// elements of C are written (C = A B, not accumulated); k = 0 writes zeros. Every product is computed, so
/// NaN and Inf propagate. Precondition: 1 <= n <= 64, m >= 0, k >= 0, `ck_cpu_has_avx512f()` returned 1.
void ck_attention_product_avx512(ptrdiff_t m, ptrdiff_t n, ptrdiff_t k, const float *a, ptrdiff_t rowStrideA,
                                 ptrdiff_t columnStrideA, const float *b, ptrdiff_t ldb, float *c, ptrdiff_t ldc);

/// The attention weights of one pair in one pass: the product of `ck_attention_product_avx512` (A row-major
/// with row stride `lda`, B^T `[k, n]` with row stride `ldb`) with each row's softmax applied in registers
/// before it is stored, as `ck_attention_softmax_avx512` does it:
///
///     w_i = softmax(scale * (A bT)_i + m_i),   m_i = mask + i * maskRowStride (no mask when NULL)
///
/// for i < m, n = 1...64 columns at w + i * ldw. Precondition: `ck_cpu_has_avx512f()` returned 1.
void ck_attention_scores_avx512(ptrdiff_t m, ptrdiff_t n, ptrdiff_t k, const float *a, ptrdiff_t lda,
                                const float *bT, ptrdiff_t ldb, float *w, ptrdiff_t ldw, float scale,
                                const float *mask, ptrdiff_t maskRowStride);

/// Transpose: dst[p * ldd + j] = src[j * lds + p] for j < rows, p < columns (16 x 16 blocks in registers).
/// `src` and `dst` must not overlap. Precondition: `ck_cpu_has_avx512f()` returned 1.
void ck_attention_transpose_avx512(ptrdiff_t rows, ptrdiff_t columns, const float *src, ptrdiff_t lds,
                                   float *dst, ptrdiff_t ldd);

/// The attention softmax on `rows` rows of `width` = 1...64 (row i at x + i * ldx), in place:
///
///     x_i = softmax(scale * x_i + m_i),   m_i = mask + i * maskRowStride (no mask when NULL)
///
/// A row whose entries are all -inf gives zeros. exp is Kernels.exp8's algorithm (Kernels+Rows.swift)
/// with fused multiply-adds, so results may differ from Kernels.scaledMaskedSoftmaxRow in the last bits.
/// Precondition: `ck_cpu_has_avx512f()` returned 1.
void ck_attention_softmax_avx512(ptrdiff_t rows, ptrdiff_t width, float *x, ptrdiff_t ldx, float scale,
                                 const float *mask, ptrdiff_t maskRowStride);

/// The softmax backward on `rows` rows of `width` = 1...64 (row i of g and of w at + i * ld), in place:
/// g_i = scale * (w_i * (g_i - sum_j g_ij w_ij)). Precondition: `ck_cpu_has_avx512f()` returned 1.
void ck_attention_softmax_backward_avx512(ptrdiff_t rows, ptrdiff_t width, float *g, const float *w, ptrdiff_t ld,
                                          float scale);

/// The AVX2 + FMA twin of `ck_attention_product_avx512`: same contract (n = 1...64), on 8-lane vectors;
/// every element is the same chain of fused multiply-adds over p, so the two agree bit for bit.
/// Precondition: `ck_cpu_has_avx2_fma()` returned 1.
void ck_attention_product_avx2(ptrdiff_t m, ptrdiff_t n, ptrdiff_t k, const float *a, ptrdiff_t rowStrideA,
                               ptrdiff_t columnStrideA, const float *b, ptrdiff_t ldb, float *c, ptrdiff_t ldc);

/// The AVX2 + FMA twin of `ck_attention_scores_avx512`: same contract, and bit for bit
/// `ck_attention_product_avx2` followed by `ck_attention_softmax_avx2`. Precondition:
/// `ck_cpu_has_avx2_fma()` returned 1.
void ck_attention_scores_avx2(ptrdiff_t m, ptrdiff_t n, ptrdiff_t k, const float *a, ptrdiff_t lda,
                              const float *bT, ptrdiff_t ldb, float *w, ptrdiff_t ldw, float scale,
                              const float *mask, ptrdiff_t maskRowStride);

/// The AVX2 twin of `ck_attention_transpose_avx512` (8 x 8 blocks in registers): same contract and result.
/// Precondition: `ck_cpu_has_avx2_fma()` returned 1.
void ck_attention_transpose_avx2(ptrdiff_t rows, ptrdiff_t columns, const float *src, ptrdiff_t lds,
                                 float *dst, ptrdiff_t ldd);

/// The AVX2 + FMA twin of `ck_attention_softmax_avx512`: same contract (width 1...64, an all -inf row gives
/// zeros, exp bit for bit the AVX-512 one); its sums add 8 lanes, not 16, so the two may differ in the
/// last bits. Precondition: `ck_cpu_has_avx2_fma()` returned 1.
void ck_attention_softmax_avx2(ptrdiff_t rows, ptrdiff_t width, float *x, ptrdiff_t ldx, float scale,
                               const float *mask, ptrdiff_t maskRowStride);

/// The AVX2 + FMA twin of `ck_attention_softmax_backward_avx512`: same contract (its dot products add 8
/// lanes, not 16). Precondition: `ck_cpu_has_avx2_fma()` returned 1.
void ck_attention_softmax_backward_avx2(ptrdiff_t rows, ptrdiff_t width, float *g, const float *w, ptrdiff_t ld,
                                        float scale);

#ifdef __cplusplus
}
#endif

#endif
