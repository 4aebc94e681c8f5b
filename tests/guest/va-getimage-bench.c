/* Benchmark P4 (issue 12): vaGetImage of a 1920x1080 surface into an NV12
 * image against memcpy of as many bytes, in one process, interleaved. The
 * surface holds a picture buffer in the device's own layout (tiled
 * NV12_32L32 on cedrus, NV12_4L4 on hantro's G2 codecs, linear on visl;
 * LIBVA_V4L2_REQUEST_CAPTURE_FORMAT chooses among those the device lists),
 * so the time includes any untiling. The result is a ratio of the two
 * throughputs (best of the rounds, and of their medians), never a time:
 * the machines this runs on are shared and noisy.
 *
 *   va-getimage-bench [--rounds N] [--codec mpeg2|hevc] [--json] [DEVICE]
 *
 * An MPEG-2 context gets one synthetic picture decoded into the surface;
 * vaGetImage needs none (it reads whatever the picture buffer holds), so
 * an HEVC context (hantro's tiled format is G2's, which decodes HEVC and
 * VP9, not MPEG-2) is read as the device allocated it: the bytes moved are
 * the same. Prints one line, or one JSON object with --json. Exit 0 when
 * measured, 77 when there is no driver, device or profile, 1 when a VA call
 * (vaGetImage among them) fails. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <va/va.h>

#include "va-common.h"

#define W 1920
#define H 1080

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(double *v, unsigned n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* The capture format the driver chose for the context, from its info line
 * "context 1920x1080 MPEG-2: NV12_32L32 1920x1088, ..." (context.c). */
static void capture_format(char *out, size_t size)
{
	const char *line = strstr(va_log_text(), "v4l2_request: context ");
	char name[32];

	if (line && sscanf(line, "v4l2_request: context %*dx%*d %*[^:]: %31s",
			   name) == 1)
		snprintf(out, size, "%s", name);
	else
		snprintf(out, size, "unknown");
}

static int fail(const char *what, VAStatus st)
{
	fprintf(stderr, "%s: %s (driver: %s)\n", what, vaErrorStr(st),
		va_log_last());
	return 1;
}

