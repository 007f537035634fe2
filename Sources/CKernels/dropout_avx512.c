// Inverted dropout with the SplitMix64 stream of SeededGenerator, 16 elements per step with AVX-512
// (64-bit multiplies need AVX-512DQ). The mask is kept as bits (one uint16 per 16 elements), 1/32 of a
// float mask, and the backward applies it with masked multiplies. SplitMix64 is a counter plus a mixer, so element i's number is
// mix(state + (i + 1) * gamma) and the lanes are independent: the result is bit for bit the scalar loop's
// (Tensor.dropout's Swift fallback, which tests compare against).

#include "CKernels.h"

#if defined(__x86_64__)

#include <immintrin.h>
#include "ck_avx512.h"

int ck_cpu_has_avx512dq(void) {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq");
}

#define CK_GAMMA 0x9E3779B97F4A7C15ULL
#define CK_MIX1 0xBF58476D1CE4E5B9ULL
#define CK_MIX2 0x94D049BB133111EBULL

static inline uint64_t ck_splitmix_scalar(uint64_t *state) {
    uint64_t z = (*state += CK_GAMMA);
    z = (z ^ (z >> 30)) * CK_MIX1;
    z = (z ^ (z >> 27)) * CK_MIX2;
    return z ^ (z >> 31);
}

__attribute__((target("avx512f,avx512dq")))
static inline __m512i ck_splitmix_mix(__m512i z) {
    z = _mm512_mullo_epi64(_mm512_xor_si512(z, _mm512_srli_epi64(z, 30)), _mm512_set1_epi64((long long)CK_MIX1));
    z = _mm512_mullo_epi64(_mm512_xor_si512(z, _mm512_srli_epi64(z, 27)), _mm512_set1_epi64((long long)CK_MIX2));
    return _mm512_xor_si512(z, _mm512_srli_epi64(z, 31));
}

__attribute__((target("avx512f,avx512dq")))
uint64_t ck_dropout_avx512(uint64_t state, ptrdiff_t count, uint64_t threshold, float keep, int relu,
                           const float *x, float *y, uint16_t *bits) {
    const __m512i gamma = _mm512_set1_epi64((long long)CK_GAMMA);
    const __m512i step = _mm512_set1_epi64((long long)(16 * CK_GAMMA));
    const __m512i limit = _mm512_set1_epi64((long long)threshold);
    const __m512 keepv = _mm512_set1_ps(keep);
    const __m512 zero = _mm512_setzero_ps();
    // Lane j of `low` holds state + (j + 1) gamma, of `high` state + (j + 9) gamma.
    __m512i low = _mm512_add_epi64(_mm512_set1_epi64((long long)state),
                                   _mm512_mullo_epi64(gamma, _mm512_setr_epi64(1, 2, 3, 4, 5, 6, 7, 8)));
    __m512i high = _mm512_add_epi64(low, _mm512_mullo_epi64(gamma, _mm512_set1_epi64(8)));
    ptrdiff_t i = 0;
    for (; i + 16 <= count; i += 16) {
        const __m512i r0 = _mm512_srli_epi64(ck_splitmix_mix(low), 40);
        const __m512i r1 = _mm512_srli_epi64(ck_splitmix_mix(high), 40);
        const __mmask8 k0 = _mm512_cmpge_epu64_mask(r0, limit);
        const __mmask8 k1 = _mm512_cmpge_epu64_mask(r1, limit);
        const __mmask16 kept = (__mmask16)((unsigned)k0 | ((unsigned)k1 << 8));
        __m512 v = _mm512_loadu_ps(x + i);
        if (relu) v = _mm512_max_ps(v, zero);   // max(0, x) as the scalar loop: a NaN x gives 0
        _mm512_storeu_ps(y + i, _mm512_mul_ps(v, _mm512_maskz_mov_ps(kept, keepv)));   // x * 0: NaN stays NaN
        if (bits) bits[i / 16] = (uint16_t)kept;
        low = _mm512_add_epi64(low, step);
        high = _mm512_add_epi64(high, step);
    }
    state += (uint64_t)i * CK_GAMMA;
    if (i < count) {
        unsigned word = 0;
        for (ptrdiff_t j = 0; i + j < count; j++) {
            const int kept = (ck_splitmix_scalar(&state) >> 40) >= threshold;
            float v = x[i + j];
            if (relu) v = v > 0.0f ? v : 0.0f;
            y[i + j] = v * (kept ? keep : 0.0f);
            word |= (unsigned)kept << j;
        }
        if (bits) bits[i / 16] = (uint16_t)word;
    }
    return state;
}

__attribute__((target("avx512f")))
void ck_dropout_backward_avx512(ptrdiff_t count, float keep, const uint16_t *bits, const float *g, float *dx) {
    const __m512 keepv = _mm512_set1_ps(keep);
    ptrdiff_t i = 0;
    for (; i + 16 <= count; i += 16) {
        _mm512_storeu_ps(dx + i, _mm512_mul_ps(_mm512_loadu_ps(g + i), _mm512_maskz_mov_ps((__mmask16)bits[i / 16], keepv)));
    }
    if (i < count) {
        const __mmask16 tail = (__mmask16)((1u << (count - i)) - 1);
        const __m512 v = _mm512_maskz_loadu_ps(tail, g + i);
        _mm512_mask_storeu_ps(dx + i, tail, _mm512_mul_ps(v, _mm512_maskz_mov_ps((__mmask16)bits[i / 16], keepv)));
    }
}

__attribute__((target("avx512f")))
void ck_relu_dropout_backward_avx512(ptrdiff_t count, float keep, const float *z, const float *g, float *dx) {
    const __m512 keepv = _mm512_set1_ps(keep);
    const __m512 zero = _mm512_setzero_ps();
    for (ptrdiff_t i = 0; i < count; i += 16) {
        const __mmask16 k = ck_lanes(count - i);
        const __mmask16 positive = _mm512_mask_cmp_ps_mask(k, _mm512_maskz_loadu_ps(k, z + i), zero, _CMP_GT_OQ);
        const __m512 v = _mm512_mul_ps(_mm512_maskz_loadu_ps(k, g + i), _mm512_maskz_mov_ps(positive, keepv));
        _mm512_mask_storeu_ps(dx + i, k, v);
    }
}

#else

int ck_cpu_has_avx512dq(void) { return 0; }

uint64_t ck_dropout_avx512(uint64_t state, ptrdiff_t count, uint64_t threshold, float keep, int relu,
                           const float *x, float *y, uint16_t *bits) {
    (void)state; (void)count; (void)threshold; (void)keep; (void)relu; (void)x; (void)y; (void)bits;
    __builtin_trap();
}

void ck_dropout_backward_avx512(ptrdiff_t count, float keep, const uint16_t *bits, const float *g, float *dx) {
    (void)count; (void)keep; (void)bits; (void)g; (void)dx;
    __builtin_trap();
}

void ck_relu_dropout_backward_avx512(ptrdiff_t count, float keep, const float *z, const float *g, float *dx) {
    (void)count; (void)keep; (void)z; (void)g; (void)dx;
    __builtin_trap();
}

#endif
