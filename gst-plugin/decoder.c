/* The decoder elements' shared plumbing (decoder.h). */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include <gst/allocators/gstdmabuf.h>
#include <linux/videodev2.h>

#include "decoder.h"
#include "v4l2r/format.h"
#include "v4l2r/session.h"
#include "v4l2r/trace.h"

GST_DEBUG_CATEGORY(gst_v4l2r_debug);

#define DEFAULT_REQUESTS 4
#define MAX_REQUESTS 32
#define DEFAULT_TIMEOUT_MS 2000
/* Buffers downstream may hold at once besides the references and the
 * requests in flight (a sink's last frame, a queue). */
#define DOWNSTREAM_BUFFERS 4

enum {
	PROP_0,
	PROP_DEVICE,
	PROP_REQUESTS,
	PROP_TIMEOUT,
	PROP_RECORD,
	PROP_DECODE_MODE,
};

/* The decode-mode property's values: V4L2R_DECODE_MODE_*. */
#define GST_TYPE_V4L2R_DECODE_MODE (decode_mode_get_type())
static GType decode_mode_get_type(void)
{
	static const GEnumValue values[] = {
		{ V4L2R_DECODE_MODE_AUTO, "The device's best (frame-based "
		  "with start codes when offered)", "auto" },
		{ V4L2R_DECODE_MODE_SLICE, "A request per slice", "slice" },
		{ V4L2R_DECODE_MODE_FRAME, "A request per picture", "frame" },
		{ 0, NULL, NULL },
	};
	static GType type;

	if (g_once_init_enter(&type))
		g_once_init_leave(&type, g_enum_register_static(
						 "GstV4l2rDecodeMode", values));
	return type;
}

typedef struct {
	/* properties */
	gchar *device;
	guint requests;
	guint timeout_ms;
	gchar *record;
	gint decode_mode;	/* V4L2R_DECODE_MODE_* asked for */

	struct v4l2r_session *session;
	struct v4l2r_decode_mode mode;
	gboolean configured;
	GstV4l2rStreamInfo info;	/* without its controls */
	struct v4l2r_layout layout;	/* of the capture buffers */
	GstVideoCodecState *input_state;

	GMutex lock;		/* pictures' refs, taken by buffer release */
	GCond released;
	GstV4l2rPicture *pictures;	/* one per capture buffer */
	guint n_pictures;
	/* Each capture buffer's planes as DMABuf memory, exported once and
	 * kept mapped: shared into every buffer that goes out uncopied. */
	GstMemory *(*memories)[V4L2R_MAX_PLANES];
	guint64 next_timestamp;
	GQueue pending;		/* PendingOutput, in output order */
	/* Bumped when the capture buffers are freed: a buffer downstream
	 * still holds from before names a picture that is gone. */
	guint generation;

	gboolean dmabuf;	/* downstream takes our buffers as DMABuf */
	/* Downstream takes system memory laid out as the capture buffers
	 * are (it reads GstVideoMeta, or the layout is GStreamer's own):
	 * they go out uncopied too. */
	gboolean zero_copy;
	guint64 drm_modifier;
} GstV4l2rDecoderPrivate;

G_DEFINE_ABSTRACT_TYPE_WITH_PRIVATE(GstV4l2rDecoder, gst_v4l2r_decoder,
				    GST_TYPE_VIDEO_DECODER)

#define PRIV(self) \
	((GstV4l2rDecoderPrivate *)gst_v4l2r_decoder_get_instance_private(self))

static GQuark picture_quark;

typedef struct {
	GstV4l2rPicture *pic;	/* holds a reference */
	guint32 frame_number;
} PendingOutput;

static const struct gst_v4l2r_device_codec *device_of(GstV4l2rDecoder *self)
{
	return GST_V4L2R_DECODER_GET_CLASS(self)->device;
}

/* ---- pictures ---- */

void gst_v4l2r_decoder_picture_ref(GstV4l2rDecoder *self,
				   GstV4l2rPicture *pic)
{
	GstV4l2rDecoderPrivate *p = PRIV(self);

	g_mutex_lock(&p->lock);
	pic->refs++;
	g_mutex_unlock(&p->lock);
}

void gst_v4l2r_decoder_picture_unref(GstV4l2rDecoder *self,
				     GstV4l2rPicture *pic)
{
	GstV4l2rDecoderPrivate *p = PRIV(self);

	g_mutex_lock(&p->lock);
	g_assert(pic->refs > 0);
	if (--pic->refs == 0)
		g_cond_broadcast(&p->released);
	g_mutex_unlock(&p->lock);
}

GstV4l2rPicture *gst_v4l2r_decoder_picture_by_timestamp(GstV4l2rDecoder *self,
							 guint64 timestamp)
{
	GstV4l2rDecoderPrivate *p = PRIV(self);
	GstV4l2rPicture *found = NULL;

	g_mutex_lock(&p->lock);
	for (guint i = 0; i < p->n_pictures && !found; i++)
		if (p->pictures[i].refs > 0 &&
		    p->pictures[i].timestamp == timestamp)
			found = &p->pictures[i];
	g_mutex_unlock(&p->lock);
	return found;
}

void gst_v4l2r_decoder_set_ref(GstV4l2rDecoder *self, GstV4l2rPicture **slot,
			       GstV4l2rPicture *pic)
{
	if (pic)
		gst_v4l2r_decoder_picture_ref(self, pic);
	if (*slot)
		gst_v4l2r_decoder_picture_unref(self, *slot);
	*slot = pic;
}

static void slot_hold(void *user, void *pic)
{
	gst_v4l2r_decoder_picture_ref(user, pic);
}

static void slot_release(void *user, void *pic)
{
	gst_v4l2r_decoder_picture_unref(user, pic);
}

void gst_v4l2r_decoder_init_slots(GstV4l2rDecoder *self,
				  struct ref_slots *slots, guint count)
{
	static const struct ref_slots_ops ops = { slot_hold, slot_release };

	ref_slots_init(slots, count, &ops, self);
}

guint64 gst_v4l2r_slot_timestamp(const struct ref_slots *slots, gint slot)
{
	const GstV4l2rPicture *pic = ref_slots_get(slots, slot);

	return pic ? pic->timestamp : 0;
}

/* Waits until a capture buffer is free (downstream gives buffers back
 * from its own threads). Lock held. */
static GstV4l2rPicture *wait_free_picture(GstV4l2rDecoderPrivate *p)
{
	gint64 deadline = g_get_monotonic_time() +
			  (gint64)p->timeout_ms * G_TIME_SPAN_MILLISECOND;

	for (;;) {
		for (guint i = 0; i < p->n_pictures; i++)
			if (p->pictures[i].refs == 0)
				return &p->pictures[i];
		if (!g_cond_wait_until(&p->released, &p->lock, deadline))
			return NULL;
	}
}

