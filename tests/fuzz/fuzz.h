/* What the libFuzzer targets share: reading values off the fuzzer's input
 * (zeros once it is used up, so every input is a whole case) and a quiet
 * core log. */
#ifndef FUZZ_H
#define FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "v4l2r/log.h"

struct fuzz_input {
	const uint8_t *data;
	size_t size;
};

static inline uint8_t fuzz_u8(struct fuzz_input *in)
{
	if (!in->size)
		return 0;
	in->size--;
	return *in->data++;
}

static inline uint32_t fuzz_u32(struct fuzz_input *in)
{
	uint32_t v = 0;

	for (unsigned i = 0; i < 4; i++)
		v = v << 8 | fuzz_u8(in);
	return v;
}

/* n bytes into dst, zero-filled past the end of the input. */
static inline void fuzz_bytes(struct fuzz_input *in, void *dst, size_t n)
{
	size_t k = n < in->size ? n : in->size;

	memcpy(dst, in->data, k);
	memset((uint8_t *)dst + k, 0, n - k);
	in->data += k;
	in->size -= k;
}

/* Messages about bad input come by the thousand: formatted (their
 * arguments are checked too), then dropped. */
static void fuzz_log_drop(void *opaque, enum v4l2r_log_level level,
			  const char *msg)
{
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Included once per target program. */
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	v4l2r_log_set_handler(fuzz_log_drop, NULL, V4L2R_LOG_DEBUG);
	return 0;
}

#endif
