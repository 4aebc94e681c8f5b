/* Trace writer: records framed as docs/trace-format.md says, every number
 * written little-endian byte by byte. Each record is flushed as it is
 * written, so a trace cut short by a crash still reads up to that point
 * (and is reported as truncated). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trace_private.h"

struct v4l2r_trace_writer {
	FILE *f;
	int error;		/* first failure, sticky */
	bool have_stream;
	uint32_t n_frames, n_requests;
};

static void put_bytes(struct v4l2r_trace_writer *w, const void *p, size_t n)
{
	if (!w->error && n && fwrite(p, 1, n, w->f) != n)
		w->error = errno ? -errno : -EIO;
}

static void put_u32(struct v4l2r_trace_writer *w, uint32_t v)
{
	uint8_t b[4];

	trace_put32(b, v);
	put_bytes(w, b, 4);
}

static void put_u64(struct v4l2r_trace_writer *w, uint64_t v)
{
	uint8_t b[8];

	trace_put64(b, v);
	put_bytes(w, b, 8);
}

static int begin_record(struct v4l2r_trace_writer *w, uint32_t type,
			uint64_t size)
{
	if (w->error)
		return w->error;
	if (size > V4L2R_TRACE_MAX_RECORD)
		return -EFBIG;
	put_u32(w, type);
	put_u32(w, (uint32_t)size);
	return w->error;
}

static int end_record(struct v4l2r_trace_writer *w)
{
	if (!w->error && fflush(w->f) != 0)
		w->error = errno ? -errno : -EIO;
	return w->error;
}

int v4l2r_trace_writer_open(const char *path, struct v4l2r_trace_writer **out)
{
	struct v4l2r_trace_writer *w = calloc(1, sizeof(*w));
	uint8_t header[TRACE_HEADER_SIZE];

	*out = NULL;
	if (!w)
		return -ENOMEM;
	w->f = fopen(path, "wbe");
	if (!w->f) {
		int ret = -errno;
		free(w);
		return ret;
	}
	memcpy(header, V4L2R_TRACE_MAGIC, 8);
	trace_put16(header + 8, V4L2R_TRACE_VERSION_MAJOR);
	trace_put16(header + 10, V4L2R_TRACE_VERSION_MINOR);
	trace_put32(header + 12, TRACE_HEADER_SIZE);
	put_bytes(w, header, sizeof(header));
	if (end_record(w) < 0) {
		int ret = w->error;
		fclose(w->f);
		free(w);
		return ret;
	}
	*out = w;
	return 0;
}

int v4l2r_trace_write_stream(struct v4l2r_trace_writer *w,
			     const struct v4l2r_trace_stream *s)
{
	if (w->have_stream)
		return -EBUSY;
	if (begin_record(w, V4L2R_TRACE_REC_STREAM, TRACE_STREAM_SIZE) < 0)
		return w->error;
	put_u32(w, s->coded_fourcc);
	put_u32(w, s->width);
	put_u32(w, s->height);
	put_u32(w, s->capture_fourcc);
	put_u32(w, s->bitstream_size);
	put_u32(w, (uint32_t)s->decode_mode);
	put_u32(w, (uint32_t)s->start_code);
	w->have_stream = true;
	return end_record(w);
}

static uint64_t controls_size(const struct v4l2r_trace_control *c, unsigned n)
{
	uint64_t size = 0;

	for (unsigned i = 0; i < n; i++)
		size += TRACE_CONTROL_HEADER + (c[i].scalar ? 8 : c[i].size);
	return size;
}

static void put_controls(struct v4l2r_trace_writer *w,
			 const struct v4l2r_trace_control *c, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		put_u32(w, c[i].id);
		if (c[i].scalar) {
			put_u32(w, TRACE_CONTROL_FLAG_SCALAR);
			put_u32(w, 8);
			put_u64(w, (uint64_t)c[i].value);
		} else {
			put_u32(w, 0);
			put_u32(w, c[i].size);
			put_bytes(w, c[i].data, c[i].size);
		}
	}
}