GstV4l2rPicture *gst_v4l2r_decoder_new_picture(GstV4l2rDecoder *self,
					       GstVideoCodecFrame *frame)
{
	GstV4l2rDecoderPrivate *p = PRIV(self);

	if (!p->configured) {
		GST_ELEMENT_ERROR(self, STREAM, DECODE,
				  ("a picture before the stream's parameters"),
				  (NULL));
		return NULL;
	}
	g_mutex_lock(&p->lock);
	GstV4l2rPicture *pic = wait_free_picture(p);
	if (pic)
		pic->refs = 1;
	g_mutex_unlock(&p->lock);
	if (!pic) {
		GST_ELEMENT_ERROR(self, RESOURCE, NO_SPACE_LEFT,
				  ("no picture buffer came back from downstream "
				   "within %u ms (%u buffers)", p->timeout_ms,
				   p->n_pictures), (NULL));
		return NULL;
	}
	/* The buffer's last decode may still be running (a picture dropped
	 * before its output): it must finish before the buffer is queued
	 * again. */
	if (pic->queued &&
	    v4l2r_session_capture_status(p->session, pic->index) ==
		    V4L2R_PENDING)
		v4l2r_session_wait_capture(p->session, pic->index,
					   (int)p->timeout_ms);
	v4l2r_session_capture_reset(p->session, pic->index);
	pic->queued = FALSE;
	pic->failed = FALSE;
	p->next_timestamp += 1000;
	pic->timestamp = p->next_timestamp;
	pic->frame_number = frame->system_frame_number;
	return pic;
}

static void free_pictures(GstV4l2rDecoderPrivate *p)
{
	g_mutex_lock(&p->lock);
	p->generation++;
	g_mutex_unlock(&p->lock);
	/* Buffers downstream still holds keep their memory (and with it the
	 * DMABuf: the kernel orphans exported buffers). */
	if (p->memories)
		for (guint i = 0; i < p->n_pictures; i++)
			for (guint j = 0; j < V4L2R_MAX_PLANES; j++)
				if (p->memories[i][j])
					gst_memory_unref(p->memories[i][j]);
	g_clear_pointer(&p->memories, g_free);
	p->dmabuf = p->zero_copy = FALSE;	/* till negotiated again */
	g_clear_pointer(&p->pictures, g_free);
	p->n_pictures = 0;
}

/* ---- the device ---- */

static void close_session(GstV4l2rDecoderPrivate *p)
{
	free_pictures(p);
	v4l2r_session_close(p->session);
	p->session = NULL;
	p->configured = FALSE;
}

static gboolean open_session(GstV4l2rDecoder *self)
{
	GstV4l2rDecoderPrivate *p = PRIV(self);
	struct v4l2r_node node = device_of(self)->node;
	int ret;

	if (p->device && strcmp(p->device, node.video_path) != 0) {
		/* Another node than the one registered: its media device,
		 * which makes the requests, is found from it. */
		ret = v4l2r_discover_video(p->device, &node);
		if (ret == -ENODEV) {
			GST_ELEMENT_ERROR(self, RESOURCE, NOT_FOUND,
					  ("%s is not a stateless decoder: no "
					   "media device has it as one",
					   p->device), (NULL));
			return FALSE;
		}
		if (ret < 0) {
			GST_ELEMENT_ERROR(self, RESOURCE, OPEN_READ_WRITE,
					  ("cannot open the decoder %s: %s",
					   p->device, g_strerror(-ret)),
					  (NULL));
			return FALSE;
		}
	}
	ret = v4l2r_session_open(&node, &p->session);
	if (ret < 0) {
		GST_ELEMENT_ERROR(self, RESOURCE, OPEN_READ_WRITE,
				  ("cannot open the decoder %s: %s",
				   node.video_path, g_strerror(-ret)), (NULL));
		return FALSE;
	}
	if (p->record && *p->record) {
		ret = v4l2r_session_record(p->session, p->record,
					   V4L2R_RECORD_MD5);
		if (ret < 0) {
			GST_ELEMENT_ERROR(self, RESOURCE, OPEN_WRITE,
					  ("cannot record into %s: %s",
					   p->record, g_strerror(-ret)),
					  (NULL));
			close_session(p);
			return FALSE;
		}
	}
	return TRUE;
}

static GstVideoFormat video_format_of(uint32_t v4l2_fourcc)
{
	const struct v4l2r_format_desc *d = v4l2r_format_by_v4l2(v4l2_fourcc);

	if (!d)
		return GST_VIDEO_FORMAT_UNKNOWN;
	switch (d->linear_fourcc) {
	case V4L2_PIX_FMT_NV12:
	case V4L2_PIX_FMT_NV12M:
		return GST_VIDEO_FORMAT_NV12;
	case V4L2_PIX_FMT_YUV420:
	case V4L2_PIX_FMT_YUV420M:
		return GST_VIDEO_FORMAT_I420;
	case V4L2_PIX_FMT_P010:
		return GST_VIDEO_FORMAT_P010_10LE;
	default:
		return GST_VIDEO_FORMAT_UNKNOWN;
	}
}

static gboolean is_linear(const struct v4l2r_format_desc *d)
{
	return !d->tile_w && d->linear_fourcc == d->v4l2_fourcc;
}

/* The caps of pictures of format d as DMABuf, for system-memory caps of
 * info: GStreamer 1.24+ describes them as DMA_DRM with the DRM fourcc and
 * modifier (tiled formats too); 1.22 has only plain DMABuf caps, with no
 * word for a tiling, so linear only. NULL when the format cannot go out
 * as DMABuf. */
static GstCaps *dmabuf_caps(const struct v4l2r_format_desc *d,
			    const GstVideoInfo *info, const GstCaps *caps)
{
#if GST_CHECK_VERSION(1, 24, 0)
	if (d->drm_fourcc && d->drm_modifier != 0x00ffffffffffffffULL) {
		GstVideoInfoDmaDrm drm;
		gst_video_info_dma_drm_init(&drm);
		drm.vinfo = *info;
		drm.drm_fourcc = d->drm_fourcc;
		drm.drm_modifier = d->drm_modifier;
		return gst_video_info_dma_drm_to_caps(&drm);
	}
#else
	(void)info;
#endif
	if (!is_linear(d))
		return NULL;
	GstCaps *out = gst_caps_copy(caps);
	gst_caps_set_features_simple(out,
		gst_caps_features_new(GST_CAPS_FEATURE_MEMORY_DMABUF, NULL));
	return out;
}

/* Whether downstream (its caps: peer) takes pictures of format d, at the
 * stream's size, without a copy: a linear format in system memory (shared
 * with readers of GstVideoMeta, decide_allocation) or as DMABuf, a tiled
 * or packed one only as DMABuf that names its layout. The DMABuf caps are
 * those decoder_negotiate then offers (dmabuf_caps). */
static gboolean takes_uncopied(const struct v4l2r_format_desc *d,
			       const GstV4l2rStreamInfo *info, GstCaps *peer)
{
	GstVideoInfo vi;

	if (!peer || !gst_video_info_set_interlaced_format(
			     &vi, video_format_of(d->v4l2_fourcc),
			     info->interlace, info->display_width,
			     info->display_height))
		return FALSE;
	GstCaps *caps = gst_video_info_to_caps(&vi);
	gboolean takes = is_linear(d) && gst_caps_can_intersect(caps, peer);
	/* ANY (a sink that takes anything) gets system memory */
	GstCaps *dmabuf = gst_caps_is_any(peer) ? NULL :
			  dmabuf_caps(d, &vi, caps);
	if (dmabuf)
		takes |= gst_caps_can_intersect(dmabuf, peer);
	gst_clear_caps(&dmabuf);
	gst_caps_unref(caps);
	return takes;
}

