/* Export on one personality of the patched visl (tests/guest/va-shapes.test):
 *
 *   va-shapes-export RENDER_NODE STREAM MODIFIER KODI
 *
 * MODIFIER: "linear" or "allwinner-tiled", the DRM modifier a decoded
 * surface of this device must be exported with; KODI: "linear" (Kodi's
 * start-up probe must get separate linear R8/GR88 layers) or "refused"
 * (the device has no linear format: the probe must fail with an error
 * message that says why).
 *
 *  - kodi-probe: Kodi's start-up check, before any context: a never-decoded
 *    1920x1080 NV12 surface exported READ_ONLY | SEPARATE_LAYERS (what
 *    va-egl imports into EGL; here the layout itself is checked, so that
 *    the check runs where the EGL import cannot);
 *  - export-composed: STREAM decoded by libavcodec's VA-API hwaccel on
 *    this display (any codec the device decodes, so rkvdec's H.264 too),
 *    the first and the last frame's surfaces exported READ_ONLY |
 *    COMPOSED_LAYERS: one NV12 layer (or I420 where the client asked for
 *    it and the device makes it), the expected modifier on every object;
 *  - export-equals-get-image: those DMABUFs mapped and, through the core's
 *    own v4l2r_convert_to_linear for a tiled modifier, equal to what
 *    vaGetImage gives;
 *  - export-is-tiled (tiled modifier only): the same bytes read as linear
 *    rows differ from vaGetImage, so the untiling was exercised.
 *
 *   va-shapes-export RENDER_NODE STREAM derive-p010
 *
 *  - derive-p010: STREAM (10-bit) decoded likewise on a device whose
 *    10-bit pictures are linear P010 already: vaDeriveImage of the first
 *    and the last frame's surfaces gives a P010 image of the surface's own
 *    memory, equal to what vaGetImage gives in a P010 image.
 * One line per case; exit 0 when all pass, 77 when the display or the
 * stream cannot be opened, 1 otherwise. */
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <drm_fourcc.h>
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/hwcontext.h>
#include <libavutil/hwcontext_vaapi.h>
#include <va/va.h>
#include <va/va_drm.h>
#include <va/va_drmcommon.h>

#include "v4l2r/format.h"

#include "report.h"
#include "va-common.h"

#ifndef DRM_FORMAT_MOD_ALLWINNER_TILED
#define DRM_FORMAT_MOD_ALLWINNER_TILED fourcc_mod_code(ALLWINNER, 1)
#endif

static VADisplay dpy;
/* The driver's error messages since the last clear (libva's callback). */
static char errors[4096];

static void on_error(void *ctx, const char *msg)
{
	size_t n = strlen(errors);

	(void)ctx;
	snprintf(errors + n, sizeof(errors) - n, "%s", msg);
	if (getenv("VA_SHAPES_VERBOSE"))
		fprintf(stderr, "%s", msg);
}

static void on_info(void *ctx, const char *msg)
{
	(void)ctx;
	if (getenv("VA_SHAPES_VERBOSE"))
		fprintf(stderr, "%s", msg);
}

/* Kodi's start-up probe. */
static void kodi_probe(bool want_linear)
{
	VASurfaceAttrib a = {
		.type = VASurfaceAttribPixelFormat,
		.flags = VA_SURFACE_ATTRIB_SETTABLE,
		.value = { .type = VAGenericValueTypeInteger,
			   .value.i = VA_FOURCC_NV12 },
	};
	VADRMPRIMESurfaceDescriptor d;
	VASurfaceID s;
	VAStatus st = vaCreateSurfaces(dpy, VA_RT_FORMAT_YUV420, 1920, 1080,
				       &s, 1, &a, 1);

	if (st) {
		report("kodi-probe", false, "vaCreateSurfaces: %s", vaErrorStr(st));
		return;
	}
	errors[0] = '\0';
	st = va_export_layers(dpy, s, &d);
	if (want_linear) {
		bool ok = st == VA_STATUS_SUCCESS && d.num_layers == 2 &&
			  d.layers[0].drm_format == DRM_FORMAT_R8 &&
			  d.layers[1].drm_format == DRM_FORMAT_GR88 &&
			  d.layers[0].pitch[0] >= 1920 &&
			  d.layers[1].pitch[0] >= 1920;
		for (unsigned i = 0; ok && i < d.num_objects; i++)
			ok = d.objects[i].drm_format_modifier == DRM_FORMAT_MOD_LINEAR;
		printf("  kodi-probe: %s, %u layers %.4s/%.4s, pitches %u/%u, "
		       "modifier 0x%llx\n", vaErrorStr(st), d.num_layers,
		       (const char *)&d.layers[0].drm_format,
		       (const char *)&d.layers[1].drm_format,
		       d.layers[0].pitch[0], d.layers[1].pitch[0],
		       (unsigned long long)d.objects[0].drm_format_modifier);
		report("kodi-probe-linear-layers", ok,
		       "%s, %u layers %.4s/%.4s, pitches %u/%u, modifier 0x%llx",
		       vaErrorStr(st), d.num_layers,
		       (const char *)&d.layers[0].drm_format,
		       (const char *)&d.layers[1].drm_format,
		       d.layers[0].pitch[0], d.layers[1].pitch[0],
		       (unsigned long long)d.objects[0].drm_format_modifier);
	} else {
		/* The message must name the reason: a tiled layout, whose
		 * modifier is defined for the whole picture only. */
		bool says = strstr(errors, "separate layers") &&
			    strstr(errors, "tiling modifier");
		char *nl = strchr(errors, '\n');
		if (nl)
			*nl = '\0';
		printf("  kodi-probe: %s; message: \"%s\"\n", vaErrorStr(st),
		       errors);
		report("kodi-probe-refused-clearly",
		       st != VA_STATUS_SUCCESS && says, "%s; message: \"%s\"",
		       vaErrorStr(st), errors);
	}
	if (st == VA_STATUS_SUCCESS)
		va_close_export(&d);
	vaDestroySurfaces(dpy, &s, 1);
}

