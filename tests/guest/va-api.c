/* The v4l2_request VA driver through libva's own API, on visl: both
 * surface/context creation orders, images (one destroyed while another
 * thread's vaGetImage writes into it), DMABUF export, growth of the
 * picture buffers, every bad input a client can hand over, buffers
 * destroyed between vaRenderPicture and vaEndPicture, several
 * contexts on several threads, a request the kernel refuses, a job the
 * device ends with an error, a device that never answers and one that
 * cannot allocate picture buffers (visl's fault parameters); the surface
 * attributes and image formats advertised against what creation accepts, every listed profile making a context,
 * and LIBVA_V4L2_REQUEST_DECODE_MODE (VA_API_IMAGE_ROUNDS: rounds of the
 * image race, 300). One line per case; exit 0 when all pass, 77 when
 * there is no MPEG-2 decoder, 1 otherwise.
 *
 * The pictures are synthetic MPEG-2 (valid parameters, slices that start
 * with their start codes): visl checks the controls, not the bitstream,
 * and draws a deterministic pattern. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <va/va.h>
#include <va/va_drm.h>
#include <va/va_drmcommon.h>

#include "report.h"
#include "va-common.h"

#define W 320
#define H 240
#define DRM_NV12 0x3231564e	/* 'NV12' */
#define DRM_R8 0x20203852	/* 'R8  ' */
#define DRM_GR88 0x38385247	/* 'GR88' */

static const char *device = "/dev/dri/renderD128";
static VADisplay dpy;
static int drm_fd = -1;


static bool open_display(void)
{
	int major, minor;

	drm_fd = open(device, O_RDWR | O_CLOEXEC);
	if (drm_fd < 0)
		return false;
	dpy = vaGetDisplayDRM(drm_fd);
	if (!dpy)
		return false;
	va_log_capture(dpy, getenv("VA_API_TEST_VERBOSE") != NULL);
	return vaInitialize(dpy, &major, &minor) == VA_STATUS_SUCCESS;
}

static void close_display(void)
{
	if (dpy)
		vaTerminate(dpy);
	dpy = NULL;
	if (drm_fd >= 0)
		close(drm_fd);
	drm_fd = -1;
}

/* ------------------------------------------------------------------ */
/* Synthetic MPEG-2 pictures (va-common.c).                             */

static VAStatus decode(VAContextID ctx, VASurfaceID target, int type,
		       VASurfaceID fwd, VASurfaceID bwd, const struct bad *bad)
{
	return va_synth_mpeg2(dpy, ctx, target, type, fwd, bwd, W, H, bad);
}

/* I, P, B into s[0..2]; every surface synced. */
static bool decode_ipb(VAContextID ctx, const VASurfaceID *s, char *why,
		       size_t why_size)
{
	VAStatus st;

	if ((st = decode(ctx, s[0], PIC_I, 0, 0, NULL)) ||
	    (st = decode(ctx, s[1], PIC_P, s[0], 0, NULL)) ||
	    (st = decode(ctx, s[2], PIC_B, s[0], s[1], NULL))) {
		snprintf(why, why_size, "decode: %s", vaErrorStr(st));
		return false;
	}
	for (int i = 0; i < 3; i++) {
		st = vaSyncSurface(dpy, s[i]);
		if (st) {
			snprintf(why, why_size, "sync %d: %s", i, vaErrorStr(st));
			return false;
		}
		VASurfaceStatus ss;
		if (vaQuerySurfaceStatus(dpy, s[i], &ss) || ss != VASurfaceReady) {
			snprintf(why, why_size, "status %d: %d", i, ss);
			return false;
		}
	}
	return true;
}

static VAConfigID make_config(void)
{
	VAConfigAttrib a = { .type = VAConfigAttribRTFormat,
			     .value = VA_RT_FORMAT_YUV420 };
	VAConfigID cfg = VA_INVALID_ID;

	if (vaCreateConfig(dpy, VAProfileMPEG2Main, VAEntrypointVLD, &a, 1, &cfg))
		return VA_INVALID_ID;
	return cfg;
}

/* The picture as vaGetImage gives it, tightly packed NV12. */
static uint8_t *get_nv12(VASurfaceID s)
{
	return va_read_nv12(dpy, s, W, H);
}

static bool planes_equal(const uint8_t *nv12, const uint8_t *base,
			 const uint32_t *offset, const uint32_t *pitch)
{
	for (int y = 0; y < H; y++)
		if (memcmp(nv12 + y * W, base + offset[0] + (size_t)y * pitch[0], W))
			return false;
	for (int y = 0; y < H / 2; y++)
		if (memcmp(nv12 + W * H + y * W,
			   base + offset[1] + (size_t)y * pitch[1], W))
			return false;
	return true;
}

/* ------------------------------------------------------------------ */

static void test_images_and_export(VASurfaceID s, const uint8_t *ref)
{
	VAImage img;
	void *p;
	VAStatus st = vaDeriveImage(dpy, s, &img);

	if (st == VA_STATUS_SUCCESS) {
		bool ok = img.format.fourcc == VA_FOURCC_NV12 &&
			  !vaMapBuffer(dpy, img.buf, &p) &&
			  planes_equal(ref, p, img.offsets, img.pitches);
		vaUnmapBuffer(dpy, img.buf);
		vaDestroyImage(dpy, img.image_id);
		report("derive-image-matches-get-image", ok, "bytes differ");
	} else {
		report("derive-image-matches-get-image", false, "%s",
		       vaErrorStr(st));
	}

	VADRMPRIMESurfaceDescriptor d;
	memset(&d, 0, sizeof(d));
	st = vaExportSurfaceHandle(dpy, s, VA_SURFACE_ATTRIB_MEM_TYPE_DRM_PRIME_2,
				   VA_EXPORT_SURFACE_READ_ONLY |
					   VA_EXPORT_SURFACE_COMPOSED_LAYERS, &d);
	bool ok = st == VA_STATUS_SUCCESS && d.num_layers == 1 &&
		  d.num_objects == 1 && d.layers[0].drm_format == DRM_NV12 &&
		  d.layers[0].num_planes == 2 &&
		  d.objects[0].drm_format_modifier == 0 && d.fourcc == VA_FOURCC_NV12;
	uint32_t composed_off[2] = { d.layers[0].offset[0], d.layers[0].offset[1] };
	if (ok) {
		void *m = mmap(NULL, d.objects[0].size, PROT_READ, MAP_SHARED,
			       d.objects[0].fd, 0);
		ok = m != MAP_FAILED &&
		     planes_equal(ref, m, d.layers[0].offset, d.layers[0].pitch);
		if (m != MAP_FAILED)
			munmap(m, d.objects[0].size);
	}
	for (uint32_t i = 0; i < d.num_objects; i++)
		close(d.objects[i].fd);
	report("export-dmabuf-matches-get-image", ok, "%s, %u layers, format 0x%x",
	       vaErrorStr(st), d.num_layers, d.layers[0].drm_format);

	memset(&d, 0, sizeof(d));
	st = vaExportSurfaceHandle(dpy, s, VA_SURFACE_ATTRIB_MEM_TYPE_DRM_PRIME_2,
				   VA_EXPORT_SURFACE_READ_ONLY |
					   VA_EXPORT_SURFACE_SEPARATE_LAYERS, &d);
	ok = st == VA_STATUS_SUCCESS && d.num_layers == 2 &&
	     d.layers[0].drm_format == DRM_R8 && d.layers[1].drm_format == DRM_GR88 &&
	     d.layers[0].offset[0] == composed_off[0] &&
	     d.layers[1].offset[0] == composed_off[1];
	for (uint32_t i = 0; i < d.num_objects; i++)
		close(d.objects[i].fd);
	report("export-separate-layers", ok, "%s", vaErrorStr(st));

	memset(&d, 0, sizeof(d));
	st = vaExportSurfaceHandle(dpy, s, VA_SURFACE_ATTRIB_MEM_TYPE_VA, 0, &d);
	report("export-refuses-other-memory-types",
	       st == VA_STATUS_ERROR_UNSUPPORTED_MEMORY_TYPE, "%s", vaErrorStr(st));
}