/* The capture format, of the stream's bit depth: the first the device
 * lists (its own preference) that downstream takes without a copy. Cedrus
 * lists NV12 before its tiles, so it gets them only for a consumer that
 * takes them as DMABuf and not NV12 (a display that scans out Allwinner's
 * tiles). When downstream takes none so: a linear one (copied for a reader
 * without GstVideoMeta), else the first (untiled or unpacked into system
 * memory: copy_picture). */
static uint32_t choose_capture_format(GstV4l2rDecoder *self,
				      const GstV4l2rStreamInfo *info)
{
	GstV4l2rDecoderPrivate *p = PRIV(self);
	uint32_t fourccs[V4L2R_MAX_CAPTURE_FORMATS];
	uint32_t linear = 0, first = 0, chosen = 0;
	int n = v4l2r_session_capture_formats(p->session, fourccs,
					      V4L2R_MAX_CAPTURE_FORMATS);
	GstCaps *peer = gst_pad_peer_query_caps(
		GST_VIDEO_DECODER_SRC_PAD(self), NULL);

	for (int i = 0; i < n && !chosen; i++) {
		const struct v4l2r_format_desc *d =
			v4l2r_format_by_v4l2(fourccs[i]);
		if (!d || d->bit_depth != info->bit_depth ||
		    video_format_of(fourccs[i]) == GST_VIDEO_FORMAT_UNKNOWN)
			continue;
		if (takes_uncopied(d, info, peer))
			chosen = fourccs[i];
		if (!linear && is_linear(d))
			linear = fourccs[i];
		if (!first)
			first = fourccs[i];
	}
	gst_clear_caps(&peer);
	return chosen ? chosen : linear ? linear : first;
}

static GstFlowReturn push_pending(GstV4l2rDecoder *self, guint keep);

/* Waits until nothing but buffers downstream holds a picture, so that the
 * capture buffers can be freed: those downstream keep their memory (the
 * kernel orphans exported buffers) and no longer name a picture. */
static gboolean only_downstream_holds(GstV4l2rDecoderPrivate *p)
{
	gint64 deadline = g_get_monotonic_time() +
			  (gint64)p->timeout_ms * G_TIME_SPAN_MILLISECOND;
	gboolean ok = TRUE;

	g_mutex_lock(&p->lock);
	for (guint i = 0; i < p->n_pictures && ok; i++)
		while (p->pictures[i].refs > p->pictures[i].downstream && ok)
			ok = g_cond_wait_until(&p->released, &p->lock,
					       deadline);
	g_mutex_unlock(&p->lock);
	return ok;
}

static gboolean same_stream(const GstV4l2rStreamInfo *a,
			    const GstV4l2rStreamInfo *b)
{
	return a->width == b->width && a->height == b->height &&
	       a->display_width == b->display_width &&
	       a->display_height == b->display_height &&
	       a->bit_depth == b->bit_depth &&
	       a->references <= b->references &&
	       a->interlace == b->interlace;
}

/* A new size of a stream whose references outlive it, which the
 * capture buffers as allocated hold (their strides and planes stay). */
static gboolean fits_buffers(const GstV4l2rDecoderPrivate *p,
			     const GstV4l2rStreamInfo *info)
{
	return info->keep_buffers && info->width <= p->layout.width &&
	       info->height <= p->layout.height &&
	       info->display_width <= p->layout.width &&
	       info->display_height <= p->layout.height &&
	       info->bit_depth == p->info.bit_depth &&
	       info->references <= p->info.references &&
	       info->interlace == p->info.interlace;
}

static gboolean set_output_state(GstV4l2rDecoder *self)
{
	GstV4l2rDecoderPrivate *p = PRIV(self);
	GstVideoFormat format = video_format_of(p->layout.desc->v4l2_fourcc);

	if (format == GST_VIDEO_FORMAT_UNKNOWN)
		return FALSE;
	GstVideoCodecState *state = gst_video_decoder_set_interlaced_output_state(
		GST_VIDEO_DECODER(self), format, p->info.interlace,
		p->info.display_width, p->info.display_height,
		p->input_state);
	gst_video_codec_state_unref(state);
	return gst_video_decoder_negotiate(GST_VIDEO_DECODER(self));
}

GstFlowReturn gst_v4l2r_decoder_configure(GstV4l2rDecoder *self,
					  const GstV4l2rStreamInfo *info)
{
	GstV4l2rDecoderPrivate *p = PRIV(self);
	const struct gst_v4l2r_device_codec *dev = device_of(self);
	int ret;

	if (p->configured && same_stream(info, &p->info)) {
		if (info->n_controls)
			v4l2r_session_set_controls(p->session, info->controls,
						   info->n_controls);
		return GST_FLOW_OK;
	}
	if (p->configured && fits_buffers(p, info)) {
		/* The pictures before go out at their size first; the
		 * device keeps its formats (the codec's controls carry each
		 * picture's size) and every reference its buffer and
		 * timestamp. */
		GstFlowReturn fr = push_pending(self, 0);
		if (fr != GST_FLOW_OK)
			return fr;
		GST_INFO_OBJECT(self, "stream %ux%u (display %ux%u) in the "
				"%ux%u capture buffers", info->width,
				info->height, info->display_width,
				info->display_height, p->layout.width,
				p->layout.height);
		p->info.width = info->width;
		p->info.height = info->height;
		p->info.display_width = info->display_width;
		p->info.display_height = info->display_height;
		return set_output_state(self) ? GST_FLOW_OK :
						GST_FLOW_NOT_NEGOTIATED;
	}
	if (p->configured) {
		/* A new stream: what the old one decoded goes out first,
		 * then its buffers are freed. */
		GstFlowReturn fr = push_pending(self, 0);
		if (fr != GST_FLOW_OK)
			return fr;
		if (!only_downstream_holds(p)) {
			GST_ELEMENT_ERROR(self, RESOURCE, BUSY,
					  ("the stream changed and the old "
					   "pictures are still in use"),
					  (NULL));
			return GST_FLOW_ERROR;
		}
		free_pictures(p);
		v4l2r_session_free_buffers(p->session);
		p->configured = FALSE;
	}
	GST_INFO_OBJECT(self, "stream %ux%u (display %ux%u), %u bits, %u "
			"references", info->width, info->height,
			info->display_width, info->display_height,
			info->bit_depth, info->references);
	ret = v4l2r_session_set_output_format(p->session,
					      dev->desc->coded_fourcc,
					      info->width, info->height,
					      v4l2r_bitstream_size(info->width,
								   info->height));
	if (ret < 0)
		goto refused;
	ret = v4l2r_session_set_decode_mode(p->session, dev->desc, &dev->caps,
					    &p->mode);
	if (ret < 0)
		goto refused;
	if (info->n_controls) {
		ret = v4l2r_session_set_controls(p->session, info->controls,
						 info->n_controls);
		if (ret < 0)
			goto refused;
	}
	uint32_t fourcc = choose_capture_format(self, info);
	if (!fourcc) {
		GST_ELEMENT_ERROR(self, STREAM, FORMAT,
				  ("the device makes no %u-bit picture format "
				   "this plugin knows for a %ux%u %s stream",
				   info->bit_depth, info->width, info->height,
				   dev->desc->name), (NULL));
		return GST_FLOW_NOT_NEGOTIATED;
	}
	ret = v4l2r_session_set_capture_format(p->session, fourcc, &p->layout);
	if (ret < 0)
		goto refused;
	guint n_capture = info->references + p->requests + DOWNSTREAM_BUFFERS + 1;
	ret = v4l2r_session_alloc_buffers(p->session, p->requests, n_capture);
	if (ret < 0)
		goto refused;
	p->n_pictures = v4l2r_session_capture_count(p->session);
	p->pictures = g_new0(GstV4l2rPicture, p->n_pictures);
	for (guint i = 0; i < p->n_pictures; i++)
		p->pictures[i].index = i;
	ret = v4l2r_session_start(p->session);
	if (ret < 0)
		goto refused;
	p->info = *info;
	p->info.controls = NULL;
	p->info.n_controls = 0;
	p->configured = TRUE;
	GST_INFO_OBJECT(self, "capture %s %ux%u, %u buffers, %u requests in "
			"flight, %s", p->layout.desc->name, p->layout.width,
			p->layout.height, p->n_pictures, p->requests,
			p->mode.slice_based ? "slice-based" : "frame-based");
	if (!set_output_state(self))
		return GST_FLOW_NOT_NEGOTIATED;
	return GST_FLOW_OK;

refused:
	GST_ELEMENT_ERROR(self, RESOURCE, SETTINGS,
			  ("the decoder refused a %ux%u %u-bit %s stream: %s",
			   info->width, info->height, info->bit_depth,
			   dev->desc->name, g_strerror(-ret)), (NULL));
	return GST_FLOW_ERROR;
}

