/* The plumbing every decoder element shares: a GstVideoDecoder driving one
 * core session (src/core/) — the device, its buffers and requests, the
 * pictures' capture buffers, output in system memory or as DMABuf, errors
 * that cost one frame. The codec elements (mpeg2.c, ...) parse, keep the
 * references and say what to decode and when to output it. */
#ifndef GST_V4L2R_DECODER_H
#define GST_V4L2R_DECODER_H

#include <gst/gst.h>
#include <gst/video/video.h>

#include "v4l2r/codec.h"
#include "v4l2r/decode_mode.h"
#include "v4l2r/discovery.h"
#include "v4l2r/probe.h"
#include "ref_slots.h"

struct v4l2_ext_control;

G_BEGIN_DECLS

#define GST_TYPE_V4L2R_DECODER (gst_v4l2r_decoder_get_type())
G_DECLARE_DERIVABLE_TYPE(GstV4l2rDecoder, gst_v4l2r_decoder, GST,
			 V4L2R_DECODER, GstVideoDecoder)

/* What an element type decodes: set once per registered type (one per
 * device and codec) from what the device reported. */
struct gst_v4l2r_device_codec {
	struct v4l2r_node node;
	const struct v4l2r_codec_desc *desc;
	struct v4l2r_codec_caps caps;
};

struct _GstV4l2rDecoderClass {
	GstVideoDecoderClass parent_class;

	const struct gst_v4l2r_device_codec *device;
	/* Set by the codec's class_init. */
	const char *sink_caps;
	const char *codec_name;	/* "MPEG-2", "H.264", ... */

	/* Parses one input frame (an access unit) and decodes it through
	 * gst_v4l2r_decoder_{configure,new_picture,queue,output}. Errors
	 * that concern this frame only go through GST_VIDEO_DECODER_ERROR. */
	GstFlowReturn (*decode)(GstV4l2rDecoder *self,
				GstVideoCodecFrame *frame);
	/* End of stream or drain: output what the references still hold. */
	GstFlowReturn (*drain)(GstV4l2rDecoder *self);
	/* Flush, seek or stop: forget every reference, output nothing. */
	void (*reset)(GstV4l2rDecoder *self);
	/* Optional: the input caps (a stream format, codec_data); FALSE
	 * refuses them. */
	gboolean (*set_format)(GstV4l2rDecoder *self,
			       GstVideoCodecState *state);
};

/* A picture being decoded or held: one capture buffer of the session. */
typedef struct {
	unsigned index;		/* the capture buffer */
	guint64 timestamp;	/* what later requests reference it by */
	guint32 frame_number;	/* its GstVideoCodecFrame */
	/* Holders: each of the codec's references, a pending output and
	 * each downstream buffer. At 0 the capture buffer is free. */
	gint refs;
	gint downstream;	/* of refs, those of buffers downstream */
	gboolean queued;	/* a request decoding into it was queued */
	gboolean failed;	/* lost at queueing, the warning posted */
} GstV4l2rPicture;

/* What a stream needs of the device; the codec calls configure when it
 * changes (size, bit depth, references), before the first picture. */
typedef struct {
	guint width, height;	/* coded size the device is set to */
	guint display_width, display_height;	/* what goes downstream */
	guint bit_depth;	/* 8 or 10 */
	guint references;	/* pictures the codec may hold (DPB size) */
	GstVideoInterlaceMode interlace;
	/* Controls that tell the device the stream before it chooses its
	 * capture formats (a sequence header). */
	struct v4l2_ext_control *controls;
	guint n_controls;
	/* The codec's references survive a size change (VP9 inter frames
	 * scale them): a new size that fits the capture buffers keeps the
	 * device and its buffers, and only the output caps change. */
	gboolean keep_buffers;
} GstV4l2rStreamInfo;

/* One piece of a request's bitstream; start_code puts 00 00 01 first. */
typedef struct {
	const guint8 *data;
	gsize size;
	gboolean start_code;
} GstV4l2rChunk;

/* Drains, then sets the device up for the stream (again when it changed:
 * new buffers, renegotiation downstream; with keep_buffers and a size the
 * capture buffers hold, the pictures already decoded go out and only the
 * output caps change). */
GstFlowReturn gst_v4l2r_decoder_configure(GstV4l2rDecoder *self,
					  const GstV4l2rStreamInfo *info);
const struct v4l2r_decode_mode *
gst_v4l2r_decoder_mode(GstV4l2rDecoder *self);
/* Whether configure(info) will set the device up again (another size,
 * unless keep_buffers and it fits, depth, interlacing or more references
 * than before): the codec then outputs and drops its references first, or
 * their buffers stay in use. */
