#ifndef TIDINGS_HASH_H
#define TIDINGS_HASH_H
/*
 * SHA-256, used for article identity and content fingerprints, where a
 * collision would merge two different articles; 256 bits make that a
 * non-event at any scale tidings will see.
 */
#include <stddef.h>
#include <stdint.h>

struct hash_sha256 {
	uint32_t	h[8];
	uint64_t	total;
	unsigned char	block[64];
	size_t		used;
};

/* Uses the CPU's SHA instructions when it has them (the default) or, with
 * enable 0, the portable code (for tests).  Returns 1 when the
 * instructions are in use. */
int  hash_sha256_accel(int enable);
void hash_sha256_init(struct hash_sha256 *c);
void hash_sha256_update(struct hash_sha256 *c, const void *p, size_t n);
void hash_sha256_final(struct hash_sha256 *c, unsigned char out[32]);
/* len bytes as lower-case hex into out (2 * len + 1 bytes, NUL-ended). */
void hash_hex(const unsigned char *p, size_t len, char *out);
/* Lower-case hex digest of the whole input; out must hold 65 bytes. */
void hash_sha256_hex(const void *p, size_t n, char out[65]);
/* Hex of the final digest of c; out must hold 65 bytes. */
void hash_sha256_final_hex(struct hash_sha256 *c, char out[65]);
/* HMAC-SHA256 (RFC 2104) of msg keyed with key, for the signature of a
 * webhook's body; a key over 64 bytes is hashed first. */
void hash_hmac_sha256(const void *key, size_t klen, const void *msg,
	    size_t mlen, unsigned char out[32]);

#endif
