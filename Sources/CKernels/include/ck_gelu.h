#ifndef CK_GELU_H
#define CK_GELU_H

// The exact (erf) GELU and its derivative with AVX-512 and with AVX2 + FMA (Kernels.gelu's fast paths;
// Kernels.geluSIMD8 is the portable path, the same steps on Swift's 8 lanes). See Kernels+GELU.swift for
// the equations and the error bound.

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/// y[i] = x[i] / 2 * (1 + erf(x[i] / sqrt 2)) for i < count, with erfc by Numerical Recipes' Chebyshev
/// fit (relative error below 1.2e-7) and ck_exp16. `y` may be `x`. Precondition: `ck_cpu_has_avx512f()`
/// returned 1.
void ck_gelu_avx512(ptrdiff_t count, const float *x, float *y);

/// dx[i] = g[i] * (Phi(x[i]) + x[i] phi(x[i])): the backward of `ck_gelu_avx512`, Phi computed as there and
/// phi(x) = exp(-x^2 / 2) / sqrt(2 pi). `dx` may be `g`. Precondition: `ck_cpu_has_avx512f()` returned 1.
void ck_gelu_backward_avx512(ptrdiff_t count, const float *x, const float *g, float *dx);

/// The AVX2 + FMA twin of `ck_gelu_avx512` (8 lanes, ck_exp8). Precondition: `ck_cpu_has_avx2_fma()`
/// returned 1.
void ck_gelu_avx2(ptrdiff_t count, const float *x, float *y);

/// The AVX2 + FMA twin of `ck_gelu_backward_avx512`. Precondition: `ck_cpu_has_avx2_fma()` returned 1.
void ck_gelu_backward_avx2(ptrdiff_t count, const float *x, const float *g, float *dx);

#ifdef __cplusplus
}
#endif

#endif