gboolean gst_v4l2r_decoder_changes_stream(GstV4l2rDecoder *self,
					  const GstV4l2rStreamInfo *info)
{
	GstV4l2rDecoderPrivate *p = PRIV(self);

	return p->configured && !same_stream(info, &p->info) &&
	       !fits_buffers(p, info);
}

const struct v4l2r_decode_mode *gst_v4l2r_decoder_mode(GstV4l2rDecoder *self)
{
	return &PRIV(self)->mode;
}

/* ---- requests ---- */

static GstFlowReturn device_lost(GstV4l2rDecoder *self)
{
	GST_ELEMENT_ERROR(self, RESOURCE, FAILED,
			  ("the decoder is gone (unbound or unloaded)"),
			  (NULL));
	return GST_FLOW_ERROR;
}

GstFlowReturn gst_v4l2r_decoder_queue(GstV4l2rDecoder *self,
				      GstV4l2rPicture *pic,
				      struct v4l2_ext_control *controls,
				      guint n_controls,
				      const GstV4l2rChunk *chunks,
				      guint n_chunks, gboolean hold)
{
	static const guint8 start_code[3] = { 0, 0, 1 };
	GstV4l2rDecoderPrivate *p = PRIV(self);
	GstFlowReturn fr = GST_FLOW_OK;
	struct v4l2r_request *r;
	size_t cap, used = 0;

	int ret = v4l2r_request_acquire(p->session, (int)p->timeout_ms, &r);
	if (ret < 0) {
		if (v4l2r_session_lost(p->session))
			return device_lost(self);
		pic->failed = TRUE;
		GST_V4L2R_FRAME_ERROR(self,
					("no request came back within %u ms: "
					 "frame %u is lost", p->timeout_ms,
					 pic->frame_number),
					("%s", g_strerror(-ret)), fr);
		return fr;
	}
	guint8 *dst = v4l2r_request_data(r, &cap);
	for (guint i = 0; i < n_chunks; i++) {
		size_t need = chunks[i].size + (chunks[i].start_code ? 3 : 0);
		if (need > cap - used) {
			v4l2r_request_release(r);
			pic->failed = TRUE;
			GST_V4L2R_FRAME_ERROR(self,
						("frame %u is larger than the "
						 "decoder's %zu-byte bitstream "
						 "buffer", pic->frame_number,
						 cap), (NULL), fr);
			return fr;
		}
		if (chunks[i].start_code) {
			memcpy(dst + used, start_code, 3);
			used += 3;
		}
		memcpy(dst + used, chunks[i].data, chunks[i].size);
		used += chunks[i].size;
	}
	unsigned error_idx = n_controls;
	ret = v4l2r_request_set_controls(r, controls, n_controls, &error_idx);
	if (ret < 0) {
		v4l2r_request_release(r);
		if (v4l2r_session_lost(p->session))
			return device_lost(self);
		pic->failed = TRUE;
		GST_V4L2R_FRAME_ERROR(self,
					("the decoder refused frame %u's "
					 "parameters", pic->frame_number),
					("control 0x%x: %s",
					 error_idx < n_controls ?
						 controls[error_idx].id : 0,
					 g_strerror(-ret)), fr);
		return fr;
	}
	ret = v4l2r_request_queue(r, pic->index, pic->timestamp, used,
				  hold ? V4L2R_QUEUE_HOLD_CAPTURE : 0);
	pic->queued = TRUE;
	if (ret < 0) {
		if (v4l2r_session_lost(p->session))
			return device_lost(self);
		pic->failed = TRUE;
		GST_V4L2R_FRAME_ERROR(self,
					("the decoder refused frame %u",
					 pic->frame_number),
					("%s", g_strerror(-ret)), fr);
	}
	return fr;
}

/* ---- output ---- */

typedef struct {
	GstV4l2rDecoder *self;	/* a reference on the element */
	guint generation;
	guint index;		/* the picture, while its generation lasts */
} DownstreamHold;

static void drop_hold(gpointer data)
{
	DownstreamHold *h = data;
	GstV4l2rDecoderPrivate *p = PRIV(h->self);

	g_mutex_lock(&p->lock);
	if (h->generation == p->generation && h->index < p->n_pictures) {
		GstV4l2rPicture *pic = &p->pictures[h->index];
		pic->downstream--;
		if (--pic->refs == 0)
			g_cond_broadcast(&p->released);
	}
	g_mutex_unlock(&p->lock);
	gst_object_unref(h->self);
	g_free(h);
}

/* Exports every capture buffer's planes as DMABuf memory, once. */
static gboolean export_memories(GstV4l2rDecoderPrivate *p)
{
	if (p->memories)
		return TRUE;
	GstAllocator *alloc = gst_dmabuf_allocator_new();
	gboolean ok = TRUE;

	p->memories = g_malloc0_n(p->n_pictures, sizeof(*p->memories));
	for (guint i = 0; i < p->n_pictures && ok; i++) {
		int fds[V4L2R_MAX_PLANES];
		ok = v4l2r_session_capture_export(p->session, i, fds) >= 0;
		for (guint m = 0; ok && m < p->layout.mem_planes; m++)
			/* Kept mapped: mapped once, not per picture read. */
			p->memories[i][m] = gst_dmabuf_allocator_alloc_with_flags(
				alloc, fds[m], p->layout.mem_size[m],
				GST_FD_MEMORY_FLAG_KEEP_MAPPED);
	}
	gst_object_unref(alloc);
	if (!ok) {
		for (guint i = 0; i < p->n_pictures; i++)
			for (guint m = 0; m < V4L2R_MAX_PLANES; m++)
				if (p->memories[i][m])
					gst_memory_unref(p->memories[i][m]);
		g_clear_pointer(&p->memories, g_free);
	}
	return ok;
}

