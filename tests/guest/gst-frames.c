/* Checksums of the pictures a pipeline delivers, so that runs can be
 * compared whatever memory and layout the pictures came in.
 *
 *   gst-frames 'PIPELINE'
 *
 * PIPELINE (gst-launch syntax) ends in an element named "sink". Each
 * buffer reaching it is read in the canonical form of the project's traces
 * (docs/trace-format.md): the visible picture, linear, without row
 * padding, the luma plane then the interleaved chroma plane, NV12 for 8-bit
 * pictures and P010 for 10-bit ones; so its checksum is the one
 * `v4l2-request-test replay --md5` prints for the same picture. Buffers
 * are read at the offsets and strides of their GstVideoMeta, from system
 * memory or a DMABuf alike; GStreamer 1.24's DMA_DRM caps are read by their
 * drm-format: linear NV12 and P010 as they are, Allwinner's 32x32 tiles
 * (NV12:0x0900000000000001) and packed NV15 through GStreamer's own
 * converter (as NV12_32L32 and NV12_10LE40), not through the core's
 * untiling that the decoder's system-memory copies use.
 *
 * Prints "caps: CAPS" at the first buffer, "frame N: MD5" per buffer,
 * then "frames: N", "md5: MD5" (of every frame's canonical bytes in turn)
 * and "md5-8bit: MD5", the same with 10-bit samples reduced to their 8
 * high bits (visl's 10-bit pictures are its 8-bit ones shifted left by
 * two: a 10-bit stream's pictures compare with its 8-bit twin's). With an
 * element named "dec": "latency: MIN MAX upstream MIN MAX", in
 * nanoseconds (MAX -1 for none), what a latency query at the end of the
 * stream gets from its source pad and from its upstream peer (the
 * decoder's own is the difference). Exit status 0 when the pipeline
 * reached EOS without an error, 1 otherwise (the error is printed).
 * GST_FRAMES_DUMP=FILE also writes the canonical bytes of every frame
 * there, to find where two runs' pictures differ.
 */
#include <stdio.h>

#include <gst/gst.h>
#include <gst/video/video.h>

#define DRM_NV12 GST_MAKE_FOURCC('N', 'V', '1', '2')
#define DRM_P010 GST_MAKE_FOURCC('P', '0', '1', '0')
#define DRM_NV15 GST_MAKE_FOURCC('N', 'V', '1', '5')
#define MOD_ALLWINNER_TILED 0x0900000000000001ULL

struct run {
	GMainLoop *loop;
	GstElement *pipeline;
	gboolean failed;
	GstCaps *caps;		/* of the buffers last read */
	GstVideoInfo info;	/* their layout, before the meta's */
	GstVideoFormat canonical;	/* NV12 or P010_10LE */
	GstVideoConverter *convert;	/* to canonical, when not already */
	GstVideoFrame out;		/* the converter's output */
	GstBuffer *out_buf;
	GChecksum *all, *all_8bit;
	FILE *dump;		/* GST_FRAMES_DUMP: the canonical bytes */
	guint64 frames;
};

static gboolean fail(struct run *r, const char *what)
{
	fprintf(stderr, "gst-frames: %s\n", what);
	r->failed = TRUE;
	return FALSE;
}

/* videoconvert's converter as a pure repack (as
 * tests/bench/untile-videoconvert), on one thread. */
static GstVideoConverter *repack_converter(const GstVideoInfo *in,
					   const GstVideoInfo *out)
{
	GstStructure *config = gst_structure_new(
		"gst-frames",
		GST_VIDEO_CONVERTER_OPT_DITHER_METHOD,
		GST_TYPE_VIDEO_DITHER_METHOD, GST_VIDEO_DITHER_NONE,
		GST_VIDEO_CONVERTER_OPT_CHROMA_MODE, GST_TYPE_VIDEO_CHROMA_MODE,
		GST_VIDEO_CHROMA_MODE_NONE,
		GST_VIDEO_CONVERTER_OPT_MATRIX_MODE, GST_TYPE_VIDEO_MATRIX_MODE,
		GST_VIDEO_MATRIX_MODE_NONE,
		GST_VIDEO_CONVERTER_OPT_GAMMA_MODE, GST_TYPE_VIDEO_GAMMA_MODE,
		GST_VIDEO_GAMMA_MODE_NONE,
		GST_VIDEO_CONVERTER_OPT_PRIMARIES_MODE,
		GST_TYPE_VIDEO_PRIMARIES_MODE, GST_VIDEO_PRIMARIES_MODE_NONE,
		GST_VIDEO_CONVERTER_OPT_THREADS, G_TYPE_UINT, 1, NULL);

	return gst_video_converter_new(in, out, config);
}