/* An I420 surface exported before any context (mpv probes every listed
 * format; a client may ask for a format only vaGetImage gives): memory of
 * the device's own layout, I420 where the device makes it, else its NV12
 * (named so in the descriptor), never a failure. */
static void i420_probe(void)
{
	VASurfaceAttrib a = {
		.type = VASurfaceAttribPixelFormat,
		.flags = VA_SURFACE_ATTRIB_SETTABLE,
		.value = { .type = VAGenericValueTypeInteger,
			   .value.i = VA_FOURCC_I420 },
	};
	VADRMPRIMESurfaceDescriptor d;
	VASurfaceID s;
	VAStatus st = vaCreateSurfaces(dpy, VA_RT_FORMAT_YUV420, 128, 128,
				       &s, 1, &a, 1);

	if (st) {
		report("i420-probe-export", false, "vaCreateSurfaces: %s",
		       vaErrorStr(st));
		return;
	}
	memset(&d, 0, sizeof(d));
	st = vaExportSurfaceHandle(dpy, s, VA_SURFACE_ATTRIB_MEM_TYPE_DRM_PRIME_2,
				   VA_EXPORT_SURFACE_READ_ONLY |
					   VA_EXPORT_SURFACE_COMPOSED_LAYERS, &d);
	report("i420-probe-export", st == VA_STATUS_SUCCESS &&
	       (d.fourcc == VA_FOURCC_I420 || d.fourcc == VA_FOURCC_NV12) &&
	       d.num_layers == 1, "%s, exported as %.4s", vaErrorStr(st),
	       (const char *)&d.fourcc);
	if (st == VA_STATUS_SUCCESS)
		va_close_export(&d);
	vaDestroySurfaces(dpy, &s, 1);
}

/* The exported picture, made linear NV12 and tightly packed like
 * va_read_nv12; NULL when it cannot be mapped or converted (why says). */
