// Adam's update, 8 parameters at a time with AVX2. The twin of adam_avx512.c (the same operations in the
// same order and no fused multiply-adds, so both equal the scalar loop bit for bit); what differs: 8 lanes
// instead of 16, full vectors loaded and stored plainly, and the tail (count % 8 parameters) in one masked
// step (AVX2 has no mask registers: the tail's lanes are a vector, ck_lanes8). The square root and the
// divisions dominate; here they run on 8 lanes where Swift's SIMD8 (SSE in the baseline build) does 4.
// See ck_adam.h.

#include "CKernels.h"

#if defined(__x86_64__)

#include <immintrin.h>
#include "ck_avx2.h"

/// The update of 8 parameters at i (only the lanes of `k` read and written when `masked`).
__attribute__((target("avx2,fma"), always_inline))
static inline void ck_adam_step8(ptrdiff_t i, float *theta, float *m, float *v, const float *g, __m256 b1, __m256 b2,
                                 __m256 c1, __m256 c2, __m256 eps, __m256 lr, __m256 k1, __m256 k2, __m256i k,
                                 int masked) {
    const __m256 gi = masked ? ck_load8(g + i, k) : _mm256_loadu_ps(g + i);
    const __m256 mOld = masked ? ck_load8(m + i, k) : _mm256_loadu_ps(m + i);
    const __m256 vOld = masked ? ck_load8(v + i, k) : _mm256_loadu_ps(v + i);
    const __m256 thetaOld = masked ? ck_load8(theta + i, k) : _mm256_loadu_ps(theta + i);
    const __m256 mi = _mm256_add_ps(_mm256_mul_ps(b1, mOld), _mm256_mul_ps(c1, gi));
    const __m256 vi = _mm256_add_ps(_mm256_mul_ps(b2, vOld), _mm256_mul_ps(_mm256_mul_ps(c2, gi), gi));
    const __m256 mHat = _mm256_div_ps(mi, k1);
    const __m256 vHat = _mm256_div_ps(vi, k2);
    const __m256 step = _mm256_div_ps(_mm256_mul_ps(lr, mHat), _mm256_add_ps(_mm256_sqrt_ps(vHat), eps));
    const __m256 thetaNew = _mm256_sub_ps(thetaOld, step);
    if (masked) {
        ck_store8(m + i, k, mi);
        ck_store8(v + i, k, vi);
        ck_store8(theta + i, k, thetaNew);
    } else {
        _mm256_storeu_ps(m + i, mi);
        _mm256_storeu_ps(v + i, vi);
        _mm256_storeu_ps(theta + i, thetaNew);
    }
}

__attribute__((target("avx2,fma")))
void ck_adam_avx2(ptrdiff_t count, float *theta, float *m, float *v, const float *g, float beta1, float beta2,
                  float epsilon, float learningRate, float correction1, float correction2) {
    const __m256 b1 = _mm256_set1_ps(beta1), b2 = _mm256_set1_ps(beta2);
    const __m256 c1 = _mm256_set1_ps(1 - beta1), c2 = _mm256_set1_ps(1 - beta2);
    const __m256 eps = _mm256_set1_ps(epsilon), lr = _mm256_set1_ps(learningRate);
    const __m256 k1 = _mm256_set1_ps(correction1), k2 = _mm256_set1_ps(correction2);
    const __m256i all = _mm256_set1_epi32(-1);
    ptrdiff_t i = 0;
    for (; i + 8 <= count; i += 8) ck_adam_step8(i, theta, m, v, g, b1, b2, c1, c2, eps, lr, k1, k2, all, 0);
    if (i < count) ck_adam_step8(i, theta, m, v, g, b1, b2, c1, c2, eps, lr, k1, k2, ck_lanes8(count - i), 1);
}

#else

void ck_adam_avx2(ptrdiff_t count, float *theta, float *m, float *v, const float *g, float beta1, float beta2,
                  float epsilon, float learningRate, float correction1, float correction2) {
    (void)count; (void)theta; (void)m; (void)v; (void)g; (void)beta1; (void)beta2; (void)epsilon;
    (void)learningRate; (void)correction1; (void)correction2;
    __builtin_trap();
}

#endif
