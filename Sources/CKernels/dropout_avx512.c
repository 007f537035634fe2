// Inverted dropout with the SplitMix64 stream of SeededGenerator, 16 elements per step with AVX-512
// (64-bit multiplies need AVX-512DQ). Each 64-bit number gives two elements their 24-bit uniforms (bits
// 8-31 and 40-63), so one vector of 8 numbers serves 16 elements. SplitMix64 is a counter plus a mixer
// (number t is mix(state + (t + 1) gamma)), so any element's uniform can be computed on its own: the
// result is bit for bit the scalar loop's (Kernels.referenceDropout, which tests compare against), and a
// draw can start at any element of the stream (attention draws each (b, h) pair at its own offset).
// The mask is kept as bits (one uint16 per 16 elements), 1/32 of a float mask, and the backward applies
// it with masked multiplies.

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

/// SplitMix64's number t of the stream from `state` (its output after t + 1 steps).
static inline uint64_t ck_splitmix_number(uint64_t state, uint64_t t) {
    uint64_t z = state + (t + 1) * CK_GAMMA;
    z = (z ^ (z >> 30)) * CK_MIX1;
    z = (z ^ (z >> 27)) * CK_MIX2;
    return z ^ (z >> 31);
}

/// Element e's 24-bit uniform: bits 8-31 of number e / 2 when e is even, bits 40-63 when odd.
static inline uint32_t ck_dropout_uniform(uint64_t state, uint64_t e) {
    const uint64_t z = ck_splitmix_number(state, e / 2);
    return (uint32_t)((e & 1) ? (z >> 40) : ((z >> 8) & 0xFFFFFF));
}

__attribute__((target("avx512f,avx512dq")))
static inline __m512i ck_splitmix_mix(__m512i z) {
    z = _mm512_mullo_epi64(_mm512_xor_si512(z, _mm512_srli_epi64(z, 30)), _mm512_set1_epi64((long long)CK_MIX1));
    z = _mm512_mullo_epi64(_mm512_xor_si512(z, _mm512_srli_epi64(z, 27)), _mm512_set1_epi64((long long)CK_MIX2));
    return _mm512_xor_si512(z, _mm512_srli_epi64(z, 31));
}

__attribute__((target("avx512f,avx512dq")))
uint64_t ck_dropout_avx512(uint64_t state, ptrdiff_t first, ptrdiff_t count, uint64_t threshold, float keep,
                           int relu, const float *x, float *y, uint16_t *bits) {
    const __m512i gamma8 = _mm512_set1_epi64((long long)(8 * CK_GAMMA));
    const __m512i limit = _mm512_set1_epi32((int)threshold);   // threshold <= 2^24
    const __m512 keepv = _mm512_set1_ps(keep);
    const __m512 zero = _mm512_setzero_ps();
    // Viewed as 16 uint32 lanes, a vector of numbers t ... t + 7 holds the uniforms of elements 2t ...
    // 2t + 15 (shifted right by 8): lane 2j is the low half of number t + j, lane 2j + 1 the high half.
    // A draw starting at an odd element takes lanes 1 ... 15 of one vector and lane 0 of the next.
    const uint64_t t0 = (uint64_t)first / 2;
    const int odd = (int)(first & 1);
    __m512i counter = _mm512_add_epi64(_mm512_set1_epi64((long long)(state + t0 * CK_GAMMA)),
                                       _mm512_mullo_epi64(_mm512_set1_epi64((long long)CK_GAMMA),
                                                          _mm512_setr_epi64(1, 2, 3, 4, 5, 6, 7, 8)));
    __m512i previous = _mm512_setzero_si512();
    if (odd) {
        previous = ck_splitmix_mix(counter);
        counter = _mm512_add_epi64(counter, gamma8);
    }
    ptrdiff_t i = 0;
    for (; i + 16 <= count; i += 16) {
        __m512i numbers = ck_splitmix_mix(counter);
        counter = _mm512_add_epi64(counter, gamma8);
        if (odd) {
            const __m512i next = numbers;
            numbers = _mm512_alignr_epi32(next, previous, 1);
            previous = next;
        }
        const __mmask16 kept = _mm512_cmpge_epu32_mask(_mm512_srli_epi32(numbers, 8), limit);
        __m512 v = _mm512_loadu_ps(x + i);
        if (relu) v = _mm512_max_ps(v, zero);   // max(0, x) as the scalar loop: a NaN x gives 0
        _mm512_storeu_ps(y + i, _mm512_mul_ps(v, _mm512_maskz_mov_ps(kept, keepv)));   // x * 0: NaN stays NaN
        if (bits) bits[i / 16] = (uint16_t)kept;
    }
    if (i < count) {
        unsigned word = 0;
        for (ptrdiff_t j = 0; i + j < count; j++) {
            const int kept = ck_dropout_uniform(state, (uint64_t)(first + i + j)) >= threshold;
            float v = x[i + j];
            if (relu) v = v > 0.0f ? v : 0.0f;
            y[i + j] = v * (kept ? keep : 0.0f);
            word |= (unsigned)kept << j;
        }
        if (bits) bits[i / 16] = (uint16_t)word;
    }
    // The state after a draw of first + count elements: ceil((first + count) / 2) numbers.
    return state + (uint64_t)((first + count + 1) / 2) * CK_GAMMA;
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

uint64_t ck_dropout_avx512(uint64_t state, ptrdiff_t first, ptrdiff_t count, uint64_t threshold, float keep,
                           int relu, const float *x, float *y, uint16_t *bits) {
    (void)state; (void)first; (void)count; (void)threshold; (void)keep; (void)relu; (void)x; (void)y; (void)bits;
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