/* A buffer of the picture's own memory (no copy): downstream holds the
 * picture until the last buffer sharing that memory goes, copies made
 * of the buffer included (the hold is on the memory, not the buffer). */
static GstBuffer *shared_buffer(GstV4l2rDecoder *self, GstV4l2rPicture *pic)
{
	GstV4l2rDecoderPrivate *p = PRIV(self);
	const struct v4l2r_layout *l = &p->layout;
	GstBuffer *buf = gst_buffer_new();
	gsize offsets[GST_VIDEO_MAX_PLANES] = { 0 };
	gint strides[GST_VIDEO_MAX_PLANES] = { 0 };

	for (guint m = 0; m < l->mem_planes; m++)
		gst_buffer_append_memory(buf, gst_memory_share(
					 p->memories[pic->index][m], 0, -1));
	for (guint i = 0; i < l->num_planes; i++) {
		gsize before = 0;
		for (guint m = 0; m < l->plane[i].mem_plane; m++)
			before += l->mem_size[m];
		offsets[i] = before + l->plane[i].offset;
		strides[i] = (gint)l->plane[i].stride;
	}
	GstVideoCodecState *state =
		gst_video_decoder_get_output_state(GST_VIDEO_DECODER(self));
	gst_buffer_add_video_meta_full(buf, GST_VIDEO_FRAME_FLAG_NONE,
				       GST_VIDEO_INFO_FORMAT(&state->info),
				       p->info.display_width,
				       p->info.display_height, l->num_planes,
				       offsets, strides);
	gst_video_codec_state_unref(state);
	DownstreamHold *h = g_new(DownstreamHold, 1);
	h->self = gst_object_ref(self);
	h->index = pic->index;
	g_mutex_lock(&p->lock);
	h->generation = p->generation;
	pic->refs++;
	pic->downstream++;
	g_mutex_unlock(&p->lock);
	gst_mini_object_set_qdata(GST_MINI_OBJECT(gst_buffer_peek_memory(buf, 0)),
				  picture_quark, h, drop_hold);
	return buf;
}

/* Whether the capture buffers are laid out as GStreamer lays out info's
 * frames, so that a reader without GstVideoMeta reads them right. */
static gboolean layout_is_default(const struct v4l2r_layout *l,
				  const GstVideoInfo *info)
{
	gsize before = 0;

	if (l->num_planes != GST_VIDEO_INFO_N_PLANES(info))
		return FALSE;
	for (guint i = 0; i < l->num_planes; i++) {
		for (guint m = 0; m < l->plane[i].mem_plane; m++)
			before += l->mem_size[m];
		if (before + l->plane[i].offset !=
			    GST_VIDEO_INFO_PLANE_OFFSET(info, i) ||
		    l->plane[i].stride !=
			    (guint)GST_VIDEO_INFO_PLANE_STRIDE(info, i))
			return FALSE;
		before = 0;
	}
	return TRUE;
}

/* Copies (untiles, unpacks) the picture into a system-memory buffer. */
static GstFlowReturn copy_picture(GstV4l2rDecoder *self,
				  GstV4l2rPicture *pic,
				  GstVideoCodecFrame *frame)
{
	GstV4l2rDecoderPrivate *p = PRIV(self);
	GstVideoDecoder *dec = GST_VIDEO_DECODER(self);
	uint8_t *src[V4L2R_MAX_PLANES];
	GstVideoFrame vf;

	if (v4l2r_session_capture_map(p->session, pic->index, src) < 0)
		return GST_FLOW_ERROR;
	GstFlowReturn fr = gst_video_decoder_allocate_output_frame(dec, frame);
	if (fr != GST_FLOW_OK)
		return fr;
	GstVideoCodecState *state = gst_video_decoder_get_output_state(dec);
	gboolean mapped = gst_video_frame_map(&vf, &state->info,
					      frame->output_buffer,
					      GST_MAP_WRITE);
	gst_video_codec_state_unref(state);
	if (!mapped)
		return GST_FLOW_ERROR;
	const struct v4l2r_format_desc *linear =
		v4l2r_format_by_v4l2(p->layout.desc->linear_fourcc);
	struct v4l2r_layout dst = {
		.desc = linear,
		.width = GST_VIDEO_FRAME_WIDTH(&vf),
		.height = GST_VIDEO_FRAME_HEIGHT(&vf),
		.num_planes = GST_VIDEO_FRAME_N_PLANES(&vf),
		.mem_planes = GST_VIDEO_FRAME_N_PLANES(&vf),
	};
	uint8_t *dst_mem[V4L2R_MAX_PLANES] = { NULL };
	for (guint i = 0; i < dst.num_planes && i < V4L2R_MAX_PLANES; i++) {
		guint rows = GST_VIDEO_FRAME_COMP_HEIGHT(&vf, i == 0 ? 0 : 1);
		dst.plane[i].mem_plane = i;
		dst.plane[i].offset = 0;
		dst.plane[i].stride = (uint32_t)GST_VIDEO_FRAME_PLANE_STRIDE(&vf, i);
		dst.plane[i].size = dst.plane[i].stride * rows;
		dst.mem_size[i] = dst.plane[i].size;
		dst_mem[i] = GST_VIDEO_FRAME_PLANE_DATA(&vf, i);
	}
	int ret = v4l2r_convert_to_linear(&p->layout,
					  (const uint8_t *const *)src, &dst,
					  dst_mem);
	gst_video_frame_unmap(&vf);
	if (ret < 0) {
		GST_ELEMENT_ERROR(self, STREAM, FORMAT,
				  ("cannot convert %s pictures to %s",
				   p->layout.desc->name, linear->name), (NULL));
		return GST_FLOW_ERROR;
	}
	return GST_FLOW_OK;
}