/* The layout the caps describe: a GStreamer format for DMA_DRM's
 * drm-format too. */
static gboolean info_from_caps(struct run *r, GstCaps *caps)
{
#if GST_CHECK_VERSION(1, 24, 0)
	if (gst_video_is_dma_drm_caps(caps)) {
		GstVideoInfoDmaDrm drm;
		GstVideoFormat format;

		if (!gst_video_info_dma_drm_from_caps(&drm, caps))
			return fail(r, "unreadable DMA_DRM caps");
		if (drm.drm_fourcc == DRM_NV12 && drm.drm_modifier == 0)
			format = GST_VIDEO_FORMAT_NV12;
		else if (drm.drm_fourcc == DRM_P010 && drm.drm_modifier == 0)
			format = GST_VIDEO_FORMAT_P010_10LE;
		else if (drm.drm_fourcc == DRM_NV12 &&
			 drm.drm_modifier == MOD_ALLWINNER_TILED)
			format = GST_VIDEO_FORMAT_NV12_32L32;
		else if (drm.drm_fourcc == DRM_NV15 && drm.drm_modifier == 0)
			format = GST_VIDEO_FORMAT_NV12_10LE40;
		else
			return fail(r, "a drm-format this program cannot read");
		return gst_video_info_set_format(&r->info, format,
						 GST_VIDEO_INFO_WIDTH(&drm.vinfo),
						 GST_VIDEO_INFO_HEIGHT(&drm.vinfo)) ||
		       fail(r, "no video info for the drm-format");
	}
#endif
	return gst_video_info_from_caps(&r->info, caps) ||
	       fail(r, "unreadable caps");
}

/* Sets up the reading of buffers of these caps. */
static gboolean new_caps(struct run *r, GstCaps *caps)
{
	gchar *s = gst_caps_to_string(caps);

	if (!r->caps)
		printf("caps: %s\n", s);
	g_free(s);
	gst_caps_replace(&r->caps, caps);
	g_clear_pointer(&r->convert, gst_video_converter_free);
	if (r->out_buf) {
		gst_video_frame_unmap(&r->out);
		gst_clear_buffer(&r->out_buf);
	}
	if (!info_from_caps(r, caps))
		return FALSE;
	const GstVideoFormatInfo *f = r->info.finfo;
	r->canonical = GST_VIDEO_FORMAT_INFO_DEPTH(f, 0) > 8 ?
			       GST_VIDEO_FORMAT_P010_10LE :
			       GST_VIDEO_FORMAT_NV12;
	if (GST_VIDEO_INFO_FORMAT(&r->info) == r->canonical)
		return TRUE;
	GstVideoInfo out;
	gst_video_info_set_format(&out, r->canonical,
				  GST_VIDEO_INFO_WIDTH(&r->info),
				  GST_VIDEO_INFO_HEIGHT(&r->info));
	r->convert = repack_converter(&r->info, &out);
	r->out_buf = gst_buffer_new_allocate(NULL, out.size, NULL);
	if (!r->convert ||
	    !gst_video_frame_map(&r->out, &out, r->out_buf, GST_MAP_WRITE))
		return fail(r, "GStreamer cannot convert these pictures");
	return TRUE;
}

/* The layout of one buffer: its GstVideoMeta's offsets and strides (a
 * tiled plane's stride in GStreamer's encoding: tiles across, tiles
 * down), and the size mapped. */
static void buffer_layout(const struct run *r, GstBuffer *buf, gsize size,
			  GstVideoInfo *info)
{
	const GstVideoFormatInfo *f = r->info.finfo;
	GstVideoMeta *meta = gst_buffer_get_video_meta(buf);

	*info = r->info;
	info->size = size;
	if (!meta)
		return;
	for (guint i = 0; i < meta->n_planes && i < GST_VIDEO_MAX_PLANES; i++) {
		info->offset[i] = meta->offset[i];
		info->stride[i] = meta->stride[i];
		if (GST_VIDEO_FORMAT_INFO_IS_TILED(f)) {
			/* 32x32 tiles of NV12: 32 bytes a tile row, in both
			 * planes */
			gint rows = GST_VIDEO_INFO_COMP_HEIGHT(info,
							       i ? 1 : 0);
			info->stride[i] = GST_VIDEO_TILE_MAKE_STRIDE(
				meta->stride[i] / 32, (rows + 31) / 32);
		}
	}
}

