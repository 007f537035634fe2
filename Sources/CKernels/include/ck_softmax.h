#ifndef CK_SOFTMAX_H
#define CK_SOFTMAX_H

// Softmax rows with AVX-512 and with AVX2 + FMA (Kernels.scaledMaskedSoftmaxRow and
// Kernels.shiftedExponentials' fast path; the Swift SIMD8 loops in Kernels+Rows.swift are the fallback on
// other CPUs and the tests' oracle).

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/// y[j] = exp(x[j] - shift) for j < count with the exp of Kernels.exp8 on 16 lanes with fused
/// multiply-adds (Sources/CKernels/ck_avx512.h; inputs below -87 give exactly 0); returns the sum of the
/// y[j] (in 16 lanes). `x` and `y` may be the same buffer.
/// Precondition: `ck_cpu_has_avx512f()` returned 1.
float ck_shifted_exponentials_avx512(const float *x, float shift, ptrdiff_t count, float *y);

/// The AVX2 + FMA twin of `ck_shifted_exponentials_avx512`: the same exponentials bit for bit (ck_exp8 is
/// ck_exp16 on 8 lanes), their sum in 8 lanes (so it can differ from the AVX-512 sum by rounding).
/// Precondition: `ck_cpu_has_avx2_fma()` returned 1.
float ck_shifted_exponentials_avx2(const float *x, float shift, ptrdiff_t count, float *y);

/// y = softmax(scale * x + mask) over one row of `width` floats (`mask` NULL: none); a row whose every
/// entry is -inf gives zeros. `x` and `y` may be the same buffer.
/// Precondition: `ck_cpu_has_avx512f()` returned 1.
void ck_scaled_masked_softmax_row_avx512(const float *x, float scale, const float *mask, ptrdiff_t width, float *y);

/// The AVX2 + FMA twin of `ck_scaled_masked_softmax_row_avx512` (8 lanes; the sum of the exponentials, and
/// so the row, can differ from the AVX-512 one by rounding). Precondition: `ck_cpu_has_avx2_fma()` returned 1.
void ck_scaled_masked_softmax_row_avx2(const float *x, float scale, const float *mask, ptrdiff_t width, float *y);

#ifdef __cplusplus
}
#endif

#endif
