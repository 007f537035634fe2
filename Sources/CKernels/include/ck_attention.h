#ifndef CK_ATTENTION_H
#define CK_ATTENTION_H

// AVX-512 kernels for the small per-(batch, head) products of multi-head attention (Kernels+AttentionBlock.swift):
// with T, S <= 64 and head dimension D <= 64 a whole row of every product fits in at most four zmm
// registers, so the operands are read in place (row strides of the [B, T, C] projections) with no packing,
// blocking or tile choice. Swift calls these only after ck_cpu_has_avx512f() returned 1; the blocked GEMM
// (Kernels.gemm) is the fallback and the test oracle.

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

/// Transpose: dst[p * ldd + j] = src[j * lds + p] for j < rows, p < columns (16 x 16 blocks in registers).
/// `src` and `dst` must not overlap. Precondition: `ck_cpu_has_avx512f()` returned 1.
void ck_attention_transpose_avx512(ptrdiff_t rows, ptrdiff_t columns, const float *src, ptrdiff_t lds,
                                   float *dst, ptrdiff_t ldd);

#ifdef __cplusplus
}
#endif

#endif
