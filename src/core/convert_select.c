#include "config.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#if defined(V4L2R_NEON_AT_RUNTIME)
#include <asm/hwcap.h>
#include <sys/auxv.h>
#endif

#include "convert_kernels.h"

const struct v4l2r_convert_kernels *v4l2r_convert_kernels_simd(void)
{
	/* SSE2 is part of x86-64 and NEON of aarch64 (and of any arm build
	 * compiled with it), so the build target decides; 32-bit arm built
	 * without it (Debian's armhf) asks the CPU. */
#if defined(__x86_64__)
	return &v4l2r_convert_kernels_sse2;
#elif defined(__ARM_NEON)
	return &v4l2r_convert_kernels_neon;
#elif defined(V4L2R_NEON_AT_RUNTIME)
	return getauxval(AT_HWCAP) & HWCAP_NEON ? &v4l2r_convert_kernels_neon
						: NULL;
#else
	return NULL;
#endif
}

static const struct v4l2r_convert_kernels *active;
static pthread_once_t active_once = PTHREAD_ONCE_INIT;

static void choose_active(void)
{
	const char *no_simd = getenv("V4L2R_NO_SIMD");

	active = v4l2r_convert_kernels_simd();
	if (!active || (no_simd && strcmp(no_simd, "1") == 0))
		active = &v4l2r_convert_kernels_c;
}

const struct v4l2r_convert_kernels *v4l2r_convert_kernels_active(void)
{
	pthread_once(&active_once, choose_active);
	return active;
}