static uint8_t *read_export(const VADRMPRIMESurfaceDescriptor *d,
			    bool as_linear, char *why, size_t why_size)
{
	const VADRMPRIMESurfaceDescriptor *e = d;
	const struct v4l2r_format_desc *desc =
		v4l2r_format_by_drm(e->layers[0].drm_format,
				    e->objects[0].drm_format_modifier);
	struct v4l2r_layout src = { 0 }, lin;
	const uint8_t *mem[V4L2R_MAX_PLANES] = { 0 };
	uint8_t *out = NULL;

	/* as_linear: the bytes read as if the layout were linear NV12 (for a
	 * tiled export, to show that its memory really is tiled). */
	if (desc && as_linear)
		desc = v4l2r_format_by_v4l2(desc->linear_fourcc ? desc->linear_fourcc :
							       desc->v4l2_fourcc);
	if (!desc) {
		snprintf(why, why_size, "no format for %.4s / 0x%llx",
			 (const char *)&e->layers[0].drm_format,
			 (unsigned long long)e->objects[0].drm_format_modifier);
		return NULL;
	}
	src.desc = desc;
	src.width = e->width;
	src.height = e->height;
	src.num_planes = e->layers[0].num_planes;
	src.mem_planes = e->num_objects;
	for (unsigned m = 0; m < e->num_objects; m++) {
		src.mem_size[m] = e->objects[m].size;
		mem[m] = mmap(NULL, e->objects[m].size, PROT_READ, MAP_SHARED,
			      e->objects[m].fd, 0);
		if (mem[m] == MAP_FAILED) {
			mem[m] = NULL;
			snprintf(why, why_size, "mmap of object %u failed", m);
		}
	}
	for (unsigned i = 0; i < src.num_planes; i++) {
		src.plane[i].mem_plane = e->layers[0].object_index[i];
		src.plane[i].offset = e->layers[0].offset[i];
		src.plane[i].stride = e->layers[0].pitch[i];
		src.plane[i].size = (uint32_t)(e->layers[0].pitch[i] *
				    v4l2r_format_plane_rows(desc, i, e->height));
	}
	const struct v4l2r_format_desc *to =
		v4l2r_format_by_v4l2(desc->linear_fourcc ? desc->linear_fourcc :
							    desc->v4l2_fourcc);
	if (to && !v4l2r_layout_linear(to, e->width, e->height, &lin)) {
		uint8_t *buf = calloc(1, lin.mem_size[0]);
		uint8_t *dst[V4L2R_MAX_PLANES] = { buf };
		int r = buf ? v4l2r_convert_to_linear(&src, mem, &lin, dst) : -1;

		if (r) {
			snprintf(why, why_size, "v4l2r_convert_to_linear: %d "
				 "(layout does not fit the exported objects?)", r);
		} else if ((out = malloc((size_t)e->width * e->height * 3 / 2))) {
			for (unsigned y = 0; y < e->height; y++)
				memcpy(out + (size_t)y * e->width,
				       buf + lin.plane[0].offset +
					       (size_t)y * lin.plane[0].stride,
				       e->width);
			uint8_t *chroma = out + (size_t)e->width * e->height;
			for (unsigned y = 0; y < e->height / 2; y++) {
				const uint8_t *u = buf + lin.plane[1].offset +
						   (size_t)y * lin.plane[1].stride;
				uint8_t *row = chroma + (size_t)y * e->width;
				if (lin.num_planes == 2) {
					memcpy(row, u, e->width);
					continue;
				}
				/* I420: U and V planes, interleaved as NV12's. */
				const uint8_t *v = buf + lin.plane[2].offset +
						   (size_t)y * lin.plane[2].stride;
				for (unsigned x = 0; x < e->width / 2; x++) {
					row[2 * x] = u[x];
					row[2 * x + 1] = v[x];
				}
			}
		}
		free(buf);
	}
	for (unsigned m = 0; m < e->num_objects; m++)
		if (mem[m])
			munmap((void *)mem[m], e->objects[m].size);
	return out;
}

static bool export_failed;
/* The modifier decoded surfaces must be exported with. */
static uint64_t modifier;

