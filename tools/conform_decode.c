/* conform: libavformat/libavcodec decoding, software or VA-API, into
 * canonical frames (see conform_decode.h). */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/avconfig.h>
#include <libavutil/hwcontext.h>
#include <libavutil/pixdesc.h>

#include "conform_decode.h"

/* Errors in a row after which a stream is given up: far more than any
 * damaged stream gives, few enough not to spin on a broken decoder. */
#define MAX_ERRORS_IN_A_ROW 1000

#define MSG_LEN 256

struct conform_decoder {
	AVFormatContext *fmt;
	AVCodecContext *avctx;
	AVBufferRef *hw_device;
	AVPacket *pkt;
	AVFrame *frame;		/* as decoded */
	AVFrame *download;	/* a VA-API frame, downloaded */
	int stream;
	bool vaapi;
	bool flushed;		/* the end of the stream was sent */
	bool ended;
	bool refused;		/* get_format found no VA-API format */
	unsigned packets;	/* sent to the decoder */
	unsigned frames;	/* out of it */
	unsigned errors, errors_in_a_row;
	char first_error[MSG_LEN];
	char log_error[MSG_LEN];	/* first libav error logged, since reset */
	char va_driver[128];
	struct conform_frame_buffers buffers;
};

/* ---- libav's log ---- */

/* The decoder whose call into libav is running on this thread: its
 * messages are kept for its reports. Software decoders' worker threads
 * have none (their messages are only printed). */
static _Thread_local struct conform_decoder *log_owner;
static int print_level = AV_LOG_QUIET;

static void trim_newline(char *s)
{
	size_t n = strlen(s);

	while (n && (s[n - 1] == '\n' || s[n - 1] == '\r' || s[n - 1] == ' '))
		s[--n] = '\0';
}

/* FFmpeg's format strings: the attribute tells the compiler (clang warns
 * about a non-literal format otherwise). */
__attribute__((format(printf, 3, 0)))
static void log_callback(void *avcl, int level, const char *fmt, va_list vl)
{
	static _Thread_local int print_prefix = 1;
	struct conform_decoder *d = log_owner;
	bool keep_error = d && level <= AV_LOG_ERROR && !d->log_error[0];
	bool keep_driver = d && d->vaapi && !d->va_driver[0] &&
			   level <= AV_LOG_VERBOSE;
	char msg[MSG_LEN];
	va_list copy;

	if (level > print_level && !keep_error && !keep_driver)
		return;
	va_copy(copy, vl);
	vsnprintf(msg, sizeof(msg), fmt, copy);
	va_end(copy);
	trim_newline(msg);
	if (keep_error && msg[0])
		snprintf(d->log_error, sizeof(d->log_error), "%s", msg);
	if (keep_driver && strncmp(msg, "VAAPI driver: ", 14) == 0) {
		snprintf(d->va_driver, sizeof(d->va_driver), "%.127s",
			 msg + 14);
		/* libavutil ends it with a full stop */
		if (d->va_driver[0] &&
		    d->va_driver[strlen(d->va_driver) - 1] == '.')
			d->va_driver[strlen(d->va_driver) - 1] = '\0';
	}
	if (level <= print_level) {
		char line[1024];

		av_log_format_line2(avcl, level, fmt, vl, line, sizeof(line),
				    &print_prefix);
		fputs(line, stderr);
	}
}

void conform_decode_log_init(int verbosity)
{
	print_level = verbosity <= 0 ? AV_LOG_QUIET
		      : verbosity == 1 ? AV_LOG_WARNING
				       : AV_LOG_VERBOSE;
	av_log_set_callback(log_callback);
}

/* Runs with d as the owner of libav's messages. */
static void own_log(struct conform_decoder *d)
{
	log_owner = d;
	d->log_error[0] = '\0';
}

