/* A VP9 boolean encoder for tests (the counterpart of spec 9.2), and exact
 * heap copies of what it makes, shared by the core's compressed-header test
 * and the VA driver's VP9 test. */
#ifndef UNIT_VP9_BOOL_ENCODER_H
#define UNIT_VP9_BOOL_ENCODER_H

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* check's assertions report to its runner (and exit without one): a
 * program outside check defines its own before including this. */
#ifndef VP9_ENC_ASSERT
#include <check.h>
#define VP9_ENC_ASSERT(x) ck_assert(x)
#endif

/* Boolean encoder (the counterpart of spec 9.2): low keeps 24 bits not yet
 * final under the 8-bit window; a carry out of them ripples back into the
 * bytes written. count reaches 0 when a byte is ready. */
struct bool_enc {
	uint8_t buf[8192];
	size_t pos;
	uint32_t low, range;
	int count;
};

static inline void enc_shift(struct bool_enc *e)
{
	if (++e->count < 0) {
		e->low <<= 1;
		return;
	}
	if (e->low & 0x80000000u) {
		size_t x = e->pos;
		while (x && e->buf[x - 1] == 0xff)
			e->buf[--x] = 0;
		VP9_ENC_ASSERT(x > 0);
		e->buf[x - 1]++;
	}
	VP9_ENC_ASSERT(e->pos < sizeof(e->buf));
	e->buf[e->pos++] = e->low >> 23 & 0xff;
	e->low = e->low << 1 & 0xffffff;
	e->count = -8;
}

static inline void enc_bool(struct bool_enc *e, bool bit, uint8_t prob)
{
	uint32_t split = 1 + (((e->range - 1) * prob) >> 8);

	if (bit) {
		e->low += split;
		e->range -= split;
	} else {
		e->range = split;
	}
	while (e->range < 128) {
		e->range <<= 1;
		enc_shift(e);
	}
}

static inline void enc_literal(struct bool_enc *e, unsigned v, unsigned n)
{
	while (n--)
		enc_bool(e, v >> n & 1, 128);
}

static inline void enc_start(struct bool_enc *e)
{
	memset(e, 0, sizeof(*e));
	e->range = 255;
	e->count = -24;
	enc_bool(e, 0, 128);	/* marker */
}

static inline size_t enc_finish(struct bool_enc *e)
{
	for (int i = 0; i < 32; i++)
		enc_bool(e, 0, 128);
	return e->pos;
}

/* Exactly size bytes on the heap, so valgrind/ASan see any read beyond. */
static inline uint8_t *exact_copy(const uint8_t *data, size_t size)
{
	uint8_t *p = malloc(size ? size : 1);

	VP9_ENC_ASSERT(p != NULL);
	memcpy(p, data, size);
	return p;
}

#endif