static void check_surface(VASurfaceID s, unsigned index)
{
	VADRMPRIMESurfaceDescriptor d;
	char name[64], why[256] = "";
	VAStatus st = vaSyncSurface(dpy, s);

	if (!st) {
		memset(&d, 0, sizeof(d));
		st = vaExportSurfaceHandle(dpy, s, VA_SURFACE_ATTRIB_MEM_TYPE_DRM_PRIME_2,
					   VA_EXPORT_SURFACE_READ_ONLY |
						   VA_EXPORT_SURFACE_COMPOSED_LAYERS,
					   &d);
	}
	snprintf(name, sizeof(name), "export-composed frame %u", index);
	/* NV12, or I420 where the device makes it (visl) and the client
	 * asked for it (FFmpeg 7 picks the stream's yuv420p). */
	bool nv12 = d.fourcc == VA_FOURCC_NV12 &&
		    d.layers[0].drm_format == DRM_FORMAT_NV12 &&
		    d.layers[0].num_planes == 2;
	bool i420 = d.fourcc == VA_FOURCC_I420 &&
		    d.layers[0].drm_format == DRM_FORMAT_YUV420 &&
		    d.layers[0].num_planes == 3 &&
		    modifier == DRM_FORMAT_MOD_LINEAR;
	bool ok = st == VA_STATUS_SUCCESS && d.num_layers == 1 &&
		  (nv12 || i420) && d.num_objects >= 1;
	for (unsigned i = 0; ok && i < d.num_objects; i++)
		ok = d.objects[i].drm_format_modifier == modifier;
	report(name, ok, "%s, VA %.4s, %u layer(s) %.4s, %u planes, modifier "
	       "0x%llx (want 0x%llx), pitches %u/%u", vaErrorStr(st),
	       (const char *)&d.fourcc, d.num_layers,
	       (const char *)&d.layers[0].drm_format, d.layers[0].num_planes,
	       (unsigned long long)d.objects[0].drm_format_modifier,
	       (unsigned long long)modifier, d.layers[0].pitch[0],
	       d.layers[0].pitch[1]);
	if (ok)
		printf("  %s, %u object(s), modifier 0x%llx, pitch %u, chroma at "
		       "%u\n", (const char *)&name[0], d.num_objects,
		       (unsigned long long)d.objects[0].drm_format_modifier,
		       d.layers[0].pitch[0], d.layers[0].offset[1]);
	if (!ok) {
		export_failed = true;
		if (st == VA_STATUS_SUCCESS)
			va_close_export(&d);
		return;
	}
	uint8_t *mapped = read_export(&d, false, why, sizeof(why));
	uint8_t *ref = va_read_nv12(dpy, s, d.width, d.height);
	size_t size = (size_t)d.width * d.height * 3 / 2;

	snprintf(name, sizeof(name), "export-equals-get-image frame %u", index);
	if (mapped && ref && !memcmp(mapped, ref, size)) {
		report(name, true, "%ux%u", d.width, d.height);
	} else {
		size_t at = 0;
		while (mapped && ref && at < size && mapped[at] == ref[at])
			at++;
		report(name, false, "%s", !mapped ? why :
		       !ref ? "vaGetImage failed" : "");
		if (mapped && ref)
			printf("  first difference at byte %zu (%s plane)\n", at,
			       at < (size_t)d.width * d.height ? "luma" : "chroma");
		export_failed = true;
	}
	/* A tiled export must not read as linear rows: otherwise the
	 * comparison above would not have exercised the untiling. */
	if (modifier != DRM_FORMAT_MOD_LINEAR && ref) {
		uint8_t *raw = read_export(&d, true, why, sizeof(why));
		snprintf(name, sizeof(name), "export-is-tiled frame %u", index);
		report(name, raw && memcmp(raw, ref, size),
		       "%s", raw ? "its bytes read as linear rows equal vaGetImage" : why);
		free(raw);
	}
	free(mapped);
	free(ref);
	va_close_export(&d);
}

static enum AVPixelFormat vaapi_only(AVCodecContext *avctx,
				     const enum AVPixelFormat *fmts)
{
	(void)avctx;
	for (; *fmts != AV_PIX_FMT_NONE; fmts++)
		if (*fmts == AV_PIX_FMT_VAAPI)
			return *fmts;
	return AV_PIX_FMT_NONE;
}

/* vaDeriveImage of a decoded 10-bit surface on linear P010 memory: a P010
 * image whose pixels are vaGetImage's. */
static void check_derive_p010(VASurfaceID s, unsigned index)
{
	VAImage img;
	char name[64];
	VAStatus st = vaSyncSurface(dpy, s);
	unsigned w = 0, h = 0;

	snprintf(name, sizeof(name), "derive-p010 frame %u", index);
	if (!st)
		st = vaDeriveImage(dpy, s, &img);
	if (st) {
		report(name, false, "vaDeriveImage: %s", vaErrorStr(st));
		return;
	}
	w = img.width;
	h = img.height;
	uint8_t *derived = img.format.fourcc == VA_FOURCC_P010 ?
				   va_pack_image(dpy, &img, w, h) : NULL;
	uint8_t *got = va_read_image(dpy, s, VA_FOURCC_P010, w, h);
	size_t size = (size_t)w * h * 3;	/* 2 bytes a sample, 4:2:0 */
	report(name, derived && got && !memcmp(derived, got, size),
	       "%.4s image %ux%u, pitch %u: %s", (const char *)&img.format.fourcc,
	       w, h, img.pitches[0],
	       !derived ? "not P010 or not mapped" : !got ? "vaGetImage failed" :
	       memcmp(derived, got, size) ? "differs from vaGetImage's P010" :
	       "the pixels of vaGetImage's P010");
	free(derived);
	free(got);
	vaDestroyImage(dpy, img.image_id);
}

/* Decodes the stream through libavcodec on dpy and checks the first and
 * the last frame with CHECK. Returns false when nothing could be decoded. */