gboolean gst_v4l2r_decoder_changes_stream(GstV4l2rDecoder *self,
					  const GstV4l2rStreamInfo *info);

/* A free capture buffer for frame (waits while downstream holds them all),
 * with one reference held by the caller. NULL on error (posted). */
GstV4l2rPicture *gst_v4l2r_decoder_new_picture(GstV4l2rDecoder *self,
					       GstVideoCodecFrame *frame);
void gst_v4l2r_decoder_picture_ref(GstV4l2rDecoder *self,
				   GstV4l2rPicture *pic);
void gst_v4l2r_decoder_picture_unref(GstV4l2rDecoder *self,
				     GstV4l2rPicture *pic);
/* The picture decoded (or being decoded) under timestamp, while someone
 * holds it; NULL otherwise. Reference managers name pictures so. */
GstV4l2rPicture *gst_v4l2r_decoder_picture_by_timestamp(GstV4l2rDecoder *self,
							 guint64 timestamp);
/* *slot = pic, moving a reference (either may be NULL). */
void gst_v4l2r_decoder_set_ref(GstV4l2rDecoder *self, GstV4l2rPicture **slot,
			       GstV4l2rPicture *pic);

/* Reference slots (ref_slots.h) of this decoder's pictures: a picture
 * in a slot keeps its capture buffer. */
void gst_v4l2r_decoder_init_slots(GstV4l2rDecoder *self,
				  struct ref_slots *slots, guint count);
/* What the device names the picture of slot by (0: an empty slot). */
guint64 gst_v4l2r_slot_timestamp(const struct ref_slots *slots, gint slot);

/* Queues one request decoding into pic: controls, and the bitstream
 * chunks written straight into the OUTPUT buffer. hold: more requests of
 * the same picture follow (slice-based decoding). */
GstFlowReturn gst_v4l2r_decoder_queue(GstV4l2rDecoder *self,
				      GstV4l2rPicture *pic,
				      struct v4l2_ext_control *controls,
				      guint n_controls,
				      const GstV4l2rChunk *chunks,
				      guint n_chunks, gboolean hold);

/* Pushes pic's frame downstream once decoded, in the order of the calls
 * (output order); waits only when more than the requests in flight are
 * pending. A picture that failed costs its frame, with a warning. */
GstFlowReturn gst_v4l2r_decoder_output(GstV4l2rDecoder *self,
				       GstV4l2rPicture *pic);
/* The same for another frame than the picture's own (a picture shown
 * again: VP9's and AV1's show_existing_frame). */
GstFlowReturn gst_v4l2r_decoder_output_for(GstV4l2rDecoder *self,
					   GstV4l2rPicture *pic,
					   guint32 frame_number);

/* Drops frame (nothing of it will be shown), e.g. a picture that cannot
 * be decoded without references lost to a seek. */
void gst_v4l2r_decoder_skip(GstV4l2rDecoder *self, GstVideoCodecFrame *frame,
			    const char *why);
/* After a GST_VIDEO_DECODER_ERROR that returned fr: the frame is lost
 * (dropped) while the pipeline goes on; fr is returned. */
GstFlowReturn gst_v4l2r_decoder_lose(GstV4l2rDecoder *self,
				     GstVideoCodecFrame *frame,
				     GstFlowReturn fr);

/* Registers an element type decoding device's codec; name like
 * "v4l2requestmpeg2dec". */
gboolean gst_v4l2r_decoder_register(GstPlugin *plugin, GType codec_type,
				    const char *name, guint rank,
				    const struct gst_v4l2r_device_codec *device);

/* A frame is lost (text and debug as GST_VIDEO_DECODER_ERROR's, in
 * parentheses): a warning on the bus names it, and it counts against the
 * element's max-errors, which decides whether the pipeline stops (ret). */
#define GST_V4L2R_FRAME_ERROR(el, text, debug, ret)                           \
	G_STMT_START {                                                        \
		gchar *frame_txt__ = _gst_element_error_printf text;           \
		gchar *frame_dbg__ = _gst_element_error_printf debug;               \
		GST_ELEMENT_WARNING(el, STREAM, DECODE, ("%s", frame_txt__),        \
				    ("%s", frame_dbg__ ? frame_dbg__ : ""));              \
		ret = _gst_video_decoder_error(GST_VIDEO_DECODER(el), 1,      \
					       GST_STREAM_ERROR,              \
					       GST_STREAM_ERROR_DECODE, frame_txt__, \
					       frame_dbg__, __FILE__, GST_FUNCTION, \
					       __LINE__);                     \
	} G_STMT_END

GST_DEBUG_CATEGORY_EXTERN(gst_v4l2r_debug);
#define GST_CAT_DEFAULT gst_v4l2r_debug

G_END_DECLS

#endif