/* Sends the picture at the head of pending downstream, once decoded. */
static GstFlowReturn push_one(GstV4l2rDecoder *self)
{
	GstV4l2rDecoderPrivate *p = PRIV(self);
	GstVideoDecoder *dec = GST_VIDEO_DECODER(self);
	PendingOutput *out = g_queue_pop_head(&p->pending);
	GstV4l2rPicture *pic = out->pic;
	guint32 frame_number = out->frame_number;
	GstFlowReturn fr = GST_FLOW_OK;

	g_free(out);
	enum v4l2r_result result = v4l2r_session_wait_capture(
		p->session, pic->index, (int)p->timeout_ms);
	GST_LOG_OBJECT(self, "frame %u (buffer %u, ts %" G_GUINT64_FORMAT
		       "): %s", frame_number, pic->index, pic->timestamp,
		       v4l2r_result_str(result));
	GstVideoCodecFrame *frame = gst_video_decoder_get_frame(
		dec, (int)frame_number);
	if (!frame) {
		/* already gone (a field pair's frame pushed once) */
		gst_v4l2r_decoder_picture_unref(self, pic);
		return GST_FLOW_OK;
	}
	if (result == V4L2R_DEVICE_LOST) {
		fr = device_lost(self);
		gst_video_decoder_drop_frame(dec, frame);
	} else if (pic->failed) {
		/* said when it failed */
		gst_video_decoder_drop_frame(dec, frame);
	} else if (result != V4L2R_DONE) {
		GST_V4L2R_FRAME_ERROR(self,
					("frame %u was not decoded: %s",
					 frame_number,
					 v4l2r_result_str(result)),
					(NULL), fr);
		gst_video_decoder_drop_frame(dec, frame);
	} else if (p->dmabuf || p->zero_copy) {
		frame->output_buffer = shared_buffer(self, pic);
		fr = frame->output_buffer ?
			     gst_video_decoder_finish_frame(dec, frame) :
			     GST_FLOW_ERROR;
	} else {
		fr = copy_picture(self, pic, frame);
		if (fr == GST_FLOW_OK)
			fr = gst_video_decoder_finish_frame(dec, frame);
		else
			gst_video_decoder_drop_frame(dec, frame);
	}
	gst_v4l2r_decoder_picture_unref(self, pic);
	return fr;
}

static GstFlowReturn push_pending(GstV4l2rDecoder *self, guint keep)
{
	GstV4l2rDecoderPrivate *p = PRIV(self);
	GstFlowReturn fr = GST_FLOW_OK;

	while (fr == GST_FLOW_OK && p->pending.length > keep)
		fr = push_one(self);
	/* What is already decoded need not wait for later pictures. */
	while (fr == GST_FLOW_OK && !g_queue_is_empty(&p->pending)) {
		PendingOutput *head = g_queue_peek_head(&p->pending);
		if (v4l2r_session_capture_status(p->session, head->pic->index) ==
		    V4L2R_PENDING)
			break;
		fr = push_one(self);
	}
	return fr;
}

GstFlowReturn gst_v4l2r_decoder_output(GstV4l2rDecoder *self,
				       GstV4l2rPicture *pic)
{
	return gst_v4l2r_decoder_output_for(self, pic, pic->frame_number);
}

GstFlowReturn gst_v4l2r_decoder_output_for(GstV4l2rDecoder *self,
					   GstV4l2rPicture *pic,
					   guint32 frame_number)
{
	GstV4l2rDecoderPrivate *p = PRIV(self);
	PendingOutput *out = g_new(PendingOutput, 1);

	gst_v4l2r_decoder_picture_ref(self, pic);
	out->pic = pic;
	out->frame_number = frame_number;
	g_queue_push_tail(&p->pending, out);
	/* Up to `requests` pictures stay pending: the device works on them
	 * while the next ones are parsed and queued. */
	return push_pending(self, p->requests);
}

void gst_v4l2r_decoder_skip(GstV4l2rDecoder *self, GstVideoCodecFrame *frame,
			    const char *why)
{
	GST_DEBUG_OBJECT(self, "frame %u skipped: %s",
			 frame->system_frame_number, why);
	gst_video_decoder_release_frame(GST_VIDEO_DECODER(self),
					gst_video_codec_frame_ref(frame));
}

GstFlowReturn gst_v4l2r_decoder_lose(GstV4l2rDecoder *self,
				     GstVideoCodecFrame *frame,
				     GstFlowReturn fr)
{
	if (fr == GST_FLOW_OK)
		gst_video_decoder_drop_frame(GST_VIDEO_DECODER(self),
					     gst_video_codec_frame_ref(frame));
	return fr;
}

static void drop_pending(GstV4l2rDecoder *self)
{
	GstV4l2rDecoderPrivate *p = PRIV(self);
	PendingOutput *out;

	while ((out = g_queue_pop_head(&p->pending))) {
		gst_v4l2r_decoder_picture_unref(self, out->pic);
		g_free(out);
	}
}

/* ---- GstVideoDecoder ---- */

static gboolean decoder_start(GstVideoDecoder *dec)
{
	GstV4l2rDecoder *self = GST_V4L2R_DECODER(dec);
	GstV4l2rDecoderPrivate *p = PRIV(self);
	const struct gst_v4l2r_device_codec *dev = device_of(self);
	bool ok;

	p->mode = v4l2r_decode_mode_choose(dev->desc, &dev->caps,
					   p->decode_mode, &ok);
	if (!ok) {
		GST_ELEMENT_ERROR(self, RESOURCE, SETTINGS,
				  ("the device offers no %s decode mode this "
				   "plugin can use", dev->desc->name), (NULL));
		return FALSE;
	}
	if (dev->desc->decode_mode_cid &&
	    p->decode_mode != V4L2R_DECODE_MODE_AUTO &&
	    p->mode.slice_based != (p->decode_mode == V4L2R_DECODE_MODE_SLICE))
		GST_WARNING_OBJECT(self, "the device offers no %s-based %s "
				   "decoding: decoding %s-based",
				   p->decode_mode == V4L2R_DECODE_MODE_SLICE ?
					   "slice" : "frame",
				   dev->desc->name,
				   p->mode.slice_based ? "slice" : "frame");
	p->next_timestamp = 0;
	return open_session(self);
}

static gboolean decoder_stop(GstVideoDecoder *dec)
{
	GstV4l2rDecoder *self = GST_V4L2R_DECODER(dec);
	GstV4l2rDecoderPrivate *p = PRIV(self);

	GST_V4L2R_DECODER_GET_CLASS(self)->reset(self);
	drop_pending(self);
	if (p->session)
		v4l2r_session_stop(p->session);
	/* Buffers downstream still holds keep their own fds and memory. */
	only_downstream_holds(p);
	close_session(p);
	g_clear_pointer(&p->input_state, gst_video_codec_state_unref);
	return TRUE;
}

static gboolean decoder_set_format(GstVideoDecoder *dec,
				   GstVideoCodecState *state)
{
	GstV4l2rDecoderPrivate *p = PRIV(GST_V4L2R_DECODER(dec));

	GstV4l2rDecoderClass *klass = GST_V4L2R_DECODER_GET_CLASS(dec);

	if (klass->set_format &&
	    !klass->set_format(GST_V4L2R_DECODER(dec), state))
		return FALSE;
	g_clear_pointer(&p->input_state, gst_video_codec_state_unref);
	p->input_state = gst_video_codec_state_ref(state);
	return TRUE;
}

static GstFlowReturn decoder_handle_frame(GstVideoDecoder *dec,
					  GstVideoCodecFrame *frame)
{
	GstV4l2rDecoder *self = GST_V4L2R_DECODER(dec);
	GstFlowReturn fr = GST_V4L2R_DECODER_GET_CLASS(self)->decode(self,
								     frame);

	gst_video_codec_frame_unref(frame);
	return fr;
}

static GstFlowReturn decoder_finish(GstVideoDecoder *dec)
{
	GstV4l2rDecoder *self = GST_V4L2R_DECODER(dec);
	GstFlowReturn fr = GST_V4L2R_DECODER_GET_CLASS(self)->drain(self);
	GstFlowReturn last = push_pending(self, 0);

	return fr != GST_FLOW_OK ? fr : last;
}

