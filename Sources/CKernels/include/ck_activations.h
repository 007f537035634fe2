#ifndef CK_ACTIVATIONS_H
#define CK_ACTIVATIONS_H

// tanh, the logistic sigmoid and SiLU with AVX-512 and with AVX2 + FMA (Kernels.activation's fast paths;
// Kernels.activationSIMD8 is the portable path, the same steps on Swift's 8 lanes). The equations and
// error bounds are in Kernels+Activations.swift. `y` may be `x` (and `dx` may be `g`).

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/// y[i] = tanh(x[i]): Cephes' tanhf polynomial below |x| = 0.625, else sign(x) (1 - 2 / (e^(2|x|) + 1)).
/// Precondition: `ck_cpu_has_avx512f()` returned 1.
void ck_tanh_avx512(ptrdiff_t count, const float *x, float *y);
/// y[i] = 1 / (1 + e^-x[i]), as r = 1 / (1 + e^-|x|): r for x >= 0, e^-|x| r below.
void ck_sigmoid_avx512(ptrdiff_t count, const float *x, float *y);
/// y[i] = x[i] sigmoid(x[i]).
void ck_silu_avx512(ptrdiff_t count, const float *x, float *y);
/// dx[i] = g[i] s (1 + x[i] (1 - s)), s = sigmoid(x[i]): the backward of `ck_silu_avx512`.
void ck_silu_backward_avx512(ptrdiff_t count, const float *x, const float *g, float *dx);

/// The AVX2 + FMA twins (8 lanes). Precondition: `ck_cpu_has_avx2_fma()` returned 1.
void ck_tanh_avx2(ptrdiff_t count, const float *x, float *y);
void ck_sigmoid_avx2(ptrdiff_t count, const float *x, float *y);
void ck_silu_avx2(ptrdiff_t count, const float *x, float *y);
void ck_silu_backward_avx2(ptrdiff_t count, const float *x, const float *g, float *dx);

#ifdef __cplusplus
}
#endif

#endif
