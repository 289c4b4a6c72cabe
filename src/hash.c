#include <string.h>

#include "hash.h"

#if defined(__x86_64__) && defined(__GNUC__)
#include <cpuid.h>
#include <immintrin.h>
#define HAVE_SHA_NI 1
#endif

static const uint32_t K[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1,
	0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
	0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
	0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
	0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
	0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
	0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
	0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
	0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

#define ROR(x, n) (((x) >> (n)) | ((x) << (32 - (n))))

static void
compress(struct hash_sha256 *c, const unsigned char *p)
{
	uint32_t w[64], a, b, d, e, f, g, h, cc, t1, t2;
	int i;

	for (i = 0; i < 16; i++)
		w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
		    (uint32_t)p[4 * i + 2] << 8 | (uint32_t)p[4 * i + 3];
	for (i = 16; i < 64; i++) {
		uint32_t s0 = ROR(w[i - 15], 7) ^ ROR(w[i - 15], 18) ^ (w[i - 15] >> 3);
		uint32_t s1 = ROR(w[i - 2], 17) ^ ROR(w[i - 2], 19) ^ (w[i - 2] >> 10);
		w[i] = w[i - 16] + s0 + w[i - 7] + s1;
	}
	a = c->h[0]; b = c->h[1]; cc = c->h[2]; d = c->h[3];
	e = c->h[4]; f = c->h[5]; g = c->h[6]; h = c->h[7];
	for (i = 0; i < 64; i++) {
		t1 = h + (ROR(e, 6) ^ ROR(e, 11) ^ ROR(e, 25)) + ((e & f) ^ (~e & g)) +
		    K[i] + w[i];
		t2 = (ROR(a, 2) ^ ROR(a, 13) ^ ROR(a, 22)) +
		    ((a & b) ^ (a & cc) ^ (b & cc));
		h = g; g = f; f = e; e = d + t1;
		d = cc; cc = b; b = a; a = t1 + t2;
	}
	c->h[0] += a; c->h[1] += b; c->h[2] += cc; c->h[3] += d;
	c->h[4] += e; c->h[5] += f; c->h[6] += g; c->h[7] += h;
}

#ifdef HAVE_SHA_NI
/*
 * The x86 SHA extensions do two rounds an instruction: about ten times the
 * speed of compress() above, which matters because ingest hashes every new
 * article's text.  The state lives in two registers as ABEF and CDGH.
 */
__attribute__((target("sha,sse4.1,ssse3")))
static void
compress_ni(uint32_t h[8], const unsigned char *p, size_t nblocks)
{
	const __m128i bswap = _mm_set_epi64x(0x0c0d0e0f08090a0bULL,
	    0x0405060700010203ULL);
	__m128i st0, st1, tmp, msg, save0, save1, w[16];
	int i;

	tmp = _mm_loadu_si128((const __m128i *)&h[0]);
	st1 = _mm_loadu_si128((const __m128i *)&h[4]);
	tmp = _mm_shuffle_epi32(tmp, 0xb1);		/* CDAB */
	st1 = _mm_shuffle_epi32(st1, 0x1b);		/* EFGH */
	st0 = _mm_alignr_epi8(tmp, st1, 8);		/* ABEF */
	st1 = _mm_blend_epi16(st1, tmp, 0xf0);		/* CDGH */
	for (; nblocks > 0; nblocks--, p += 64) {
		save0 = st0;
		save1 = st1;
		for (i = 0; i < 16; i++) {
			if (i < 4)
				w[i] = _mm_shuffle_epi8(_mm_loadu_si128(
				    (const __m128i *)(p + 16 * i)), bswap);
			else
				w[i] = _mm_sha256msg2_epu32(_mm_add_epi32(
				    _mm_sha256msg1_epu32(w[i - 4], w[i - 3]),
				    _mm_alignr_epi8(w[i - 1], w[i - 2], 4)),
				    w[i - 1]);
			msg = _mm_add_epi32(w[i],
			    _mm_loadu_si128((const __m128i *)&K[4 * i]));
			st1 = _mm_sha256rnds2_epu32(st1, st0, msg);
			msg = _mm_shuffle_epi32(msg, 0x0e);
			st0 = _mm_sha256rnds2_epu32(st0, st1, msg);
		}
		st0 = _mm_add_epi32(st0, save0);
		st1 = _mm_add_epi32(st1, save1);
	}
	tmp = _mm_shuffle_epi32(st0, 0x1b);		/* FEBA */
	st1 = _mm_shuffle_epi32(st1, 0xb1);		/* DCHG */
	st0 = _mm_blend_epi16(tmp, st1, 0xf0);		/* DCBA */
	st1 = _mm_alignr_epi8(st1, tmp, 8);		/* HGFE */
	_mm_storeu_si128((__m128i *)&h[0], st0);
	_mm_storeu_si128((__m128i *)&h[4], st1);
}

/* -1 until asked, then whether the CPU has SHA, SSSE3 and SSE4.1. */
static int use_ni = -1;

static int
have_ni(void)
{
	unsigned a, b, c, d;
	int v = 0;

	/* callers on several threads may each find the answer: they store
	 * the same one, and never a provisional one (atomically: the parse
	 * pool's workers and the store's thread hash at once) */
	if ((v = __atomic_load_n(&use_ni, __ATOMIC_RELAXED)) < 0) {
		v = 0;
		if (__get_cpuid(1, &a, &b, &c, &d) && (c & bit_SSSE3) &&
		    (c & bit_SSE4_1) && __get_cpuid_count(7, 0, &a, &b, &c,
		    &d) && (b & (1u << 29)))
			v = 1;
		__atomic_store_n(&use_ni, v, __ATOMIC_RELAXED);
	}
	return v;
}
#endif

static void
compress_blocks(struct hash_sha256 *c, const unsigned char *p, size_t nblocks)
{
#ifdef HAVE_SHA_NI
	if (have_ni()) {
		compress_ni(c->h, p, nblocks);
		return;
	}
#endif
	for (; nblocks > 0; nblocks--, p += 64)
		compress(c, p);
}

int
hash_sha256_accel(int enable)
{
#ifdef HAVE_SHA_NI
	use_ni = -1;
	if (enable)
		return have_ni();
	use_ni = 0;
#endif
	(void)enable;
	return 0;
}

void
hash_sha256_init(struct hash_sha256 *c)
{
	static const uint32_t iv[8] = { 0x6a09e667, 0xbb67ae85, 0x3c6ef372,
	    0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19 };

	memcpy(c->h, iv, sizeof(iv));
	c->total = 0;
	c->used = 0;
}

void
hash_sha256_update(struct hash_sha256 *c, const void *data, size_t n)
{
	const unsigned char *p = data;
	size_t take;

	c->total += n;
	if (c->used > 0) {
		take = 64 - c->used;
		if (take > n)
			take = n;
		memcpy(c->block + c->used, p, take);
		c->used += take;
		p += take;
		n -= take;
		if (c->used < 64)
			return;
		compress_blocks(c, c->block, 1);
		c->used = 0;
	}
	/* Whole blocks straight from the caller's memory: no copy. */
	compress_blocks(c, p, n / 64);
	p += n & ~(size_t)63;
	n &= 63;
	memcpy(c->block, p, n);
	c->used = n;
}

void
hash_sha256_final(struct hash_sha256 *c, unsigned char out[32])
{
	uint64_t bits = c->total * 8;
	int i;

	/* Padding: 0x80, zeros to 56 mod 64, then the bit length. */
	c->block[c->used++] = 0x80;
	if (c->used > 56) {
		memset(c->block + c->used, 0, 64 - c->used);
		compress_blocks(c, c->block, 1);
		c->used = 0;
	}
	memset(c->block + c->used, 0, 56 - c->used);
	for (i = 0; i < 8; i++)
		c->block[56 + i] = (unsigned char)(bits >> (56 - 8 * i));
	compress_blocks(c, c->block, 1);
	for (i = 0; i < 8; i++) {
		out[4 * i] = (unsigned char)(c->h[i] >> 24);
		out[4 * i + 1] = (unsigned char)(c->h[i] >> 16);
		out[4 * i + 2] = (unsigned char)(c->h[i] >> 8);
		out[4 * i + 3] = (unsigned char)c->h[i];
	}
}

void
hash_hex(const unsigned char *p, size_t len, char *out)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < len; i++) {
		out[2 * i] = digits[p[i] >> 4];
		out[2 * i + 1] = digits[p[i] & 15];
	}
	out[2 * len] = '\0';
}