static gboolean decoder_flush(GstVideoDecoder *dec)
{
	GstV4l2rDecoder *self = GST_V4L2R_DECODER(dec);
	GstV4l2rDecoderPrivate *p = PRIV(self);

	GST_V4L2R_DECODER_GET_CLASS(self)->reset(self);
	drop_pending(self);
	if (p->configured) {
		/* Streaming restarts: every request in flight comes back. */
		v4l2r_session_stop(p->session);
		v4l2r_session_start(p->session);
	}
	return TRUE;
}

static gboolean decoder_negotiate(GstVideoDecoder *dec)
{
	GstV4l2rDecoder *self = GST_V4L2R_DECODER(dec);
	GstV4l2rDecoderPrivate *p = PRIV(self);
	GstVideoCodecState *state = gst_video_decoder_get_output_state(dec);

	if (!state)
		return FALSE;
	/* DMABuf when downstream takes it: no copy at all. */
	p->dmabuf = FALSE;
	GstCaps *peer = gst_pad_peer_query_caps(GST_VIDEO_DECODER_SRC_PAD(dec),
						NULL);
	if (!state->caps)
		state->caps = gst_video_info_to_caps(&state->info);
	GstCaps *want = p->configured && peer && !gst_caps_is_any(peer) ?
				dmabuf_caps(p->layout.desc, &state->info,
					    state->caps) : NULL;
	if (want && gst_caps_can_intersect(want, peer) && export_memories(p)) {
		GST_INFO_OBJECT(self, "DMABuf output: %" GST_PTR_FORMAT, want);
		gst_caps_replace(&state->caps, want);
		p->dmabuf = TRUE;
	}
	if (want)
		gst_caps_unref(want);
	if (peer)
		gst_caps_unref(peer);
	gst_video_codec_state_unref(state);
	return GST_VIDEO_DECODER_CLASS(gst_v4l2r_decoder_parent_class)
		->negotiate(dec);
}

/* System memory goes out uncopied when downstream can read the capture
 * buffers as they are laid out: linear, and either it reads GstVideoMeta
 * or the layout is GStreamer's default for the frame; and when the
 * buffers it says it keeps fit the capture buffers set aside for it.
 * Otherwise (tiled and packed formats too) it gets copies: copy_picture. */
static gboolean decoder_decide_allocation(GstVideoDecoder *dec,
					  GstQuery *query)
{
	GstV4l2rDecoderPrivate *p = PRIV(GST_V4L2R_DECODER(dec));

	if (!GST_VIDEO_DECODER_CLASS(gst_v4l2r_decoder_parent_class)
		     ->decide_allocation(dec, query))
		return FALSE;
	p->zero_copy = FALSE;
	if (p->dmabuf || !p->configured)
		return TRUE;
	const struct v4l2r_format_desc *d = p->layout.desc;
	GstVideoCodecState *state = gst_video_decoder_get_output_state(dec);
	guint keeps = 0;
	if (gst_query_get_n_allocation_pools(query) > 0)
		gst_query_parse_nth_allocation_pool(query, 0, NULL, NULL, &keeps,
						    NULL);
	const char *copied_why = NULL;
	if (!is_linear(d))
		copied_why = "tiled or packed";
	else if (keeps > DOWNSTREAM_BUFFERS)
		copied_why = "downstream keeps too many buffers";
	else if (!state ||
		 (!gst_query_find_allocation_meta(query,
						  GST_VIDEO_META_API_TYPE,
						  NULL) &&
		  !layout_is_default(&p->layout, &state->info)))
		copied_why = "downstream reads no video meta";
	else if (!export_memories(p))
		copied_why = "the buffers cannot be exported";
	if (state)
		gst_video_codec_state_unref(state);
	p->zero_copy = !copied_why;
	GST_INFO_OBJECT(dec, "system memory output: %s %s%s%s",
			d->name, copied_why ? "copied (" : "without a copy",
			copied_why ? copied_why : "", copied_why ? ")" : "");
	return TRUE;
}

static gboolean decoder_src_query(GstVideoDecoder *dec, GstQuery *query)
{
	GstV4l2rDecoderPrivate *p = PRIV(GST_V4L2R_DECODER(dec));

	if (GST_QUERY_TYPE(query) == GST_QUERY_LATENCY && p->input_state) {
		/* Output waits for the pictures in flight and the codec's
		 * reordering. */
		gint n = p->input_state->info.fps_n, d = p->input_state->info.fps_d;
		if (n > 0 && d > 0) {
			GstClockTime frame = gst_util_uint64_scale(GST_SECOND,
								   (guint64)d,
								   (guint64)n);
			gst_video_decoder_set_latency(
				dec, frame * (p->requests + p->info.references),
				frame * (p->requests + p->info.references));
		}
	}
	return GST_VIDEO_DECODER_CLASS(gst_v4l2r_decoder_parent_class)
		->src_query(dec, query);
}

/* ---- GObject ---- */

static void set_property(GObject *object, guint id, const GValue *value,
			 GParamSpec *pspec)
{
	GstV4l2rDecoderPrivate *p = PRIV(GST_V4L2R_DECODER(object));

	switch (id) {
	case PROP_DEVICE:
		g_free(p->device);
		p->device = g_value_dup_string(value);
		break;
	case PROP_REQUESTS:
		p->requests = g_value_get_uint(value);
		break;
	case PROP_TIMEOUT:
		p->timeout_ms = g_value_get_uint(value);
		break;
	case PROP_RECORD:
		g_free(p->record);
		p->record = g_value_dup_string(value);
		break;
	case PROP_DECODE_MODE:
		p->decode_mode = g_value_get_enum(value);
		break;
	default:
		G_OBJECT_WARN_INVALID_PROPERTY_ID(object, id, pspec);
	}
}

static void get_property(GObject *object, guint id, GValue *value,
			 GParamSpec *pspec)
{
	GstV4l2rDecoderPrivate *p = PRIV(GST_V4L2R_DECODER(object));

	switch (id) {
	case PROP_DEVICE:
		g_value_set_string(value, p->device);
		break;
	case PROP_REQUESTS:
		g_value_set_uint(value, p->requests);
		break;
	case PROP_TIMEOUT:
		g_value_set_uint(value, p->timeout_ms);
		break;
	case PROP_RECORD:
		g_value_set_string(value, p->record);
		break;
	case PROP_DECODE_MODE:
		g_value_set_enum(value, p->decode_mode);
		break;
	default:
		G_OBJECT_WARN_INVALID_PROPERTY_ID(object, id, pspec);
	}
}

static void finalize(GObject *object)
{
	GstV4l2rDecoderPrivate *p = PRIV(GST_V4L2R_DECODER(object));

	close_session(p);
	g_free(p->device);
	g_free(p->record);
	g_mutex_clear(&p->lock);
	g_cond_clear(&p->released);
	G_OBJECT_CLASS(gst_v4l2r_decoder_parent_class)->finalize(object);
}