/* The canonical bytes of a frame of the canonical format: each plane's
 * rows of visible samples (interleaved Cb/Cr pairs in the second). */
static void checksum_frame(const struct run *r, const GstVideoFrame *vf,
			   GChecksum *one)
{
	gboolean ten_bit = r->canonical != GST_VIDEO_FORMAT_NV12;

	for (guint p = 0; p < GST_VIDEO_FRAME_N_PLANES(vf); p++) {
		guint comp = p ? 1 : 0;
		gsize bytes = (gsize)GST_VIDEO_FRAME_COMP_WIDTH(vf, comp) *
			      (gsize)GST_VIDEO_FRAME_COMP_PSTRIDE(vf, comp);
		const guint8 *data = GST_VIDEO_FRAME_PLANE_DATA(vf, p);
		gint stride = GST_VIDEO_FRAME_PLANE_STRIDE(vf, p);

		for (gint y = 0; y < GST_VIDEO_FRAME_COMP_HEIGHT(vf, comp); y++) {
			const guint8 *row = data + (gsize)y * (gsize)stride;
			guint8 high[256];

			g_checksum_update(one, row, (gssize)bytes);
			g_checksum_update(r->all, row, (gssize)bytes);
			if (r->dump)
				fwrite(row, 1, bytes, r->dump);
			if (!ten_bit) {
				g_checksum_update(r->all_8bit, row,
						  (gssize)bytes);
				continue;
			}
			/* P010: the high byte of each little-endian sample */
			for (gsize i = 0; i < bytes / 2; i += sizeof(high)) {
				gsize n = MIN(sizeof(high), bytes / 2 - i);

				for (gsize j = 0; j < n; j++)
					high[j] = row[2 * (i + j) + 1];
				g_checksum_update(r->all_8bit, high, (gssize)n);
			}
		}
	}
}

static GstPadProbeReturn on_buffer(GstPad *pad, GstPadProbeInfo *pinfo,
				   gpointer data)
{
	struct run *r = data;
	GstBuffer *buf = GST_PAD_PROBE_INFO_BUFFER(pinfo);
	GstCaps *caps = gst_pad_get_current_caps(pad);
	GstMapInfo map;
	GstVideoInfo info;
	GstVideoFrame vf;

	if (r->failed || !caps) {
		gst_clear_caps(&caps);
		return GST_PAD_PROBE_OK;
	}
	gboolean ok = (r->caps && gst_caps_is_equal(caps, r->caps)) ||
		      new_caps(r, caps);
	gst_caps_unref(caps);
	if (!ok)
		return GST_PAD_PROBE_OK;
	/* Read through a plain buffer over the mapped bytes: a meta's
	 * format need not be the one its drm-format names. */
	if (!gst_buffer_map(buf, &map, GST_MAP_READ)) {
		fail(r, "cannot map a buffer");
		return GST_PAD_PROBE_OK;
	}
	GstBuffer *plain = gst_buffer_new_wrapped_full(
		GST_MEMORY_FLAG_READONLY, map.data, map.size, 0, map.size,
		NULL, NULL);
	buffer_layout(r, buf, map.size, &info);
	if (!gst_video_frame_map(&vf, &info, plain, GST_MAP_READ)) {
		fail(r, "a buffer smaller than its layout");
	} else {
		GChecksum *one = g_checksum_new(G_CHECKSUM_MD5);

		if (r->convert) {
			gst_video_converter_frame(r->convert, &vf, &r->out);
			checksum_frame(r, &r->out, one);
		} else {
			checksum_frame(r, &vf, one);
		}
		printf("frame %" G_GUINT64_FORMAT ": %s\n", r->frames++,
		       g_checksum_get_string(one));
		g_checksum_free(one);
		gst_video_frame_unmap(&vf);
	}
	gst_buffer_unref(plain);
	gst_buffer_unmap(buf, &map);
	return GST_PAD_PROBE_OK;
}

/* A latency query's answer, MAX -1 for none. */
static gboolean query_latency(GstPad *pad, gboolean peer, GstClockTime *min,
			      gint64 *max)
{
	GstQuery *q = gst_query_new_latency();
	gboolean live;
	GstClockTime m;
	gboolean ok = peer ? gst_pad_peer_query(pad, q) : gst_pad_query(pad, q);

	if (ok) {
		gst_query_parse_latency(q, &live, min, &m);
		*max = m == GST_CLOCK_TIME_NONE ? -1 : (gint64)m;
	}
	gst_query_unref(q);
	return ok;
}