static void test_bad_input(VAContextID ctx, VASurfaceID *s, VAConfigID cfg)
{
	struct bad b;
	VAStatus st;
	char why[128] = "";
	void *info = NULL;

	memset(&b, 0, sizeof(b));
	b.no_picture_params = true;
	st = decode(ctx, s[0], PIC_I, 0, 0, &b);
	VAStatus sync = vaSyncSurface(dpy, s[0]);
	VAStatus qe = vaQuerySurfaceError(dpy, s[0], VA_STATUS_ERROR_DECODING_ERROR,
					  &info);
	VASurfaceDecodeMBErrors *e = info;
	report("missing-picture-parameters",
	       st == VA_STATUS_ERROR_INVALID_PARAMETER &&
		       sync == VA_STATUS_ERROR_DECODING_ERROR && !qe && e &&
		       e[0].status == 1 && e[0].decode_error_type == VADecodeMBError &&
		       e[1].status == -1,
	       "end %s, sync %s", vaErrorStr(st), vaErrorStr(sync));

	memset(&b, 0, sizeof(b));
	b.slice_outside = true;
	st = decode(ctx, s[0], PIC_I, 0, 0, &b);
	report("slice-outside-its-data", st == VA_STATUS_ERROR_INVALID_PARAMETER,
	       "%s", vaErrorStr(st));

	memset(&b, 0, sizeof(b));
	b.short_picture_params = true;
	st = decode(ctx, s[0], PIC_I, 0, 0, &b);
	report("wrong-picture-parameter-size",
	       st == VA_STATUS_ERROR_INVALID_PARAMETER, "%s", vaErrorStr(st));

	memset(&b, 0, sizeof(b));
	b.huge_data = 8u << 20;	/* far more than the bitstream buffer */
	st = decode(ctx, s[1], PIC_I, 0, 0, &b);
	sync = vaSyncSurface(dpy, s[1]);
	report("slice-data-larger-than-bitstream-buffer",
	       st == VA_STATUS_ERROR_NOT_ENOUGH_BUFFER &&
		       sync == VA_STATUS_ERROR_DECODING_ERROR,
	       "end %s, sync %s", vaErrorStr(st), vaErrorStr(sync));

	VABufferID buf;
	uint32_t x = 0;
	vaCreateBuffer(dpy, ctx, VASliceDataBufferType, 4, 1, &x, &buf);
	st = vaRenderPicture(dpy, ctx, &buf, 1);
	report("render-without-begin", st != VA_STATUS_SUCCESS, "%s",
	       vaErrorStr(st));
	vaDestroyBuffer(dpy, buf);
	st = vaBeginPicture(dpy, ctx, s[2]);
	VAStatus r = vaRenderPicture(dpy, ctx, &buf, 1);	/* stale id */
	vaEndPicture(dpy, ctx);
	report("stale-buffer-id", st == VA_STATUS_SUCCESS &&
	       r == VA_STATUS_ERROR_INVALID_BUFFER, "%s", vaErrorStr(r));

	VASurfaceID gone;
	vaCreateSurfaces(dpy, VA_RT_FORMAT_YUV420, W, H, &gone, 1, NULL, 0);
	vaDestroySurfaces(dpy, &gone, 1);
	st = vaBeginPicture(dpy, ctx, gone);
	VAStatus st2 = vaSyncSurface(dpy, gone);
	report("stale-surface-id", st == VA_STATUS_ERROR_INVALID_SURFACE &&
	       st2 == VA_STATUS_ERROR_INVALID_SURFACE, "%s", vaErrorStr(st));
	st = vaBeginPicture(dpy, ctx + 1, s[0]);
	report("unknown-context-id", st == VA_STATUS_ERROR_INVALID_CONTEXT, "%s",
	       vaErrorStr(st));

	VAConfigID c2;
	/* VC-1: no stateless uAPI, so never offered */
	st = vaCreateConfig(dpy, VAProfileVC1Advanced, VAEntrypointVLD, NULL, 0, &c2);
	st2 = vaCreateConfig(dpy, VAProfileMPEG2Main, VAEntrypointEncSlice, NULL,
			     0, &c2);
	report("unsupported-profile-and-entrypoint",
	       st == VA_STATUS_ERROR_UNSUPPORTED_PROFILE &&
		       st2 == VA_STATUS_ERROR_UNSUPPORTED_ENTRYPOINT,
	       "%s / %s", vaErrorStr(st), vaErrorStr(st2));
	VAContextID big;
	st = vaCreateContext(dpy, cfg, 30000, 30000, VA_PROGRESSIVE, NULL, 0, &big);
	report("unsupported-size", st != VA_STATUS_SUCCESS, "%s", vaErrorStr(st));

	bool ok = decode_ipb(ctx, s, why, sizeof(why));
	report("decoding-goes-on-after-bad-input", ok, "%s", why);
}

/* Whether the file at path holds the n bytes of want somewhere. */
static bool file_holds(const char *path, const uint8_t *want, size_t n)
{
	FILE *f = fopen(path, "rb");
	uint8_t *all = NULL;
	size_t size = 0, cap = 0, got;
	bool found = false;

	if (!f)
		return false;
	do {
		if (size == cap) {
			uint8_t *p = realloc(all, cap = cap ? cap * 2 : 65536);
			if (!p)
				break;
			all = p;
		}
		got = fread(all + size, 1, cap - size, f);
		size += got;
	} while (got);
	fclose(f);
	for (size_t i = 0; n && i + n <= size && !found; i++)
		found = !memcmp(all + i, want, n);
	free(all);
	return found;
}

/* VA lets a client destroy its buffers between vaRenderPicture and
 * vaEndPicture. The driver reads the slice data at vaEndPicture (its one
 * copy, into the bitstream buffer), so it keeps the buffer until then:
 * the picture decodes, and the bitstream the device got (recorded with
 * LIBVA_V4L2_REQUEST_RECORD) is the client's data, a new buffer of the
 * same size and other bytes made in between notwithstanding. The ids are
 * refused at once. */
static void test_buffers_destroyed_before_end(VAConfigID cfg)
{
	const char *tmp = getenv("TMPDIR");
	char trace[256];
	struct va_pic p;
	VABufferID bufs[VA_PIC_MAX_BUFS], other = VA_INVALID_ID;
	VASurfaceID s = VA_INVALID_SURFACE;
	VAContextID ctx = VA_INVALID_ID;
	unsigned n = 0, data_size = 0;
	VAStatus st, end = VA_STATUS_ERROR_UNKNOWN, sync = end;
	bool destroyed = true, refused = true;

	snprintf(trace, sizeof(trace), "%s/va-api-held-XXXXXX",
		 tmp && *tmp ? tmp : "/tmp");
	int fd = mkstemp(trace);
	if (fd < 0 || !va_mpeg2_pic(&p, PIC_I, 0, 0, W, H, 0)) {
		report("buffers-destroyed-before-end", false, "setup");
		if (fd >= 0) {
			close(fd);
			unlink(trace);
		}
		return;
	}
	close(fd);
	const uint8_t *data = va_pic_get(&p, VASliceDataBufferType, &data_size);
	setenv("LIBVA_V4L2_REQUEST_RECORD", trace, 1);
	st = vaCreateSurfaces(dpy, VA_RT_FORMAT_YUV420, W, H, &s, 1, NULL, 0);
	if (!st)
		st = vaCreateContext(dpy, cfg, W, H, VA_PROGRESSIVE, &s, 1, &ctx);
	unsetenv("LIBVA_V4L2_REQUEST_RECORD");
	for (unsigned i = 0; i < p.n && !st; i++) {
		st = vaCreateBuffer(dpy, ctx, p.b[i].type, p.b[i].size, p.b[i].n,
				    p.b[i].data, &bufs[n]);
		n += !st;
	}
	if (!st)
		st = vaBeginPicture(dpy, ctx, s);
	if (!st)
		st = vaRenderPicture(dpy, ctx, bufs, (int)n);
	for (unsigned i = 0; i < n; i++)
		destroyed &= vaDestroyBuffer(dpy, bufs[i]) == VA_STATUS_SUCCESS;
	for (unsigned i = 0; i < n; i++) {
		void *map;
		refused &= vaBufferSetNumElements(dpy, bufs[i], 2) ==
				   VA_STATUS_ERROR_INVALID_BUFFER &&
			   vaMapBuffer(dpy, bufs[i], &map) ==
				   VA_STATUS_ERROR_INVALID_BUFFER &&
			   vaDestroyBuffer(dpy, bufs[i]) ==
				   VA_STATUS_ERROR_INVALID_BUFFER;
	}
	uint8_t *junk = malloc(data_size ? data_size : 1);
	if (!st && junk) {
		memset(junk, 0xe5, data_size);
		vaCreateBuffer(dpy, ctx, VASliceDataBufferType, data_size, 1,
			       junk, &other);
	}
	if (!st)
		end = vaEndPicture(dpy, ctx);
	if (!end)
		sync = vaSyncSurface(dpy, s);
	if (other != VA_INVALID_ID)
		vaDestroyBuffer(dpy, other);
	free(junk);
	/* Destroying the context ends the recording. */
	if (ctx != VA_INVALID_ID)
		vaDestroyContext(dpy, ctx);
	if (s != VA_INVALID_SURFACE)
		vaDestroySurfaces(dpy, &s, 1);
	bool recorded = data && file_holds(trace, data, data_size);
	unlink(trace);
	va_pic_free(&p);
	report("buffers-destroyed-before-end",
	       !st && destroyed && refused && !end && !sync && recorded,
	       "render %s, destroyed %d, ids refused %d, end %s, sync %s, "
	       "data in the recorded bitstream %d", vaErrorStr(st), destroyed,
	       refused, vaErrorStr(end), vaErrorStr(sync), recorded);
}

