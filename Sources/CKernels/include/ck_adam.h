#ifndef CK_ADAM_H
#define CK_ADAM_H

// Adam's update with AVX-512 and with AVX2 + FMA (Adam.update's fast path; Adam.referenceUpdate is the
// fallback and oracle).

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/// For i < count, in this order and without fused multiply-adds (so the results equal the scalar loop's
/// bit for bit): m = b1 m + (1 - b1) g; v = b2 v + ((1 - b2) g) g; theta -= (lr (m / c1)) / (sqrt(v / c2) + eps).
/// Precondition: `ck_cpu_has_avx512f()` returned 1.
void ck_adam_avx512(ptrdiff_t count, float *theta, float *m, float *v, const float *g, float beta1, float beta2,
                    float epsilon, float learningRate, float correction1, float correction2);

/// The AVX2 + FMA twin of `ck_adam_avx512` (8 lanes): the same operations in the same order without fused
/// multiply-adds, so bit for bit the scalar loop's result. Precondition: `ck_cpu_has_avx2_fma()` returned 1.
void ck_adam_avx2(ptrdiff_t count, float *theta, float *m, float *v, const float *g, float beta1, float beta2,
                  float epsilon, float learningRate, float correction1, float correction2);

#ifdef __cplusplus
}
#endif

#endif