void
hash_sha256_final_hex(struct hash_sha256 *c, char out[65])
{
	unsigned char d[32];

	hash_sha256_final(c, d);
	hash_hex(d, sizeof(d), out);
}

void
hash_sha256_hex(const void *p, size_t n, char out[65])
{
	struct hash_sha256 c;

	hash_sha256_init(&c);
	hash_sha256_update(&c, p, n);
	hash_sha256_final_hex(&c, out);
}

void
hash_hmac_sha256(const void *key, size_t klen, const void *msg, size_t mlen,
    unsigned char out[32])
{
	unsigned char k[64], pad[64], inner[32];
	struct hash_sha256 c;
	size_t i;

	memset(k, 0, sizeof(k));
	if (klen > sizeof(k)) {
		hash_sha256_init(&c);
		hash_sha256_update(&c, key, klen);
		hash_sha256_final(&c, k);
	} else if (klen > 0)
		memcpy(k, key, klen);
	for (i = 0; i < sizeof(pad); i++)
		pad[i] = k[i] ^ 0x36;
	hash_sha256_init(&c);
	hash_sha256_update(&c, pad, sizeof(pad));
	hash_sha256_update(&c, msg, mlen);
	hash_sha256_final(&c, inner);
	for (i = 0; i < sizeof(pad); i++)
		pad[i] = k[i] ^ 0x5c;
	hash_sha256_init(&c);
	hash_sha256_update(&c, pad, sizeof(pad));
	hash_sha256_update(&c, inner, sizeof(inner));
	hash_sha256_final(&c, out);
	memset(k, 0, sizeof(k));
	memset(pad, 0, sizeof(pad));
}