struct worker {
	VAConfigID cfg;
	int pictures;
	bool ok;
	char why[128];
};

static void *worker_run(void *arg)
{
	struct worker *w = arg;
	VASurfaceID s[4];
	VAContextID ctx;
	VAStatus st;

	w->ok = false;
	if ((st = vaCreateSurfaces(dpy, VA_RT_FORMAT_YUV420, W, H, s, 4, NULL, 0)) ||
	    (st = vaCreateContext(dpy, w->cfg, W, H, VA_PROGRESSIVE, s, 4, &ctx))) {
		snprintf(w->why, sizeof(w->why), "setup: %s", vaErrorStr(st));
		return NULL;
	}
	for (int i = 0; i < w->pictures; i++) {
		VASurfaceID t = s[i % 4], prev = s[(i + 3) % 4];
		st = decode(ctx, t, i % 10 ? PIC_P : PIC_I, prev, 0, NULL);
		if (!st && i % 3 == 2)
			st = vaSyncSurface(dpy, t);
		if (st) {
			snprintf(w->why, sizeof(w->why), "picture %d: %s", i,
				 vaErrorStr(st));
			goto out;
		}
	}
	for (int i = 0; i < 4; i++)
		if ((st = vaSyncSurface(dpy, s[i]))) {
			snprintf(w->why, sizeof(w->why), "sync: %s", vaErrorStr(st));
			goto out;
		}
	w->ok = true;
out:
	vaDestroyContext(dpy, ctx);
	vaDestroySurfaces(dpy, s, 4);
	return NULL;
}