static int error_out(char *err, size_t errlen, int ret, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int error_out(char *err, size_t errlen, int ret, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	log_owner = NULL;
	return ret;
}

/* ", libav: <first error logged>" when there was one. */
static const char *log_suffix(const struct conform_decoder *d, char buf[MSG_LEN + 16])
{
	if (!d->log_error[0])
		return "";
	snprintf(buf, MSG_LEN + 16, " (libav: %s)", d->log_error);
	return buf;
}

/* ---- opening ---- */

static const AVCodec *find_vaapi_decoder(enum AVCodecID id)
{
	const AVCodec *codec;
	void *it = NULL;

	while ((codec = av_codec_iterate(&it))) {
		const AVCodecHWConfig *cfg;

		if (codec->id != id || !av_codec_is_decoder(codec))
			continue;
		for (int i = 0; (cfg = avcodec_get_hw_config(codec, i)); i++)
			if (cfg->device_type == AV_HWDEVICE_TYPE_VAAPI &&
			    (cfg->methods & AV_CODEC_HW_CONFIG_METHOD_HW_DEVICE_CTX))
				return codec;
	}
	return NULL;
}

/* Takes VA-API or nothing: a silent fall back to software would make
 * the comparison pass without testing the driver. */
static enum AVPixelFormat get_vaapi_format(AVCodecContext *avctx,
					   const enum AVPixelFormat *fmts)
{
	struct conform_decoder *d = avctx->opaque;

	for (const enum AVPixelFormat *p = fmts; *p != AV_PIX_FMT_NONE; p++)
		if (*p == AV_PIX_FMT_VAAPI)
			return *p;
	d->refused = true;
	return AV_PIX_FMT_NONE;
}

static int open_input(struct conform_decoder *d, const char *path,
		      const char *demuxer, char *err, size_t errlen)
{
	int ret = avformat_open_input(&d->fmt, path, NULL, NULL);

	if (ret < 0 && demuxer) {
		const AVInputFormat *ifmt = av_find_input_format(demuxer);

		if (ifmt)
			ret = avformat_open_input(&d->fmt, path, ifmt, NULL);
	}
	if (ret < 0)
		return error_out(err, errlen, -EIO, "cannot open %s: %s", path,
				 av_err2str(ret));
	ret = avformat_find_stream_info(d->fmt, NULL);
	if (ret < 0)
		return error_out(err, errlen, -EIO, "cannot read %s: %s", path,
				 av_err2str(ret));
	ret = av_find_best_stream(d->fmt, AVMEDIA_TYPE_VIDEO, -1, -1, NULL, 0);
	if (ret < 0)
		return error_out(err, errlen, -ENOENT, "%s has no video stream",
				 path);
	d->stream = ret;
	return 0;
}

static int open_codec(struct conform_decoder *d, const char *render_node,
		      char *err, size_t errlen)
{
	AVStream *st = d->fmt->streams[d->stream];
	enum AVCodecID id = st->codecpar->codec_id;
	const AVCodec *codec;
	char suffix[MSG_LEN + 16];
	int ret;

	codec = d->vaapi ? find_vaapi_decoder(id) : avcodec_find_decoder(id);
	if (!codec)
		return error_out(err, errlen, d->vaapi ? -ENOTSUP : -ENOENT,
				 "libavcodec has no %sdecoder for %s",
				 d->vaapi ? "VA-API " : "",
				 avcodec_get_name(id));
	d->avctx = avcodec_alloc_context3(codec);
	if (!d->avctx)
		return error_out(err, errlen, -ENOMEM, "out of memory");
	ret = avcodec_parameters_to_context(d->avctx, st->codecpar);
	if (ret < 0)
		return error_out(err, errlen, -EINVAL,
				 "cannot set up the %s decoder: %s", codec->name,
				 av_err2str(ret));
	d->avctx->pkt_timebase = st->time_base;
	d->avctx->opaque = d;
	if (d->vaapi) {
		ret = av_hwdevice_ctx_create(&d->hw_device,
					     AV_HWDEVICE_TYPE_VAAPI,
					     render_node, NULL, 0);
		if (ret < 0)
			return error_out(err, errlen, -ENODEV,
					 "cannot open VA-API on %s: %s%s",
					 render_node, av_err2str(ret),
					 log_suffix(d, suffix));
		d->avctx->hw_device_ctx = av_buffer_ref(d->hw_device);
		if (!d->avctx->hw_device_ctx)
			return error_out(err, errlen, -ENOMEM, "out of memory");
		d->avctx->get_format = get_vaapi_format;
		d->avctx->thread_count = 1;
	} else {
		d->avctx->thread_count = 0;	/* as many as there are CPUs */
	}
	ret = avcodec_open2(d->avctx, codec, NULL);
	if (ret < 0)
		return error_out(err, errlen, -EINVAL,
				 "cannot open the %s decoder: %s%s", codec->name,
				 av_err2str(ret), log_suffix(d, suffix));
	return 0;
}

int conform_decoder_open(struct conform_decoder **out, const char *path,
			 const struct conform_decode_opts *opts, char *err,
			 size_t errlen)
{
	struct conform_decoder *d = calloc(1, sizeof(*d));
	int ret;

	*out = NULL;
	if (!d)
		return error_out(err, errlen, -ENOMEM, "out of memory");
	d->vaapi = opts->vaapi;
	own_log(d);
	ret = open_input(d, path, opts->demuxer, err, errlen);
	if (ret == 0)
		ret = open_codec(d, opts->render_node, err, errlen);
	if (ret == 0) {
		d->pkt = av_packet_alloc();
		d->frame = av_frame_alloc();
		d->download = av_frame_alloc();
		if (!d->pkt || !d->frame || !d->download)
			ret = error_out(err, errlen, -ENOMEM, "out of memory");
	}
	log_owner = NULL;
	if (ret < 0) {
		conform_decoder_close(d);
		return ret;
	}
	*out = d;
	return 0;
}

void conform_decoder_close(struct conform_decoder *d)
{
	if (!d)
		return;
	avcodec_free_context(&d->avctx);
	av_buffer_unref(&d->hw_device);
	avformat_close_input(&d->fmt);
	av_packet_free(&d->pkt);
	av_frame_free(&d->frame);
	av_frame_free(&d->download);
	conform_frame_buffers_free(&d->buffers);
	free(d);
}

bool conform_probe_file(const char *path)
{
	AVFormatContext *fmt = NULL;
	bool ok = false;
	int idx;

	if (avformat_open_input(&fmt, path, NULL, NULL) < 0)
		return false;
	if (avformat_find_stream_info(fmt, NULL) >= 0) {
		idx = av_find_best_stream(fmt, AVMEDIA_TYPE_VIDEO, -1, -1, NULL, 0);
		ok = idx >= 0 &&
		     avcodec_find_decoder(fmt->streams[idx]->codecpar->codec_id);
	}
	avformat_close_input(&fmt);
	return ok;
}

/* ---- frames ---- */

static int grow(void **buf, size_t *size, size_t need)
{
	void *nb;

	if (*size >= need)
		return 0;
	nb = realloc(*buf, need);
	if (!nb)
		return -ENOMEM;
	*buf = nb;
	*size = need;
	return 0;
}

/* Whether conform can compare frames of this pixel format (see
 * conform_frame_from_av); fills l when it can. */
static bool layout_of(const AVPixFmtDescriptor *desc, struct conform_layout *l)
{
	if (!desc || !desc->nb_components ||
	    desc->nb_components > CONFORM_MAX_PLANES ||
	    (desc->flags & (AV_PIX_FMT_FLAG_HWACCEL | AV_PIX_FMT_FLAG_BITSTREAM |
			    AV_PIX_FMT_FLAG_PAL)) ||
	    ((desc->flags & AV_PIX_FMT_FLAG_RGB) &&
	     !(desc->flags & AV_PIX_FMT_FLAG_PLANAR)))
		return false;
	for (unsigned c = 1; c < desc->nb_components; c++)
		if (desc->comp[c].depth != desc->comp[0].depth)
			return false;
	if (desc->comp[0].depth < 1 || desc->comp[0].depth > 16)
		return false;
	*l = (struct conform_layout){
		.nb_planes = desc->nb_components,
		.depth = desc->comp[0].depth,
		.log2_chroma_w = desc->log2_chroma_w,
		.log2_chroma_h = desc->log2_chroma_h,
		.rgb = desc->flags & AV_PIX_FMT_FLAG_RGB,
	};
	return true;
}

int conform_layout_of_format(const char *name, struct conform_layout *l)
{
	enum AVPixelFormat fmt = av_get_pix_fmt(name);

	if (fmt == AV_PIX_FMT_NONE ||
	    !layout_of(av_pix_fmt_desc_get(fmt), l))
		return -EINVAL;
	return 0;
}

void conform_frame_buffers_free(struct conform_frame_buffers *b)
{
	for (unsigned i = 0; i < CONFORM_MAX_PLANES; i++)
		free(b->plane[i]);
	free(b->row);
	*b = (struct conform_frame_buffers){ 0 };
}

int conform_frame_from_av(const AVFrame *pixels, unsigned x, unsigned y,
			  unsigned w, unsigned h,
			  struct conform_frame_buffers *b,
			  struct conform_frame *out, char *err, size_t errlen)
{
	const AVPixFmtDescriptor *desc = av_pix_fmt_desc_get(pixels->format);
	const char *name = av_get_pix_fmt_name(pixels->format);
	struct conform_layout *l = &out->layout;
	unsigned order[CONFORM_MAX_PLANES], bps;
	const uint8_t *data[4];
	int linesize[4];

	memset(out, 0, sizeof(*out));
	if (!layout_of(desc, l))
		return error_out(err, errlen, -ENOTSUP,
				 "frames in %s, a pixel format conform does not compare",
				 name ? name : "an unknown format");
	if (x + w > (unsigned)pixels->width || y + h > (unsigned)pixels->height ||
	    !w || !h)
		return error_out(err, errlen, -EINVAL,
				 "a %dx%d frame with a visible area of %ux%u at %u,%u",
				 pixels->width, pixels->height, w, h, x, y);

	snprintf(out->format, sizeof(out->format), "%s", name);
	bps = conform_bytes_per_sample(l);

	/* Components in the order of their planes (stable): Y U V for YUV
	 * and NV12 alike, G B R for gbrp as a raw file has them. */
	for (unsigned i = 0; i < l->nb_planes; i++)
		order[i] = i;
	for (unsigned i = 1; i < l->nb_planes; i++)
		for (unsigned j = i; j > 0 && desc->comp[order[j - 1]].plane >
						 desc->comp[order[j]].plane; j--) {
			unsigned t = order[j];

			order[j] = order[j - 1];
			order[j - 1] = t;
		}
	for (unsigned i = 0; i < 4; i++) {
		data[i] = pixels->data[i];
		linesize[i] = pixels->linesize[i];
	}

	for (unsigned i = 0; i < l->nb_planes; i++) {
		unsigned ci = order[i];
		const AVComponentDescriptor *comp = &desc->comp[ci];
		bool chroma = ci == 1 || ci == 2;
		unsigned sw = chroma ? l->log2_chroma_w : 0;
		unsigned sh = chroma ? l->log2_chroma_h : 0;
		/* rounded up, as libav sizes chroma (AV_CEIL_RSHIFT
		 * wants signed values) */
		unsigned pw = (w + (1u << sw) - 1) >> sw;
		unsigned ph = (h + (1u << sh) - 1) >> sh;
		unsigned px = x >> sw, py = y >> sh;
		struct conform_plane *p = &out->plane[i];
		bool native = comp->shift == 0 && comp->offset == 0 &&
			      (unsigned)comp->step == bps &&
			      (bps == 1 || (!AV_HAVE_BIGENDIAN &&
					     !(desc->flags & AV_PIX_FMT_FLAG_BE)));

		p->width = pw;
		p->height = ph;
		if (native) {
			p->stride = pixels->linesize[comp->plane];
			p->data = pixels->data[comp->plane] +
				  (ptrdiff_t)py * p->stride + (size_t)px * bps;
			continue;
		}
		if (grow((void **)&b->plane[i], &b->size[i],
			 (size_t)pw * ph * bps) < 0 ||
		    grow((void **)&b->row, &b->row_size,
			 (size_t)pw * sizeof(*b->row)) < 0)
			return error_out(err, errlen, -ENOMEM, "out of memory");
		for (unsigned r = 0; r < ph; r++) {
			uint8_t *dst = b->plane[i] + (size_t)r * pw * bps;

			av_read_image_line2(b->row, data, linesize, desc,
					    (int)px, (int)(py + r), (int)ci,
					    (int)pw, 0, 2);
			for (unsigned s = 0; s < pw; s++) {
				if (bps == 1) {
					dst[s] = (uint8_t)b->row[s];
				} else {
					dst[2 * s] = (uint8_t)b->row[s];
					dst[2 * s + 1] = (uint8_t)(b->row[s] >> 8);
				}
			}
		}
		p->data = b->plane[i];
		p->stride = (ptrdiff_t)pw * bps;
	}
	return 0;
}

/* The decoded frame d->frame as a canonical frame, downloaded first when
 * it is a VA-API surface. */
static int output_frame(struct conform_decoder *d, struct conform_frame *out,
			char *err, size_t errlen)
{
	AVFrame *f = d->frame;
	const AVFrame *pixels = f;
	char suffix[MSG_LEN + 16];
	unsigned w, h;
	int ret;

	if (d->vaapi) {
		if (f->format != AV_PIX_FMT_VAAPI)
			return error_out(err, errlen, -EPROTO,
					 "frame %u came out of the decoder in %s, not as a VA-API surface",
					 d->frames, av_get_pix_fmt_name(f->format));
		av_frame_unref(d->download);
		ret = av_hwframe_transfer_data(d->download, f, 0);
		if (ret < 0)
			return error_out(err, errlen, -EIO,
					 "cannot download frame %u from its VA-API surface: %s%s",
					 d->frames, av_err2str(ret),
					 log_suffix(d, suffix));
		pixels = d->download;
	}
	/* libavcodec crops software frames itself; of a VA-API frame it
	 * takes off only the right and bottom, so the rest is applied here. */
	if (f->crop_left + f->crop_right > (size_t)f->width ||
	    f->crop_top + f->crop_bottom > (size_t)f->height)
		return error_out(err, errlen, -EINVAL,
				 "frame %u: cropping larger than the frame",
				 d->frames);
	w = (unsigned)(f->width - f->crop_left - f->crop_right);
	h = (unsigned)(f->height - f->crop_top - f->crop_bottom);
	ret = conform_frame_from_av(pixels, (unsigned)f->crop_left,
				    (unsigned)f->crop_top, w, h, &d->buffers, out,
				    err, errlen);
	if (ret < 0)
		return ret;
	d->frames++;
	return 1;
}

/* A refused packet or failed frame: counted, and fatal only when the VA
 * driver refused the stream or nothing decodes any more. */
static int decode_error(struct conform_decoder *d, int averr, const char *what,
			char *err, size_t errlen)
{
	const char *profile = conform_decoder_profile(d);
	char suffix[MSG_LEN + 16];

	if (d->refused)
		return error_out(err, errlen, -ENOTSUP,
				 "the VA driver cannot decode this %s stream%s%s%s%s",
				 avcodec_get_name(d->avctx->codec_id),
				 profile ? " (profile: " : "", profile ? profile : "",
				 profile ? ")" : "", log_suffix(d, suffix));
	/* packets are counted from 1 as they are sent */
	if (d->errors++ == 0)
		snprintf(d->first_error, sizeof(d->first_error),
			 "%s %u: %s%.150s", what, d->packets ? d->packets - 1 : 0,
			 av_err2str(averr), log_suffix(d, suffix));
	if (++d->errors_in_a_row >= MAX_ERRORS_IN_A_ROW)
		return error_out(err, errlen, -EIO,
				 "%u decoding errors in a row, giving up (first: %s)",
				 d->errors_in_a_row, d->first_error);
	d->log_error[0] = '\0';
	return 0;
}

int conform_decoder_next(struct conform_decoder *d,
			 struct conform_frame *frame, char *err, size_t errlen)
{
	int ret;

	if (d->ended)
		return 0;
	own_log(d);
	for (;;) {
		ret = avcodec_receive_frame(d->avctx, d->frame);
		if (ret == 0) {
			d->errors_in_a_row = 0;
			ret = output_frame(d, frame, err, errlen);
			log_owner = NULL;
			return ret;
		}
		if (ret == AVERROR_EOF) {
			d->ended = true;
			log_owner = NULL;
			return 0;
		}
		if (ret != AVERROR(EAGAIN)) {
			ret = decode_error(d, ret, "after packet", err, errlen);
			if (ret < 0)
				return ret;
			continue;
		}
		if (d->flushed) {
			/* draining never asks for more input; end here */
			d->ended = true;
			log_owner = NULL;
			return 0;
		}
		ret = av_read_frame(d->fmt, d->pkt);
		if (ret < 0) {
			/* the end, or a read error that ends it (as ffmpeg) */
			if (ret != AVERROR_EOF && d->errors++ == 0)
				snprintf(d->first_error, sizeof(d->first_error),
					 "reading after packet %u: %s",
					 d->packets, av_err2str(ret));
			d->flushed = true;
			ret = avcodec_send_packet(d->avctx, NULL);
			if (ret < 0 && ret != AVERROR_EOF) {
				ret = decode_error(d, ret, "end of stream after packet",
						   err, errlen);
				if (ret < 0)
					return ret;
			}
			continue;
		}
		if (d->pkt->stream_index != d->stream) {
			av_packet_unref(d->pkt);
			continue;
		}
		d->packets++;
		ret = avcodec_send_packet(d->avctx, d->pkt);
		av_packet_unref(d->pkt);
		if (ret < 0 && ret != AVERROR(EAGAIN)) {
			ret = decode_error(d, ret, "packet", err, errlen);
			if (ret < 0)
				return ret;
		}
	}
}

const char *conform_decoder_codec(const struct conform_decoder *d)
{
	return avcodec_get_name(d->fmt->streams[d->stream]->codecpar->codec_id);
}

const char *conform_decoder_profile(const struct conform_decoder *d)
{
	const AVCodecParameters *par = d->fmt->streams[d->stream]->codecpar;

	return avcodec_profile_name(par->codec_id, par->profile);
}

int64_t conform_decoder_frame_estimate(const struct conform_decoder *d)
{
	return d->fmt->streams[d->stream]->nb_frames;
}

unsigned conform_decoder_errors(const struct conform_decoder *d)
{
	return d->errors;
}

const char *conform_decoder_first_error(const struct conform_decoder *d)
{
	return d->first_error;
}

const char *conform_decoder_va_driver(const struct conform_decoder *d)
{
	return d->va_driver;
}