int main(int argc, char **argv)
{
	const char *device = "/dev/dri/renderD128", *codec = "mpeg2";
	unsigned rounds = 10;
	bool json = false;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--rounds") && i + 1 < argc)
			rounds = (unsigned)atoi(argv[++i]);
		else if (!strcmp(argv[i], "--codec") && i + 1 < argc)
			codec = argv[++i];
		else if (!strcmp(argv[i], "--json"))
			json = true;
		else if (argv[i][0] != '-')
			device = argv[i];
		else {
			fprintf(stderr, "usage: %s [--rounds N] [--codec mpeg2|hevc] "
				"[--json] [DEVICE]\n", argv[0]);
			return 2;
		}
	}
	VAProfile profile = !strcmp(codec, "mpeg2") ? VAProfileMPEG2Main :
			    !strcmp(codec, "hevc") ? VAProfileHEVCMain :
						     VAProfileNone;
	if (profile == VAProfileNone || rounds < 1 || rounds > 1000) {
		fprintf(stderr, "--codec mpeg2 or hevc, --rounds 1..1000\n");
		return 2;
	}
	/* The context's info line names the capture format. */
	setenv("LIBVA_V4L2_REQUEST_LOG_LEVEL", "2", 0);
	int fd;
	VADisplay dpy = va_open_display(device, &fd);
	if (!dpy)
		return 77;

	VAConfigID cfg;
	VASurfaceID s;
	VAContextID ctx;
	VAStatus st;
	if (vaCreateConfig(dpy, profile, VAEntrypointVLD, NULL, 0, &cfg)) {
		fprintf(stderr, "no %s profile on this device\n", codec);
		return 77;
	}
	if ((st = vaCreateSurfaces(dpy, VA_RT_FORMAT_YUV420, W, H, &s, 1, NULL, 0)))
		return fail("vaCreateSurfaces", st);
	if ((st = vaCreateContext(dpy, cfg, W, H, VA_PROGRESSIVE, &s, 1, &ctx)))
		return fail("vaCreateContext", st);
	char format[32];
	capture_format(format, sizeof(format));
	bool decoded = profile == VAProfileMPEG2Main;
	if (decoded && ((st = va_synth_mpeg2(dpy, ctx, s, PIC_I, 0, 0, W, H, NULL)) ||
			(st = vaSyncSurface(dpy, s))))
		return fail("decoding a picture", st);

	VAImageFormat f = { .fourcc = VA_FOURCC_NV12, .byte_order = VA_LSB_FIRST,
			    .bits_per_pixel = 12 };
	VAImage img;
	if ((st = vaCreateImage(dpy, &f, W, H, &img)))
		return fail("vaCreateImage", st);
	size_t bytes = img.data_size;
	uint8_t *src = malloc(bytes), *dst = malloc(bytes);
	double *get_mbs = calloc(rounds, sizeof(double));
	double *copy_mbs = calloc(rounds, sizeof(double));
	if (!src || !dst || !get_mbs || !copy_mbs) {
		fprintf(stderr, "out of memory\n");
		return 1;
	}
	/* Every page touched before the clock runs: the copies' and the
	 * image's (by a first vaGetImage). */
	memset(src, 1, bytes);
	memset(dst, 2, bytes);
	if ((st = vaGetImage(dpy, s, 0, 0, W, H, img.image_id)))
		return fail("vaGetImage", st);
	double best_get = 0, best_copy = 0;
	for (unsigned r = 0; r < rounds; r++) {
		double t0 = now();
		st = vaGetImage(dpy, s, 0, 0, W, H, img.image_id);
		double t1 = now();
		if (st)
			return fail("vaGetImage", st);
		memcpy(dst, src, bytes);
		/* keep the copy from being optimised away */
		__asm__ volatile("" : : "r"(dst) : "memory");
		double t2 = now();
		get_mbs[r] = (double)bytes / (t1 - t0) / 1e6;
		copy_mbs[r] = (double)bytes / (t2 - t1) / 1e6;
		best_get = get_mbs[r] > best_get ? get_mbs[r] : best_get;
		best_copy = copy_mbs[r] > best_copy ? copy_mbs[r] : best_copy;
	}
	double med_get = median(get_mbs, rounds), med_copy = median(copy_mbs, rounds);
	if (json)
		printf("{\"codec\": \"%s\", \"capture_format\": \"%s\", "
		       "\"decoded\": %s, \"width\": %d, \"height\": %d, "
		       "\"bytes\": %zu, \"rounds\": %u, "
		       "\"getimage_mbs\": %.1f, \"memcpy_mbs\": %.1f, "
		       "\"ratio\": %.3f, \"median_getimage_mbs\": %.1f, "
		       "\"median_memcpy_mbs\": %.1f, \"median_ratio\": %.3f}\n",
		       codec, format, decoded ? "true" : "false", W, H, bytes,
		       rounds, best_get, best_copy, best_get / best_copy, med_get,
		       med_copy, med_get / med_copy);
	else
		printf("getimage-bench %s %s %dx%d%s: vaGetImage %.0f MB/s, "
		       "memcpy %.0f MB/s, ratio %.2f (best of %u; medians %.2f), "
		       "%zu bytes\n",
		       codec, format, W, H, decoded ? "" : " (not decoded)",
		       best_get, best_copy, best_get / best_copy, rounds,
		       med_get / med_copy, bytes);
	free(get_mbs);
	free(copy_mbs);
	free(src);
	free(dst);
	vaDestroyImage(dpy, img.image_id);
	vaDestroyContext(dpy, ctx);
	vaDestroySurfaces(dpy, &s, 1);
	vaDestroyConfig(dpy, cfg);
	vaTerminate(dpy);
	close(fd);
	return 0;
}