static bool decode_and_check(const char *path,
			     void (*check)(VASurfaceID, unsigned))
{
	AVFormatContext *fmt = NULL;
	AVCodecContext *avctx = NULL;
	AVBufferRef *dev = av_hwdevice_ctx_alloc(AV_HWDEVICE_TYPE_VAAPI);
	AVPacket *pkt = av_packet_alloc();
	AVFrame *frame = av_frame_alloc(), *last = av_frame_alloc();
	unsigned frames = 0;
	int idx;

	if (!dev || !pkt || !frame || !last)
		return false;
	((AVVAAPIDeviceContext *)((AVHWDeviceContext *)dev->data)->hwctx)->display = dpy;
	if (av_hwdevice_ctx_init(dev) < 0 ||
	    avformat_open_input(&fmt, path, NULL, NULL) < 0 ||
	    avformat_find_stream_info(fmt, NULL) < 0 ||
	    (idx = av_find_best_stream(fmt, AVMEDIA_TYPE_VIDEO, -1, -1, NULL, 0)) < 0) {
		fprintf(stderr, "cannot open %s\n", path);
		return false;
	}
	/* AV1 by name: FFmpeg prefers libdav1d, which has no hwaccel. */
	enum AVCodecID id = fmt->streams[idx]->codecpar->codec_id;
	const AVCodec *codec = id == AV_CODEC_ID_AV1 ?
				       avcodec_find_decoder_by_name("av1") :
				       avcodec_find_decoder(id);
	avctx = codec ? avcodec_alloc_context3(codec) : NULL;
	if (!avctx ||
	    avcodec_parameters_to_context(avctx, fmt->streams[idx]->codecpar) < 0)
		return false;
	avctx->hw_device_ctx = av_buffer_ref(dev);
	avctx->get_format = vaapi_only;
	avctx->thread_count = 1;
	if (avcodec_open2(avctx, codec, NULL) < 0)
		return false;
	bool eof = false;
	while (!eof) {
		int r = av_read_frame(fmt, pkt);
		if (r < 0) {
			eof = true;
			avcodec_send_packet(avctx, NULL);
		} else if (pkt->stream_index == idx) {
			avcodec_send_packet(avctx, pkt);
		}
		av_packet_unref(pkt);
		while (avcodec_receive_frame(avctx, frame) == 0) {
			if (frame->format != AV_PIX_FMT_VAAPI) {
				report("export-composed", false, "FFmpeg fell back "
				       "to software decoding");
				export_failed = true;
				av_frame_unref(frame);
				continue;
			}
			if (frames == 0)
				check((VASurfaceID)(uintptr_t)frame->data[3], 0);
			av_frame_unref(last);
			av_frame_move_ref(last, frame);
			frames++;
		}
	}
	if (frames > 1)
		check((VASurfaceID)(uintptr_t)last->data[3], frames - 1);
	av_frame_free(&frame);
	av_frame_free(&last);
	av_packet_free(&pkt);
	avcodec_free_context(&avctx);
	avformat_close_input(&fmt);
	/* The device context does not own dpy (no free callback). */
	av_buffer_unref(&dev);
	return frames > 0;
}

int main(int argc, char **argv)
{
	int major, minor;

	bool derive = argc == 4 && !strcmp(argv[3], "derive-p010");

	if (!derive && (argc != 5 || (strcmp(argv[3], "linear") &&
				      strcmp(argv[3], "allwinner-tiled")) ||
			(strcmp(argv[4], "linear") && strcmp(argv[4], "refused")))) {
		fprintf(stderr, "usage: %s RENDER_NODE STREAM linear|allwinner-tiled "
			"linear|refused\n"
			"       %s RENDER_NODE STREAM10 derive-p010\n", argv[0],
			argv[0]);
		return 2;
	}
	int fd = open(argv[1], O_RDWR | O_CLOEXEC);
	if (fd < 0 || !(dpy = vaGetDisplayDRM(fd))) {
		fprintf(stderr, "cannot open %s\n", argv[1]);
		return 77;
	}
	vaSetErrorCallback(dpy, on_error, NULL);
	vaSetInfoCallback(dpy, on_info, NULL);
	if (vaInitialize(dpy, &major, &minor)) {
		fprintf(stderr, "vaInitialize failed on %s\n", argv[1]);
		return 77;
	}
	av_log_set_level(getenv("VA_SHAPES_VERBOSE") ? AV_LOG_INFO : AV_LOG_ERROR);
	modifier = strcmp(argv[3], "linear") ? DRM_FORMAT_MOD_ALLWINNER_TILED :
					      DRM_FORMAT_MOD_LINEAR;

	if (!derive) {
		/* Kodi probes first, before its decoder has a context. */
		kodi_probe(!strcmp(argv[4], "linear"));
		i420_probe();
	}
	if (!decode_and_check(argv[2], derive ? check_derive_p010 : check_surface))
		report("decode", false, "%s: no frame decoded through VA-API",
		       argv[2]);
	vaTerminate(dpy);
	close(fd);
	return report_summary();
}