static void print_latency(struct run *r)
{
	GstElement *dec = gst_bin_get_by_name(GST_BIN(r->pipeline), "dec");

	if (!dec)
		return;
	GstPad *src = gst_element_get_static_pad(dec, "src");
	GstPad *sink = gst_element_get_static_pad(dec, "sink");
	GstClockTime min, up_min;
	gint64 max, up_max;

	if (query_latency(src, FALSE, &min, &max) &&
	    query_latency(sink, TRUE, &up_min, &up_max))
		printf("latency: %" G_GUINT64_FORMAT " %" G_GINT64_FORMAT
		       " upstream %" G_GUINT64_FORMAT " %" G_GINT64_FORMAT "\n",
		       (guint64)min, max, (guint64)up_min, up_max);
	else
		fail(r, "no answer to a latency query");
	gst_object_unref(sink);
	gst_object_unref(src);
	gst_object_unref(dec);
}

static gboolean on_message(GstBus *bus, GstMessage *msg, gpointer data)
{
	struct run *r = data;
	GError *err = NULL;
	gchar *debug = NULL;

	(void)bus;
	switch (GST_MESSAGE_TYPE(msg)) {
	case GST_MESSAGE_ERROR:
		gst_message_parse_error(msg, &err, &debug);
		fprintf(stderr, "gst-frames: error from %s: %s (%s)\n",
			GST_OBJECT_NAME(msg->src), err->message,
			debug ? debug : "");
		g_error_free(err);
		g_free(debug);
		r->failed = TRUE;
		g_main_loop_quit(r->loop);
		break;
	case GST_MESSAGE_EOS:
		print_latency(r);
		g_main_loop_quit(r->loop);
		break;
	default:
		break;
	}
	return TRUE;
}

int main(int argc, char **argv)
{
	struct run r = { 0 };
	GError *err = NULL;

	gst_init(&argc, &argv);
	if (argc != 2) {
		fprintf(stderr, "usage: gst-frames 'PIPELINE'\n");
		return 2;
	}
	r.pipeline = gst_parse_launch(argv[1], &err);
	if (!r.pipeline) {
		fprintf(stderr, "gst-frames: %s\n", err->message);
		return 1;
	}
	GstElement *sink = gst_bin_get_by_name(GST_BIN(r.pipeline), "sink");
	if (!sink) {
		fprintf(stderr, "gst-frames: no element named sink\n");
		return 2;
	}
	GstPad *pad = gst_element_get_static_pad(sink, "sink");
	gst_pad_add_probe(pad, GST_PAD_PROBE_TYPE_BUFFER, on_buffer, &r,
			  NULL);
	gst_object_unref(pad);
	gst_object_unref(sink);
	const char *dump = g_getenv("GST_FRAMES_DUMP");
	if (dump && !(r.dump = fopen(dump, "wb"))) {
		fprintf(stderr, "gst-frames: cannot write %s\n", dump);
		return 1;
	}
	r.all = g_checksum_new(G_CHECKSUM_MD5);
	r.all_8bit = g_checksum_new(G_CHECKSUM_MD5);
	r.loop = g_main_loop_new(NULL, FALSE);
	GstBus *bus = gst_element_get_bus(r.pipeline);
	gst_bus_add_watch(bus, on_message, &r);
	gst_object_unref(bus);
	gst_element_set_state(r.pipeline, GST_STATE_PLAYING);
	g_main_loop_run(r.loop);
	gst_element_set_state(r.pipeline, GST_STATE_NULL);
	printf("frames: %" G_GUINT64_FORMAT "\nmd5: %s\n", r.frames,
	       g_checksum_get_string(r.all));
	printf("md5-8bit: %s\n", g_checksum_get_string(r.all_8bit));
	if (r.out_buf) {
		gst_video_frame_unmap(&r.out);
		gst_buffer_unref(r.out_buf);
	}
	if (r.convert)
		gst_video_converter_free(r.convert);
	gst_clear_caps(&r.caps);
	if (r.dump)
		fclose(r.dump);
	g_checksum_free(r.all);
	g_checksum_free(r.all_8bit);
	g_main_loop_unref(r.loop);
	gst_object_unref(r.pipeline);
	return r.failed ? 1 : 0;
}