static void gst_v4l2r_decoder_init(GstV4l2rDecoder *self)
{
	GstV4l2rDecoderPrivate *p = PRIV(self);
	const struct gst_v4l2r_device_codec *dev = device_of(self);

	p->device = g_strdup(dev ? dev->node.video_path : NULL);
	p->requests = DEFAULT_REQUESTS;
	p->timeout_ms = DEFAULT_TIMEOUT_MS;
	p->decode_mode = V4L2R_DECODE_MODE_AUTO;
	g_mutex_init(&p->lock);
	g_cond_init(&p->released);
	g_queue_init(&p->pending);
	gst_video_decoder_set_packetized(GST_VIDEO_DECODER(self), TRUE);
}

static void gst_v4l2r_decoder_class_init(GstV4l2rDecoderClass *klass)
{
	GObjectClass *object = G_OBJECT_CLASS(klass);
	GstVideoDecoderClass *dec = GST_VIDEO_DECODER_CLASS(klass);

	picture_quark = g_quark_from_static_string("v4l2r-picture");
	object->set_property = set_property;
	object->get_property = get_property;
	object->finalize = finalize;
	dec->start = decoder_start;
	dec->stop = decoder_stop;
	dec->set_format = decoder_set_format;
	dec->handle_frame = decoder_handle_frame;
	dec->finish = decoder_finish;
	dec->drain = decoder_finish;
	dec->flush = decoder_flush;
	dec->negotiate = decoder_negotiate;
	dec->decide_allocation = decoder_decide_allocation;
	dec->src_query = decoder_src_query;

	const GParamFlags rw = G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS |
			       GST_PARAM_MUTABLE_READY;
	g_object_class_install_property(object, PROP_DEVICE,
		g_param_spec_string("device", "Device",
				    "The decoder's video node (another "
				    "stateless decoder than the one this "
				    "element was registered for)", NULL, rw));
	g_object_class_install_property(object, PROP_REQUESTS,
		g_param_spec_uint("requests", "Requests in flight",
				  "Pictures queued to the device ahead of "
				  "output (more hides the device's latency, "
				  "costs buffers)", 1, MAX_REQUESTS,
				  DEFAULT_REQUESTS, rw));
	g_object_class_install_property(object, PROP_TIMEOUT,
		g_param_spec_uint("timeout", "Timeout",
				  "Milliseconds a picture may take before it "
				  "is given up (the frame is lost, decoding "
				  "goes on)", 10, 600000, DEFAULT_TIMEOUT_MS,
				  rw));
	g_object_class_install_property(object, PROP_RECORD,
		g_param_spec_string("record", "Record",
				    "Records the session into this trace file "
				    "(replay it with v4l2-request-test "
				    "replay)", NULL, rw));
	g_object_class_install_property(object, PROP_DECODE_MODE,
		g_param_spec_enum("decode-mode", "Decode mode",
				  "H.264/HEVC: a request per slice or per "
				  "picture, where the device offers both",
				  GST_TYPE_V4L2R_DECODE_MODE,
				  V4L2R_DECODE_MODE_AUTO, rw));
}

/* ---- registration ---- */

/* The formats downstream sees for the device's capture formats. */
static GstCaps *src_caps(const struct v4l2r_codec_caps *caps)
{
	GValue formats = G_VALUE_INIT, v = G_VALUE_INIT;

	g_value_init(&formats, GST_TYPE_LIST);
	g_value_init(&v, G_TYPE_STRING);
	for (unsigned i = 0; i < caps->n_capture; i++) {
		GstVideoFormat f = video_format_of(caps->capture_fourccs[i]);
		const gchar *name = gst_video_format_to_string(f);
		gboolean seen = FALSE;
		if (f == GST_VIDEO_FORMAT_UNKNOWN)
			continue;
		for (guint j = 0; j < gst_value_list_get_size(&formats); j++)
			seen |= !g_strcmp0(name, g_value_get_string(
				gst_value_list_get_value(&formats, j)));
		if (seen)
			continue;
		g_value_set_string(&v, name);
		gst_value_list_append_value(&formats, &v);
	}
	g_value_unset(&v);
	GstCaps *out = gst_caps_from_string("video/x-raw");
	if (gst_value_list_get_size(&formats))
		gst_caps_set_value(out, "format", &formats);
#if GST_CHECK_VERSION(1, 24, 0)
	/* DMABuf as DMA_DRM: the drm-format names fourcc and modifier */
	gst_caps_append(out, gst_caps_from_string(
		"video/x-raw(" GST_CAPS_FEATURE_MEMORY_DMABUF "), "
		"format = (string) DMA_DRM"));
#else
	GstCaps *dmabuf = gst_caps_copy(out);
	gst_caps_set_features_simple(dmabuf, gst_caps_features_new(
		GST_CAPS_FEATURE_MEMORY_DMABUF, NULL));
	gst_caps_append(out, dmabuf);
#endif
	g_value_unset(&formats);
	return out;
}

/* The per-device type: pad templates and metadata from what the device
 * reported, on top of the codec's class (GstV4l2rDecoderClass.sink_caps). */
static void device_class_init(gpointer klass, gpointer data)
{
	GstV4l2rDecoderClass *k = GST_V4L2R_DECODER_CLASS(klass);
	GstElementClass *element = GST_ELEMENT_CLASS(klass);
	const struct gst_v4l2r_device_codec *dev = data;

	k->device = dev;
	GstCaps *sink = gst_caps_from_string(k->sink_caps);
	gst_element_class_add_pad_template(element,
		gst_pad_template_new("sink", GST_PAD_SINK, GST_PAD_ALWAYS,
				     sink));
	gst_caps_unref(sink);
	GstCaps *src = src_caps(&dev->caps);
	gst_element_class_add_pad_template(element,
		gst_pad_template_new("src", GST_PAD_SRC, GST_PAD_ALWAYS, src));
	gst_caps_unref(src);
	gchar *longname = g_strdup_printf("V4L2 request %s decoder (%s)",
					  k->codec_name, dev->node.model[0] ?
					  dev->node.model : dev->node.driver);
	gchar *description = g_strdup_printf(
		"Decodes %s on the stateless decoder %s through the V4L2 "
		"request API", k->codec_name, dev->node.video_path);
	gst_element_class_set_metadata(element, longname,
				       "Codec/Decoder/Video/Hardware",
				       description,
				       "v4l2-request project");
	g_free(longname);
	g_free(description);
}

gboolean gst_v4l2r_decoder_register(GstPlugin *plugin, GType codec_type,
				    const char *name, guint rank,
				    const struct gst_v4l2r_device_codec *device)
{
	GTypeQuery query;

	g_type_query(codec_type, &query);
	GTypeInfo info = {
		.class_size = (guint16)query.class_size,
		.class_init = device_class_init,
		.class_data = device,
		.instance_size = (guint16)query.instance_size,
	};
	/* "Gstv4l2requestmpeg2dec": instances are named after the element
	 * ("v4l2requestmpeg2dec0"). */
	gchar *type_name = g_strdup_printf("Gst%s", name);
	GType type = g_type_register_static(codec_type, type_name, &info, 0);
	g_free(type_name);
	return gst_element_register(plugin, name, rank, type);
}