static void test_threads(VAConfigID cfg)
{
	pthread_t t[2];
	struct worker w[2];

	for (int i = 0; i < 2; i++) {
		memset(&w[i], 0, sizeof(w[i]));
		w[i].cfg = cfg;
		w[i].pictures = 40;
		pthread_create(&t[i], NULL, worker_run, &w[i]);
	}
	for (int i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	report("two-contexts-two-threads", w[0].ok && w[1].ok, "%s %s", w[0].why,
	       w[1].why);
}

/* The image race (va_image_race); VA_API_IMAGE_ROUNDS: fewer rounds under
 * ASan, which sees a write into freed memory at once
 * (tests/guest/sanitized.test). */
static void test_image_destroyed_while_got(VAConfigID cfg)
{
	const char *rounds = getenv("VA_API_IMAGE_ROUNDS");

	va_image_race(dpy, cfg, rounds && atoi(rounds) > 0 ?
			      (unsigned)atoi(rounds) : 300,
		      "image-destroyed-while-got");
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The kernel spoils picture 2 of a fresh context (visl's fault parameter
 * counts a file handle's requests or jobs from 1): that picture alone gets
 * VA_STATUS_ERROR_DECODING_ERROR, from vaSyncSurface and
 * vaQuerySurfaceError, within the driver's timeout; the pictures after it
 * decode, referencing the one before, the next one queued before picture 2
 * is waited for too (behind a hung job: once the core restarts the device,
 * a hang costs that picture only). */
static void test_fault(const char *name, const char *param)
{
	VASurfaceID s[4];
	VAContextID ctx;
	char why[192] = "";

	if (!va_visl_param(param, 0)) {
		report_skip(name, "visl has no %s parameter (not the project's "
			    "patched visl)", param);
		return;
	}
	close_display();
	setenv("LIBVA_V4L2_REQUEST_SYNC_TIMEOUT_MS", "500", 1);
	bool ok = open_display();
	unsetenv("LIBVA_V4L2_REQUEST_SYNC_TIMEOUT_MS");
	VAConfigID cfg = ok ? make_config() : VA_INVALID_ID;
	if (!ok || cfg == VA_INVALID_ID ||
	    vaCreateSurfaces(dpy, VA_RT_FORMAT_YUV420, W, H, s, 4, NULL, 0) ||
	    vaCreateContext(dpy, cfg, W, H, VA_PROGRESSIVE, s, 4, &ctx)) {
		report(name, false, "setup");
		return;
	}
	va_visl_param(param, 2);
	VAStatus a = decode(ctx, s[0], PIC_I, 0, 0, NULL);
	VAStatus sa = vaSyncSurface(dpy, s[0]);
	VAStatus b = decode(ctx, s[1], PIC_P, s[0], 0, NULL);	/* spoilt */
	/* Queued before b is waited for: behind a hung job it never ran,
	 * and decodes once the driver restarts the device. */
	VAStatus c = decode(ctx, s[2], PIC_P, s[0], 0, NULL);
	double t0 = now();
	VAStatus sb = vaSyncSurface(dpy, s[1]);
	double waited = now() - t0;
	va_visl_param(param, 0);
	VASurfaceDecodeMBErrors *mb = NULL;
	VAStatus qb = vaQuerySurfaceError(dpy, s[1], VA_STATUS_ERROR_DECODING_ERROR,
					  (void **)&mb);
	VAStatus sc = vaSyncSurface(dpy, s[2]);
	VAStatus d = decode(ctx, s[3], PIC_B, s[0], s[2], NULL);
	VAStatus sd = vaSyncSurface(dpy, s[3]);
	ok = !a && !sa && !b && sb == VA_STATUS_ERROR_DECODING_ERROR && !qb &&
	     mb && mb[0].status == 1 && mb[1].status == -1 && !c && !sc && !d &&
	     !sd && waited < 5.0;
	snprintf(why, sizeof(why), "%s %s | %s %s (%.2fs, error %s %d) | %s %s | %s %s",
		 vaErrorStr(a), vaErrorStr(sa), vaErrorStr(b), vaErrorStr(sb),
		 waited, vaErrorStr(qb), mb ? mb[0].status : -2, vaErrorStr(c),
		 vaErrorStr(sc), vaErrorStr(d), vaErrorStr(sd));
	report(name, ok, "%s", why);
	vaDestroyContext(dpy, ctx);
	vaDestroySurfaces(dpy, s, 4);
	vaDestroyConfig(dpy, cfg);
}

/* The device cannot allocate picture buffers (visl's fault_capture_nomem:
 * REQBUFS on CAPTURE fails with ENOMEM, as with a CMA pool too small for
 * the pictures). With render targets vaCreateContext says so; without
 * (GStreamer's and FFmpeg 6.1+'s order) the first vaBeginPicture does, and
 * the context then fails without asking the device again: it still fails
 * once memory is back. Nothing
 * is lost: a context made once memory is back decodes into the same
 * surfaces. */
static void test_capture_memory_fault(void)
{
	const char *name = "device-cannot-allocate-pictures";
	VASurfaceID s[3];
	VAContextID early = VA_INVALID_ID, late = VA_INVALID_ID, again;
	char why[160] = "";

	if (!va_visl_param("fault_capture_nomem", 0)) {
		report_skip(name, "visl has no fault_capture_nomem parameter "
			    "(not the project's patched visl)");
		return;
	}
	VAConfigID cfg = make_config();
	if (cfg == VA_INVALID_ID ||
	    vaCreateSurfaces(dpy, VA_RT_FORMAT_YUV420, W, H, s, 3, NULL, 0)) {
		report(name, false, "setup");
		return;
	}
	va_visl_param("fault_capture_nomem", 1);
	VAStatus with_targets = vaCreateContext(dpy, cfg, W, H, VA_PROGRESSIVE,
						s, 3, &early);
	VAStatus created = vaCreateContext(dpy, cfg, W, H, VA_PROGRESSIVE,
					   NULL, 0, &late);
	VAStatus first = created ? created : decode(late, s[0], PIC_I, 0, 0, NULL);
	va_visl_param("fault_capture_nomem", 0);
	VAStatus second = created ? created : decode(late, s[0], PIC_I, 0, 0, NULL);
	if (!created)
		vaDestroyContext(dpy, late);
	bool ok = with_targets == VA_STATUS_ERROR_ALLOCATION_FAILED &&
		  !created && first == VA_STATUS_ERROR_ALLOCATION_FAILED &&
		  second == VA_STATUS_ERROR_OPERATION_FAILED;
	snprintf(why, sizeof(why), "with targets %s | deferred %s, again %s | ",
		 vaErrorStr(with_targets), vaErrorStr(first), vaErrorStr(second));
	if (!with_targets)
		vaDestroyContext(dpy, early);
	bool recovered = !vaCreateContext(dpy, cfg, W, H, VA_PROGRESSIVE, s, 3,
					  &again);
	if (recovered) {
		size_t len = strlen(why);
		recovered = decode_ipb(again, s, why + len, sizeof(why) - len);
		vaDestroyContext(dpy, again);
	}
	report(name, ok && recovered, "%s%s", why,
	       recovered ? "then decodes" : "no recovery");
	vaDestroySurfaces(dpy, s, 3);
	vaDestroyConfig(dpy, cfg);
}

/* ------------------------------------------------------------------ */
/* Profiles, decode modes, surface attributes and image formats.       */

static bool has_profile(VAProfile p)
{
	VAProfile list[32];
	int n = 0;

	vaQueryConfigProfiles(dpy, list, &n);
	for (int i = 0; i < n; i++)
		if (list[i] == p)
			return true;
	return false;
}

/* Every listed profile gets a config and a context: a codec whose device
 * makes no picture format the driver knows is not listed at all. */
static void test_every_profile_makes_a_context(void)
{
	VAProfile list[32];
	int n = 0;
	char why[256] = "";
	bool ok = true;

	vaQueryConfigProfiles(dpy, list, &n);
	for (int i = 0; i < n; i++) {
		VAConfigID cfg;
		VAContextID ctx;
		VAStatus st = vaCreateConfig(dpy, list[i], VAEntrypointVLD, NULL,
					     0, &cfg);
		if (!st) {
			st = vaCreateContext(dpy, cfg, W, H, VA_PROGRESSIVE,
					     NULL, 0, &ctx);
			if (!st)
				vaDestroyContext(dpy, ctx);
			vaDestroyConfig(dpy, cfg);
		}
		if (st) {
			ok = false;
			snprintf(why + strlen(why), sizeof(why) - strlen(why),
				 "profile %d: %s; ", list[i], vaErrorStr(st));
		}
	}
	report("every-profile-makes-a-context", ok && n > 0, "%d profiles: %s",
	       n, why);
}

/* LIBVA_V4L2_REQUEST_DECODE_MODE on a fresh display: the H.264 context's
 * info line says which mode it got. visl offers both modes, so both can
 * be forced; an unknown value is logged and the default used. */
/* visl's platform driver, bound to its one device (visl.0) or not. */
static bool visl_bind(bool bind)
{
	const char *path = bind ? "/sys/bus/platform/drivers/visl/bind" :
				  "/sys/bus/platform/drivers/visl/unbind";
	FILE *f = fopen(path, "w");

	if (!f)
		return false;
	bool ok = fputs("visl.0", f) >= 0;
	ok = fclose(f) == 0 && ok;
	for (int i = 0; ok && bind && i < 100; i++) {
		if (access(device, F_OK) == 0 && access("/dev/video0", F_OK) == 0)
			return true;
		usleep(50 * 1000);
	}
	return ok && !bind;
}

/* The device goes away in the middle of a decode (visl unbound from its
 * driver): every call that needs it fails, within the driver's timeout and
 * without a crash; the context is destroyed cleanly; once the device is
 * back, a new context on the same display decodes again. Run alone
 * (--device-loss: tests/guest/device-loss.test), as it takes the device
 * away from everything else. */
static void test_device_loss(void)
{
	char why[128] = "";
	VAConfigID cfg = make_config();
	VAContextID ctx;
	VASurfaceID s[4];
	VAStatus st = VA_STATUS_ERROR_UNKNOWN;

	bool ok = cfg != VA_INVALID_ID &&
		  !vaCreateSurfaces(dpy, VA_RT_FORMAT_YUV420, W, H, s, 4, NULL, 0) &&
		  !vaCreateContext(dpy, cfg, W, H, VA_PROGRESSIVE, s, 4, &ctx) &&
		  decode_ipb(ctx, s, why, sizeof(why));
	report("device-loss-setup", ok, "%s", why);
	if (!ok)
		return;
	/* A picture in flight (visl takes a while with each), then the
	 * device goes. */
	va_visl_param("visl_transtime_ms", 300);
	VAStatus inflight = decode(ctx, s[3], PIC_P, s[1], 0, NULL);
	bool unbound = visl_bind(false);
	double t0 = now();
	VAStatus sync = vaSyncSurface(dpy, s[3]);
	VAStatus next = decode(ctx, s[0], PIC_I, 0, 0, NULL);
	/* A context made meanwhile has no device to open. */
	VASurfaceID t[2];
	VAContextID other = VA_INVALID_ID;
	VAStatus made = vaCreateSurfaces(dpy, VA_RT_FORMAT_YUV420, W, H, t, 2,
					 NULL, 0);
	if (!made)
		made = vaCreateContext(dpy, cfg, W, H, VA_PROGRESSIVE, t, 2, &other);
	double took = now() - t0;
	va_visl_param("visl_transtime_ms", 0);
	report("device-loss-fails-every-call", unbound && !inflight &&
	       sync != VA_STATUS_SUCCESS && next != VA_STATUS_SUCCESS &&
	       made != VA_STATUS_SUCCESS && took < 10,
	       "unbound %d; in flight %s; its sync %s; next picture %s; a new "
	       "context %s; %.1f s", unbound, vaErrorStr(inflight),
	       vaErrorStr(sync), vaErrorStr(next), vaErrorStr(made), took);
	if (other != VA_INVALID_ID)
		vaDestroyContext(dpy, other);
	vaDestroySurfaces(dpy, t, 2);
	report("device-loss-says-so", strstr(va_log_text(), "the decoder is gone") != NULL,
	       "no 'the decoder is gone' in the driver's messages");
	uint8_t *img = get_nv12(s[1]);	/* memory still mapped: no crash */
	free(img);
	st = vaDestroyContext(dpy, ctx);
	report("device-loss-context-destroyed", st == VA_STATUS_SUCCESS, "%s",
	       vaErrorStr(st));

	/* Back: a new context on the same display decodes. */
	bool bound = visl_bind(true);
	why[0] = '\0';
	st = bound ? vaCreateContext(dpy, cfg, W, H, VA_PROGRESSIVE, s, 4, &ctx) :
		     (VAStatus)VA_STATUS_ERROR_UNKNOWN;
	ok = !st && decode_ipb(ctx, s, why, sizeof(why));
	report("device-back-decodes", bound && ok, "bound %d; %s %s", bound,
	       vaErrorStr(st), why);
	if (!st)
		vaDestroyContext(dpy, ctx);
	vaDestroySurfaces(dpy, s, 4);
	vaDestroyConfig(dpy, cfg);
}

/* Picture buffers added while pictures are references: a picture decoded
 * before the growth is still one after it (FFmpeg 7 grows its pool so
 * when its pipeline holds more frames). The driver says, at info level,
 * that it added buffers, and never that a reference was never decoded. */
static void test_growth_keeps_references(void)
{
	char why[128] = "";
	VAConfigID cfg = VA_INVALID_ID;
	VAContextID ctx = VA_INVALID_ID;
	VASurfaceID g[28];
	unsigned n = 0;

	close_display();
	setenv("LIBVA_V4L2_REQUEST_LOG_LEVEL", "2", 1);
	bool ok = open_display();
	unsetenv("LIBVA_V4L2_REQUEST_LOG_LEVEL");
	ok = ok && (cfg = make_config()) != VA_INVALID_ID &&
	     !vaCreateContext(dpy, cfg, W, H, VA_PROGRESSIVE, NULL, 0, &ctx) &&
	     !vaCreateSurfaces(dpy, VA_RT_FORMAT_YUV420, W, H, g, 3, NULL, 0);
	if (ok)
		n = 3;
	ok = ok && decode_ipb(ctx, g, why, sizeof(why));
	uint8_t *before = ok ? get_nv12(g[1]) : NULL;
	/* 28 surfaces > the 24 picture buffers made for such a context; the
	 * last one predicted from g[1], decoded before the growth. */
	va_log_clear();
	ok = ok && !vaCreateSurfaces(dpy, VA_RT_FORMAT_YUV420, W, H, g + 3, 25,
				     NULL, 0);
	if (ok)
		n = 28;
	for (unsigned i = 3; ok && i < 27; i++)
		ok = !decode(ctx, g[i], PIC_I, 0, 0, NULL);
	VAStatus st = ok ? decode(ctx, g[27], PIC_P, g[1], 0, NULL) :
			   (VAStatus)VA_STATUS_ERROR_UNKNOWN;
	ok = ok && !st && !vaSyncSurface(dpy, g[27]);
	uint8_t *after = ok ? get_nv12(g[1]) : NULL;
	bool added = strstr(va_log_text(), "picture buffers added") != NULL;
	bool lost = strstr(va_log_text(), "never decoded") != NULL;
	report("growth-keeps-references", ok && added && !lost && before &&
	       after && !memcmp(before, after, W * H * 3 / 2),
	       "%s %s; buffers added logged: %s; a reference lost: %s",
	       vaErrorStr(st), why, added ? "yes" : "no", lost ? "yes" : "no");
	free(before);
	free(after);
	if (ctx != VA_INVALID_ID)
		vaDestroyContext(dpy, ctx);
	if (n)
		vaDestroySurfaces(dpy, g, (int)n);
	if (cfg != VA_INVALID_ID)
		vaDestroyConfig(dpy, cfg);
}

static void test_decode_mode(const char *value, const char *want,
			     const char *want_log)
{
	char name[64];
	VAConfigID cfg = VA_INVALID_ID;
	VAContextID ctx;

	snprintf(name, sizeof(name), "decode-mode-%s", value);
	close_display();
	setenv("LIBVA_V4L2_REQUEST_DECODE_MODE", value, 1);
	setenv("LIBVA_V4L2_REQUEST_LOG_LEVEL", "2", 1);
	va_log_clear();
	bool ok = open_display();
	unsetenv("LIBVA_V4L2_REQUEST_DECODE_MODE");
	unsetenv("LIBVA_V4L2_REQUEST_LOG_LEVEL");
	if (!ok || !has_profile(VAProfileH264Main)) {
		report(name, false, "%s", ok ? "no H.264 Main profile" :
					       "vaInitialize");
		return;
	}
	VAStatus st = vaCreateConfig(dpy, VAProfileH264Main, VAEntrypointVLD,
				     NULL, 0, &cfg);
	if (!st)
		st = vaCreateContext(dpy, cfg, W, H, VA_PROGRESSIVE, NULL, 0,
				     &ctx);
	bool have_ctx = !st;
	/* Its first surface makes the context choose its capture format and
	 * allocate: the context line is logged then. */
	VASurfaceID surface = VA_INVALID_SURFACE;
	if (!st)
		st = vaCreateSurfaces(dpy, VA_RT_FORMAT_YUV420, W, H, &surface,
				      1, NULL, 0);
	const char *line = strstr(va_log_text(), "context 320x240 h264:");
	const char *end = line ? strchr(line, '\n') : NULL;
	char got[256] = "no context line";
	if (line)
		snprintf(got, sizeof(got), "%.*s",
			 (int)(end ? end - line : (long)strlen(line)), line);
	report(name, !st && strstr(got, want) &&
		       (!want_log || strstr(va_log_text(), want_log)),
	       "%s; '%s'%s%s", vaErrorStr(st), got,
	       want_log ? ", no log line " : "", want_log ? want_log : "");
	if (surface != VA_INVALID_SURFACE)
		vaDestroySurfaces(dpy, &surface, 1);
	if (have_ctx)
		vaDestroyContext(dpy, ctx);
	if (cfg != VA_INVALID_ID)
		vaDestroyConfig(dpy, cfg);
}

static VAStatus create_surfaces(unsigned rt, uint32_t fourcc, uint32_t mem,
				VASurfaceID *s, unsigned n)
{
	VASurfaceAttrib a[2];
	unsigned na = 0;

	if (mem)
		a[na++] = (VASurfaceAttrib){
			.type = VASurfaceAttribMemoryType,
			.flags = VA_SURFACE_ATTRIB_SETTABLE,
			.value = { .type = VAGenericValueTypeInteger,
				   .value.i = (int)mem },
		};
	if (fourcc)
		a[na++] = (VASurfaceAttrib){
			.type = VASurfaceAttribPixelFormat,
			.flags = VA_SURFACE_ATTRIB_SETTABLE,
			.value = { .type = VAGenericValueTypeInteger,
				   .value.i = (int)fourcc },
		};
	return vaCreateSurfaces(dpy, rt, W, H, s, n, na ? a : NULL, na);
}

/* The VA fourcc of a decoded surface's own memory (vaDeriveImage), 0 when
 * it cannot be derived. */
static uint32_t derived_fourcc(VASurfaceID s)
{
	VAImage img;

	if (vaDeriveImage(dpy, s, &img))
		return 0;
	uint32_t f = img.format.fourcc;
	vaDestroyImage(dpy, img.image_id);
	return f;
}

/* The picture as vaGetImage gives it in an image of this format (NV12 or
 * I420), returned as tightly packed NV12 so that the two compare. */
static uint8_t *get_as_nv12(VASurfaceID s, uint32_t fourcc)
{
	VAImageFormat f = { .fourcc = fourcc, .byte_order = VA_LSB_FIRST,
			    .bits_per_pixel = 12 };
	VAImage img;
	void *p;
	uint8_t *out = NULL;

	if (fourcc == VA_FOURCC_NV12)
		return get_nv12(s);
	if (fourcc != VA_FOURCC_I420 || vaCreateImage(dpy, &f, W, H, &img))
		return NULL;
	if (!vaGetImage(dpy, s, 0, 0, W, H, img.image_id) &&
	    !vaMapBuffer(dpy, img.buf, &p) && (out = malloc(W * H * 3 / 2))) {
		const uint8_t *b = p;
		for (int y = 0; y < H; y++)
			memcpy(out + y * W, b + img.offsets[0] +
					    (size_t)y * img.pitches[0], W);
		for (int y = 0; y < H / 2; y++)
			for (int x = 0; x < W / 2; x++) {
				uint8_t *uv = out + W * H + y * W + 2 * x;
				uv[0] = b[img.offsets[1] + (size_t)y * img.pitches[1] + x];
				uv[1] = b[img.offsets[2] + (size_t)y * img.pitches[2] + x];
			}
	}
	if (out)
		vaUnmapBuffer(dpy, img.buf);
	vaDestroyImage(dpy, img.image_id);
	return out;
}

/* A decoded surface reads back the same in every image format, whatever
 * format its memory holds. */
static bool readback_agrees(VASurfaceID s, char *why, size_t why_size)
{
	uint8_t *nv12 = get_as_nv12(s, VA_FOURCC_NV12);
	uint8_t *i420 = get_as_nv12(s, VA_FOURCC_I420);
	bool drawn = false, ok;

	for (int i = 0; nv12 && i < W * H; i++)
		drawn |= nv12[i] != nv12[0];
	ok = nv12 && i420 && drawn && !memcmp(nv12, i420, W * H * 3 / 2);
	if (!ok)
		snprintf(why, why_size, "%s", !nv12 || !i420 ? "vaGetImage failed" :
			 !drawn ? "no picture" : "NV12 and I420 images differ");
	free(nv12);
	free(i420);
	return ok;
}

/* Every order of calls clients use (FFmpeg 5.1: surfaces first, named in
 * vaCreateContext; FFmpeg 6.1+ and GStreamer: the context first, surfaces
 * one by one afterwards; Kodi: several pools), with or without a pixel
 * format, decodes: a surface is never refused as a target for its format.
 * The format asked for is honoured when the context's first surface asks
 * it; a surface of another format reads back converted. */
static void test_client_orders(VAConfigID cfg, const uint32_t *formats,
			       unsigned n_formats)
{
	char name[96], why[128];
	VAStatus st;

	for (unsigned f = 0; f < n_formats; f++) {
		VAContextID ctx;
		VASurfaceID s[3];
		uint32_t got = 0;
		why[0] = '\0';
		snprintf(name, sizeof(name),
			 "context-first-surface-format-%.4s-honoured",
			 (const char *)&formats[f]);
		st = vaCreateContext(dpy, cfg, W, H, VA_PROGRESSIVE, NULL, 0, &ctx);
		bool ok = !st;
		for (int i = 0; ok && i < 3; i++)	/* one at a time, as FFmpeg 7 */
			ok = !create_surfaces(VA_RT_FORMAT_YUV420, formats[f],
					      VA_SURFACE_ATTRIB_MEM_TYPE_VA, &s[i], 1);
		ok = ok && decode_ipb(ctx, s, why, sizeof(why));
		if (ok)
			got = derived_fourcc(s[1]);
		ok = ok && got == formats[f] && readback_agrees(s[1], why, sizeof(why));
		report(name, ok, "%s %s, derived %.4s", vaErrorStr(st), why,
		       (const char *)&got);
		if (!st)
			vaDestroyContext(dpy, ctx);
		vaDestroySurfaces(dpy, s, 3);
	}

	/* No format asked for: the first listed (GStreamer picks it). */
	VAContextID gctx = VA_INVALID_ID;
	VASurfaceID g[3];
	uint32_t got = 0;
	why[0] = '\0';
	st = vaCreateContext(dpy, cfg, W, H, VA_PROGRESSIVE, NULL, 0, &gctx);
	bool have_g = !st && !create_surfaces(VA_RT_FORMAT_YUV420, 0, 0, g, 3);
	bool ok = have_g && n_formats && decode_ipb(gctx, g, why, sizeof(why));
	if (ok)
		got = derived_fourcc(g[1]);
	report("context-first-makes-first-listed-format",
	       ok && got == formats[0], "%s %s, derived %.4s", vaErrorStr(st),
	       why, (const char *)&got);

	/* A second pool of another listed format, after the context: its
	 * surfaces are targets, referencing the first pool's pictures; they
	 * cannot be derived (their memory is not what they asked for) and
	 * read back converted. */
	if (ok && n_formats > 1) {
		VASurfaceID other[2], mix[3];
		VAImage img;
		why[0] = '\0';
		st = create_surfaces(VA_RT_FORMAT_YUV420, formats[1], 0, other, 2);
		mix[0] = g[0];
		mix[1] = other[0];
		mix[2] = other[1];
		bool dec = !st && decode_ipb(gctx, mix, why, sizeof(why));
		VAStatus d = dec ? vaDeriveImage(dpy, other[0], &img) :
				   (VAStatus)VA_STATUS_ERROR_UNKNOWN;
		if (d == VA_STATUS_SUCCESS)
			vaDestroyImage(dpy, img.image_id);
		report("surface-of-another-format-is-a-target",
		       dec && d == VA_STATUS_ERROR_OPERATION_FAILED &&
			       readback_agrees(other[0], why, sizeof(why)),
		       "%s %s, derive %s", vaErrorStr(st), why, vaErrorStr(d));
		if (!st)
			vaDestroySurfaces(dpy, other, 2);

		/* Render targets of two formats in one vaCreateContext. */
		VASurfaceID mixed[3];
		VAContextID mctx;
		why[0] = '\0';
		st = create_surfaces(VA_RT_FORMAT_YUV420, formats[1], 0, mixed, 1);
		if (!st)
			st = create_surfaces(VA_RT_FORMAT_YUV420, formats[0], 0,
					     mixed + 1, 2);
		VAStatus m = st ? st : vaCreateContext(dpy, cfg, W, H, VA_PROGRESSIVE,
							mixed, 3, &mctx);
		bool mok = !m && decode_ipb(mctx, mixed, why, sizeof(why)) &&
			   derived_fourcc(mixed[0]) == formats[1] &&
			   readback_agrees(mixed[2], why, sizeof(why));
		report("render-targets-of-two-formats", mok, "%s %s",
		       vaErrorStr(m), why);
		if (!m)
			vaDestroyContext(dpy, mctx);
		vaDestroySurfaces(dpy, mixed, 3);
	}
	if (have_g)
		vaDestroySurfaces(dpy, g, 3);
	vaDestroyContext(dpy, gctx);
}

/* What vaQuerySurfaceAttributes advertises, vaCreateSurfaces accepts: VA
 * memory only, and each listed pixel format, which a context then makes.
 * Formats no decoder makes nor vaGetImage converts to, and imported
 * memory, are refused. */
static void test_surface_attributes(VAConfigID cfg)
{
	VASurfaceAttrib attrs[32];
	unsigned n = 32;
	uint32_t formats[8];
	unsigned n_formats = 0;
	int mem = -1;
	uint32_t mem_flags = 0;
	VAStatus st = vaQuerySurfaceAttributes(dpy, cfg, attrs, &n);

	for (unsigned i = 0; !st && i < n; i++) {
		if (attrs[i].type == VASurfaceAttribMemoryType) {
			mem = attrs[i].value.value.i;
			mem_flags = attrs[i].flags;
		}
		if (attrs[i].type == VASurfaceAttribPixelFormat && n_formats < 8)
			formats[n_formats++] = (uint32_t)attrs[i].value.value.i;
	}
	/* VA memory, exportable as DRM PRIME 2 (GStreamer's DMABuf output
	 * needs the bit); not settable, since nothing can be imported. */
	report("surface-memory-types-match-create-surfaces",
	       !st && mem == (VA_SURFACE_ATTRIB_MEM_TYPE_VA |
			      VA_SURFACE_ATTRIB_MEM_TYPE_DRM_PRIME_2) &&
		       mem_flags == VA_SURFACE_ATTRIB_GETTABLE,
	       "%s, memory types 0x%x, flags 0x%x", vaErrorStr(st), mem,
	       mem_flags);

	/* Each listed format, as FFmpeg asks (memory type VA, the format),
	 * named as render targets: the context makes that format. */
	for (unsigned f = 0; f < n_formats; f++) {
		char name[64], why[128] = "";
		VASurfaceID s[3];
		VAContextID ctx;
		uint32_t got = 0;
		snprintf(name, sizeof(name), "surface-pixel-format-%.4s-honoured",
			 (const char *)&formats[f]);
		st = create_surfaces(VA_RT_FORMAT_YUV420, formats[f],
				     VA_SURFACE_ATTRIB_MEM_TYPE_VA, s, 3);
		if (st) {
			report(name, false, "vaCreateSurfaces: %s", vaErrorStr(st));
			continue;
		}
		st = vaCreateContext(dpy, cfg, W, H, VA_PROGRESSIVE, s, 3, &ctx);
		bool ok = !st && decode_ipb(ctx, s, why, sizeof(why));
		if (ok)
			got = derived_fourcc(s[1]);
		report(name, ok && got == formats[f], "%s %s, derived %.4s",
		       vaErrorStr(st), why, (const char *)&got);
		if (!st)
			vaDestroyContext(dpy, ctx);
		vaDestroySurfaces(dpy, s, 3);
	}

	test_client_orders(cfg, formats, n_formats);

	/* Refusals: a format neither decoded nor converted to, one of another
	 * RT format, imported memory. */
	VASurfaceID x;
	VAStatus a = create_surfaces(VA_RT_FORMAT_YUV420, VA_FOURCC_YUY2, 0, &x, 1);
	if (!a)
		vaDestroySurfaces(dpy, &x, 1);
	VAStatus b = create_surfaces(VA_RT_FORMAT_YUV420, VA_FOURCC_P010, 0, &x, 1);
	if (!b)
		vaDestroySurfaces(dpy, &x, 1);
	report("surface-pixel-format-not-produced-refused",
	       a == VA_STATUS_ERROR_UNSUPPORTED_RT_FORMAT &&
		       b == VA_STATUS_ERROR_UNSUPPORTED_RT_FORMAT,
	       "YUY2 %s, P010 for YUV420 %s", vaErrorStr(a), vaErrorStr(b));
	a = create_surfaces(VA_RT_FORMAT_YUV420, 0,
			    VA_SURFACE_ATTRIB_MEM_TYPE_DRM_PRIME_2, &x, 1);
	if (!a)
		vaDestroySurfaces(dpy, &x, 1);
	VADRMPRIMESurfaceDescriptor desc;
	memset(&desc, 0, sizeof(desc));
	VASurfaceAttrib ext = {
		.type = VASurfaceAttribExternalBufferDescriptor,
		.flags = VA_SURFACE_ATTRIB_SETTABLE,
		.value = { .type = VAGenericValueTypePointer, .value.p = &desc },
	};
	b = vaCreateSurfaces(dpy, VA_RT_FORMAT_YUV420, W, H, &x, 1, &ext, 1);
	if (!b)
		vaDestroySurfaces(dpy, &x, 1);
	report("surface-import-refused",
	       a == VA_STATUS_ERROR_UNSUPPORTED_MEMORY_TYPE &&
		       b == VA_STATUS_ERROR_UNSUPPORTED_MEMORY_TYPE,
	       "memory type DRM PRIME 2 %s, external descriptor %s",
	       vaErrorStr(a), vaErrorStr(b));
}

/* Every image format vaQueryImageFormats lists can be created and filled
 * by vaGetImage from a decoded 8-bit picture (P010 needs a 10-bit one). */
static void test_image_formats(VASurfaceID s)
{
	VAImageFormat list[16];
	int n = 0;
	char why[256] = "";
	bool ok = !vaQueryImageFormats(dpy, list, &n) && n > 0;

	for (int i = 0; ok && i < n; i++) {
		VAImage img;
		uint32_t f = list[i].fourcc;
		VAStatus st = vaCreateImage(dpy, &list[i], W, H, &img);
		if (!st) {
			if (f != VA_FOURCC_P010)
				st = vaGetImage(dpy, s, 0, 0, W, H, img.image_id);
			vaDestroyImage(dpy, img.image_id);
		}
		if (st || f == VA_FOURCC_YV12) {
			ok = false;
			snprintf(why, sizeof(why), "%.4s: %s", (const char *)&f,
				 f == VA_FOURCC_YV12 ? "listed" : vaErrorStr(st));
		}
	}
	report("image-formats-listed-can-be-filled", ok, "%d formats: %s", n,
	       why);
}

/* ------------------------------------------------------------------ */
/* Start-up probes: Kodi exports a never-decoded 1920x1080 NV12 surface
 * (separate layers, read-only) to check that EGL imports it without a
 * modifier; mpv exports a 128x128 surface of each format a config lists.
 * No context exists yet. The layout exported then must be the one the
 * surface has once decoded into. */

static int open_fds(void)
{
	int n = 0;
	char path[64];

	for (int fd = 0; fd < 4096; fd++) {
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		n += access(path, F_OK) == 0;
	}
	return n;
}

static bool same_layout(const VADRMPRIMESurfaceDescriptor *a,
			const VADRMPRIMESurfaceDescriptor *b)
{
	if (a->fourcc != b->fourcc || a->num_objects != b->num_objects ||
	    a->num_layers != b->num_layers)
		return false;
	for (uint32_t i = 0; i < a->num_objects; i++)
		if (a->objects[i].size != b->objects[i].size ||
		    a->objects[i].drm_format_modifier !=
			    b->objects[i].drm_format_modifier)
			return false;
	for (uint32_t i = 0; i < a->num_layers; i++)
		if (a->layers[i].drm_format != b->layers[i].drm_format ||
		    a->layers[i].num_planes != b->layers[i].num_planes ||
		    a->layers[i].offset[0] != b->layers[i].offset[0] ||
		    a->layers[i].pitch[0] != b->layers[i].pitch[0] ||
		    a->layers[i].object_index[0] != b->layers[i].object_index[0])
			return false;
	return true;
}

static void test_export_probes(VAConfigID cfg)
{
	VASurfaceID s;
	VADRMPRIMESurfaceDescriptor d;
	VAStatus st;
	VASurfaceAttrib nv12 = {
		.type = VASurfaceAttribPixelFormat,
		.flags = VA_SURFACE_ATTRIB_SETTABLE,
		.value = { .type = VAGenericValueTypeInteger,
			   .value.i = VA_FOURCC_NV12 },
	};

	/* Kodi: linear (modifier 0, which EGL assumes without one), one R8
	 * and one GR88 layer. */
	st = vaCreateSurfaces(dpy, VA_RT_FORMAT_YUV420, 1920, 1080, &s, 1, &nv12, 1);
	if (!st) {
		st = va_export_layers(dpy, s, &d);
		bool ok = !st && d.num_layers == 2 && d.fourcc == VA_FOURCC_NV12 &&
			  d.layers[0].drm_format == DRM_R8 &&
			  d.layers[1].drm_format == DRM_GR88 &&
			  d.objects[0].drm_format_modifier == 0 &&
			  d.layers[0].pitch[0] >= 1920 &&
			  d.layers[1].offset[0] + d.layers[1].pitch[0] * 540 <=
				  d.objects[d.layers[1].object_index[0]].size;
		report("kodi-export-probe-1080p-nv12-linear", ok,
		       "%s, %u layers, modifier 0x%llx", vaErrorStr(st),
		       d.num_layers, (unsigned long long)d.objects[0].drm_format_modifier);
		va_close_export(&d);
		vaDestroySurfaces(dpy, &s, 1);
	} else {
		report("kodi-export-probe-1080p-nv12-linear", false,
		       "vaCreateSurfaces: %s", vaErrorStr(st));
	}

	/* mpv: each listed format at 128x128. */
	VASurfaceAttrib attrs[32];
	unsigned n = 32;
	bool ok = !vaQuerySurfaceAttributes(dpy, cfg, attrs, &n);
	char why[160] = "";
	for (unsigned i = 0; ok && i < n; i++) {
		if (attrs[i].type != VASurfaceAttribPixelFormat)
			continue;
		VASurfaceAttrib a = attrs[i];
		a.flags = VA_SURFACE_ATTRIB_SETTABLE;
		uint32_t fourcc = (uint32_t)a.value.value.i;
		VADRMPRIMESurfaceDescriptor c;
		memset(&c, 0, sizeof(c));
		if ((st = vaCreateSurfaces(dpy, VA_RT_FORMAT_YUV420, 128, 128, &s,
					   1, &a, 1)) ||
		    (st = vaExportSurfaceHandle(dpy, s,
						VA_SURFACE_ATTRIB_MEM_TYPE_DRM_PRIME_2,
						VA_EXPORT_SURFACE_READ_ONLY |
							VA_EXPORT_SURFACE_COMPOSED_LAYERS,
						&c))) {
			snprintf(why, sizeof(why), "%.4s: %s", (const char *)&fourcc,
				 vaErrorStr(st));
			ok = false;
		} else if (c.fourcc != fourcc) {
			snprintf(why, sizeof(why), "%.4s surface exported as %.4s",
				 (const char *)&fourcc, (const char *)&c.fourcc);
			ok = false;
		}
		va_close_export(&c);
		if (s != VA_INVALID_SURFACE)
			vaDestroySurfaces(dpy, &s, 1);
		s = VA_INVALID_SURFACE;
	}
	report("mpv-export-probe-every-listed-format", ok, "%s", why);

	/* The layout exported before any context is the decoded one; the
	 * DMABUF then holds what vaGetImage gives. */
	VADRMPRIMESurfaceDescriptor before, after;
	VASurfaceID t[3];
	VAContextID ctx;
	why[0] = '\0';
	ok = !vaCreateSurfaces(dpy, VA_RT_FORMAT_YUV420, W, H, t, 3, &nv12, 1) &&
	     !va_export_layers(dpy, t[1], &before);
	va_close_export(&before);
	ok = ok && !vaCreateContext(dpy, cfg, W, H, VA_PROGRESSIVE, t, 3, &ctx);
	ok = ok && decode_ipb(ctx, t, why, sizeof(why)) &&
	     !va_export_layers(dpy, t[1], &after);
	bool same = ok && same_layout(&before, &after);
	uint8_t *ref = ok ? get_nv12(t[1]) : NULL;
	bool pixels = false;
	if (same && ref) {
		uint32_t off[2] = { after.layers[0].offset[0], after.layers[1].offset[0] };
		uint32_t pitch[2] = { after.layers[0].pitch[0], after.layers[1].pitch[0] };
		uint32_t obj = after.layers[0].object_index[0];
		void *m = mmap(NULL, after.objects[obj].size, PROT_READ, MAP_SHARED,
			       after.objects[obj].fd, 0);
		pixels = m != MAP_FAILED && after.num_objects == 1 &&
			 planes_equal(ref, m, off, pitch);
		if (m != MAP_FAILED)
			munmap(m, after.objects[obj].size);
	}
	if (ok)
		va_close_export(&after);
	report("export-before-context-is-the-decoded-layout", same && pixels,
	       "%s%s", why, !ok ? "" : !same ? "layouts differ" :
				   "DMABUF differs from vaGetImage");
	free(ref);
	if (ok)
		vaDestroyContext(dpy, ctx);
	vaDestroySurfaces(dpy, t, 3);

	/* Probes release what they took: no fd left behind. */
	int fds = open_fds();
	for (int i = 0; i < 20; i++) {
		if (vaCreateSurfaces(dpy, VA_RT_FORMAT_YUV420, 128, 128, &s, 1,
				     &nv12, 1))
			break;
		if (!va_export_layers(dpy, s, &d))
			va_close_export(&d);
		vaDestroySurfaces(dpy, &s, 1);
	}
	int now = open_fds();
	report("export-probes-leak-nothing", now == fds, "%d fds before, %d after",
	       fds, now);
}

int main(int argc, char **argv)
{
	char why[128] = "";
	VAStatus st;

	bool device_loss = argc > 1 && !strcmp(argv[1], "--device-loss");

	if (argc > 1 && !device_loss)
		device = argv[1];
	if (device_loss)
		setenv("LIBVA_V4L2_REQUEST_SYNC_TIMEOUT_MS", "3000", 1);
	if (!open_display()) {
		fprintf(stderr, "cannot initialise VA on %s with the v4l2_request "
			"driver\n", device);
		return 77;
	}
	VAProfile profiles[32];
	int n = 0;
	bool mpeg2 = false;
	vaQueryConfigProfiles(dpy, profiles, &n);
	for (int i = 0; i < n; i++)
		mpeg2 |= profiles[i] == VAProfileMPEG2Main;
	if (!mpeg2) {
		fprintf(stderr, "no MPEG-2 Main profile: nothing to test\n");
		return 77;
	}
	if (device_loss) {
		test_device_loss();
		close_display();	/* vaTerminate after it all */
		return report_summary();
	}
	VAConfigID cfg = make_config();
	test_export_probes(cfg);

	/* FFmpeg's order: surfaces first, named in vaCreateContext. */
	VASurfaceID s[4];
	VAContextID ctx;
	bool ok = cfg != VA_INVALID_ID &&
		  !vaCreateSurfaces(dpy, VA_RT_FORMAT_YUV420, W, H, s, 4, NULL, 0);
	VAImage probe;
	/* A fresh surface has no memory yet: deriving fails cleanly. */
	st = ok ? vaDeriveImage(dpy, s[3], &probe) : (VAStatus)VA_STATUS_ERROR_UNKNOWN;
	report("derive-before-context-fails-cleanly",
	       st == VA_STATUS_ERROR_OPERATION_FAILED, "%s", vaErrorStr(st));
	ok = ok && !vaCreateContext(dpy, cfg, W, H, VA_PROGRESSIVE, s, 4, &ctx);
	ok = ok && decode_ipb(ctx, s, why, sizeof(why));
	report("surfaces-then-context", ok, "%s", why);
	if (!ok)
		return 1;

	uint8_t *ref = get_nv12(s[1]);
	bool drawn = false;
	for (int i = 0; ref && i < W * H; i++)
		drawn |= ref[i] != ref[0];
	report("get-image", ref && drawn, "no picture");
	if (ref)
		test_images_and_export(s[1], ref);
	test_image_formats(s[1]);

	/* The same pictures in a new context give the same bytes. */
	vaDestroyContext(dpy, ctx);
	ok = !vaCreateContext(dpy, cfg, W, H, VA_PROGRESSIVE, s, 4, &ctx) &&
	     decode_ipb(ctx, s, why, sizeof(why));
	uint8_t *again = ok ? get_nv12(s[1]) : NULL;
	report("same-stream-same-pictures", ok && ref && again &&
	       !memcmp(ref, again, W * H * 3 / 2), "%s", why);
	free(again);

	test_bad_input(ctx, s, cfg);
	vaDestroyContext(dpy, ctx);
	test_buffers_destroyed_before_end(cfg);

	/* GStreamer's order: the context first, surfaces afterwards, more of
	 * them than the context has picture buffers. */
	VAContextID gctx;
	VASurfaceID g[40];
	ok = !vaCreateContext(dpy, cfg, W, H, VA_PROGRESSIVE, NULL, 0, &gctx) &&
	     !vaCreateSurfaces(dpy, VA_RT_FORMAT_YUV420, W, H, g, 3, NULL, 0);
	VADRMPRIMESurfaceDescriptor d;
	memset(&d, 0, sizeof(d));
	st = ok ? vaExportSurfaceHandle(dpy, g[2], VA_SURFACE_ATTRIB_MEM_TYPE_DRM_PRIME_2,
					VA_EXPORT_SURFACE_COMPOSED_LAYERS, &d) :
		  (VAStatus)VA_STATUS_ERROR_UNKNOWN;
	for (uint32_t i = 0; i < d.num_objects; i++)
		close(d.objects[i].fd);
	report("export-before-first-decode", st == VA_STATUS_SUCCESS, "%s",
	       vaErrorStr(st));
	ok = ok && decode_ipb(gctx, g, why, sizeof(why));
	report("context-then-surfaces", ok, "%s", why);
	uint8_t *before = get_nv12(g[1]);
	/* 27 surfaces > the 24 picture buffers made for such a context. */
	st = vaCreateSurfaces(dpy, VA_RT_FORMAT_YUV420, W, H, g + 3, 24, NULL, 0);
	VASurfaceID last[3] = { g[24], g[25], g[26] };
	ok = !st && decode_ipb(gctx, last, why, sizeof(why));
	uint8_t *after = get_nv12(g[1]);
	report("more-surfaces-than-picture-buffers", ok && before && after &&
	       !memcmp(before, after, W * H * 3 / 2), "%s %s", vaErrorStr(st), why);
	free(before);
	free(after);
	vaDestroyContext(dpy, gctx);
	vaDestroySurfaces(dpy, g, 27);

	test_threads(cfg);
	test_image_destroyed_while_got(cfg);
	vaDestroySurfaces(dpy, s, 4);
	test_surface_attributes(cfg);
	test_every_profile_makes_a_context();
	vaDestroyConfig(dpy, cfg);
	free(ref);

	test_growth_keeps_references();
	test_decode_mode("frame", "frame-based", NULL);
	test_decode_mode("slice", "slice-based", NULL);
	test_decode_mode("bogus", "frame-based",
			 "LIBVA_V4L2_REQUEST_DECODE_MODE=bogus");

	test_fault("kernel-refuses-a-request", "fault_refuse_every");
	test_fault("device-flags-an-error", "fault_error_every");
	test_fault("device-never-answers", "fault_hang_every");
	test_capture_memory_fault();
	close_display();

	return report_summary();
}
