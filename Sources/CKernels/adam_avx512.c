// Adam's update, 16 parameters at a time with AVX-512 (the tail with masked loads and stores). The
// square root and the divisions dominate; AVX-512 does them on 16 lanes where Swift's SIMD8 (SSE in the
// baseline build) does 4. See ck_adam.h.

#include "CKernels.h"

#if defined(__x86_64__)

#include <immintrin.h>
#include "ck_avx512.h"

__attribute__((target("avx512f")))
void ck_adam_avx512(ptrdiff_t count, float *theta, float *m, float *v, const float *g, float beta1, float beta2,
                    float epsilon, float learningRate, float correction1, float correction2) {
    const __m512 b1 = _mm512_set1_ps(beta1), b2 = _mm512_set1_ps(beta2);
    const __m512 c1 = _mm512_set1_ps(1 - beta1), c2 = _mm512_set1_ps(1 - beta2);
    const __m512 eps = _mm512_set1_ps(epsilon), lr = _mm512_set1_ps(learningRate);
    const __m512 k1 = _mm512_set1_ps(correction1), k2 = _mm512_set1_ps(correction2);
    for (ptrdiff_t i = 0; i < count; i += 16) {
        const __mmask16 k = ck_lanes(count - i);
        const __m512 gi = _mm512_maskz_loadu_ps(k, g + i);
        const __m512 mi = _mm512_add_ps(_mm512_mul_ps(b1, _mm512_maskz_loadu_ps(k, m + i)), _mm512_mul_ps(c1, gi));
        const __m512 vi = _mm512_add_ps(_mm512_mul_ps(b2, _mm512_maskz_loadu_ps(k, v + i)),
                                        _mm512_mul_ps(_mm512_mul_ps(c2, gi), gi));
        _mm512_mask_storeu_ps(m + i, k, mi);
        _mm512_mask_storeu_ps(v + i, k, vi);
        const __m512 mHat = _mm512_div_ps(mi, k1);
        const __m512 vHat = _mm512_div_ps(vi, k2);
        const __m512 step = _mm512_div_ps(_mm512_mul_ps(lr, mHat), _mm512_add_ps(_mm512_sqrt_ps(vHat), eps));
        _mm512_mask_storeu_ps(theta + i, k, _mm512_sub_ps(_mm512_maskz_loadu_ps(k, theta + i), step));
    }
}

#else

void ck_adam_avx512(ptrdiff_t count, float *theta, float *m, float *v, const float *g, float beta1, float beta2,
                    float epsilon, float learningRate, float correction1, float correction2) {
    (void)count; (void)theta; (void)m; (void)v; (void)g; (void)beta1; (void)beta2; (void)epsilon;
    (void)learningRate; (void)correction1; (void)correction2;
    __builtin_trap();
}

#endif