int v4l2r_trace_write_controls(struct v4l2r_trace_writer *w,
			       const struct v4l2r_trace_control *controls,
			       unsigned n)
{
	if (!w->have_stream)
		return -EINVAL;
	if (n > V4L2R_TRACE_MAX_CONTROLS)
		return -E2BIG;
	if (begin_record(w, V4L2R_TRACE_REC_SESSION_CONTROLS,
			 4 + controls_size(controls, n)) < 0)
		return w->error;
	put_u32(w, n);
	put_controls(w, controls, n);
	return end_record(w);
}

int v4l2r_trace_write_request(struct v4l2r_trace_writer *w,
			      const struct v4l2r_trace_request *r)
{
	uint32_t refs[64];
	unsigned n_refs = 0;

	if (!w->have_stream || r->frame > w->n_frames ||
	    !r->bitstream_size || r->n_controls > V4L2R_TRACE_MAX_CONTROLS)
		return -EINVAL;
	uint64_t limit = (uint64_t)w->n_frames + (r->frame == w->n_frames);
	for (unsigned i = 0; i < r->n_controls; i++) {
		const struct v4l2r_trace_control *c = &r->controls[i];
		if (!c->scalar &&
		    !trace_collect_refs(c->id, c->data, c->size, limit, refs,
					&n_refs, 64))
			return -EINVAL;
	}
	uint64_t size = TRACE_REQUEST_FIXED + 4 * (uint64_t)n_refs +
			controls_size(r->controls, r->n_controls) +
			r->bitstream_size;
	if (begin_record(w, V4L2R_TRACE_REC_REQUEST, size) < 0)
		return w->error;
	put_u32(w, r->frame);
	put_u32(w, r->flags);
	put_u64(w, r->timestamp_ns);
	put_u32(w, r->n_controls);
	put_u32(w, n_refs);
	put_u32(w, r->bitstream_size);
	put_u32(w, 0);
	for (unsigned i = 0; i < n_refs; i++)
		put_u32(w, refs[i]);
	put_controls(w, r->controls, r->n_controls);
	put_bytes(w, r->bitstream, r->bitstream_size);
	if (r->frame == w->n_frames)
		w->n_frames++;
	w->n_requests++;
	return end_record(w);
}

int v4l2r_trace_write_md5(struct v4l2r_trace_writer *w, uint32_t frame,
			  uint32_t fourcc, uint32_t width, uint32_t height,
			  const uint8_t md5[16])
{
	if (!w->have_stream || frame >= w->n_frames)
		return -EINVAL;
	if (begin_record(w, V4L2R_TRACE_REC_FRAME_MD5, TRACE_MD5_SIZE) < 0)
		return w->error;
	put_u32(w, frame);
	put_u32(w, fourcc);
	put_u32(w, width);
	put_u32(w, height);
	put_bytes(w, md5, 16);
	return end_record(w);
}

int v4l2r_trace_write_info(struct v4l2r_trace_writer *w, const char *key,
			   const char *value)
{
	size_t k = strlen(key), v = strlen(value);

	if (!k || strchr(key, '=') || k + 1 + v > V4L2R_TRACE_MAX_INFO)
		return -EINVAL;
	if (begin_record(w, V4L2R_TRACE_REC_INFO, k + 1 + v) < 0)
		return w->error;
	put_bytes(w, key, k);
	put_bytes(w, "=", 1);
	put_bytes(w, value, v);
	return end_record(w);
}

int v4l2r_trace_writer_close(struct v4l2r_trace_writer *w)
{
	int ret;

	if (!w)
		return 0;
	if (w->have_stream &&
	    begin_record(w, V4L2R_TRACE_REC_END, TRACE_END_SIZE) == 0) {
		put_u32(w, w->n_requests);
		put_u32(w, w->n_frames);
	}
	ret = w->error;
	if (fclose(w->f) != 0 && !ret)
		ret = errno ? -errno : -EIO;
	free(w);
	return ret;
}
