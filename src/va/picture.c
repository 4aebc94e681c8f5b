/* vaBeginPicture / vaRenderPicture / vaEndPicture: collect and check the
 * client's buffers, hand them to the codec's translation, write the
 * bitstream and queue the request(s). vaEndPicture returns once queued; the
 * wait is in vaSyncSurface.
 *
 * Errors: bad client parameters are refused with a VA error and a log line
 * (the surface then reports a decoding error too); a request the kernel
 * refuses is not the client's fault and shows up as a decoding error on
 * that surface at vaSyncSurface, like a picture the device failed to
 * decode, so later pictures go on.
 *
 * A picture the client shows from another surface than its render target
 * (AV1 film grain: codec ops display_surface) decodes into the render
 * target; the display surface gets a copy once it is complete
 * (surface.c). */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/videodev2.h>

#include "va/driver.h"

/* What a client is told once the device went away (V4L2R_DEVICE_LOST). */
#define DEVICE_GONE "the decoder is gone (its driver was unbound or " \
	"unloaded): destroy the context, and make a new one once it is back"

/* Slices per picture: one per macroblock of an 8K picture is far less. */
#define MAX_SLICES 65536u

/* ------------------------------------------------------------------ */
/* Collecting a picture (no device involved; unit tested).             */

int va_accum_init(struct va_picture_accum *a, const struct va_codec_ops *ops)
{
	memset(a, 0, sizeof(*a));
	a->ops = ops;
	a->data_limit = UINT32_MAX;	/* until the context knows its buffers */
	a->pic = calloc(1, ops->pic_param_size ? ops->pic_param_size : 1);
	a->iq = calloc(1, ops->iq_matrix_size ? ops->iq_matrix_size : 1);
	a->prob = calloc(1, ops->prob_table_size ? ops->prob_table_size : 1);
	if (!a->pic || !a->iq || !a->prob) {
		va_accum_fini(a);
		return -ENOMEM;
	}
	return 0;
}

void va_accum_reset(struct va_picture_accum *a)
{
	a->have_pic = a->have_iq = a->have_prob = false;
	a->n_slices = 0;
	a->first_without_data = 0;
	a->data_size = 0;
}

void va_accum_fini(struct va_picture_accum *a)
{
	free(a->pic);
	free(a->iq);
	free(a->prob);
	free(a->slice_params);
	free(a->slices);
	memset(a, 0, sizeof(*a));
}

static VAStatus refuse(char *why, size_t why_size, VAStatus st,
		       const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static VAStatus refuse(char *why, size_t why_size, VAStatus st,
		       const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (why && why_size)
		vsnprintf(why, why_size, fmt, ap);
	va_end(ap);
	return st;
}

static VAStatus copy_fixed(uint8_t *dst, bool *have, size_t want,
			   const void *data, unsigned elem_size,
			   unsigned n_elements, const char *what, char *why,
			   size_t why_size)
{
	if (!want)
		return refuse(why, why_size, VA_STATUS_ERROR_UNSUPPORTED_BUFFERTYPE,
			      "%s buffers are not used by this codec", what);
	if (n_elements != 1 || elem_size != want)
		return refuse(why, why_size, VA_STATUS_ERROR_INVALID_PARAMETER,
			      "%s buffer of %u x %u bytes, %zu expected", what,
			      n_elements, elem_size, want);
	memcpy(dst, data, want);
	*have = true;
	return VA_STATUS_SUCCESS;
}

/* Every codec's slice parameters start with VASliceParameterBufferBase. */
static VASliceParameterBufferBase slice_base(const struct va_picture_accum *a,
					     unsigned i)
{
	VASliceParameterBufferBase b;

	memcpy(&b, a->slice_params + (size_t)i * a->ops->slice_param_size,
	       sizeof(b));
	return b;
}

static VAStatus add_slice_params(struct va_picture_accum *a, const void *data,
				 unsigned elem_size, unsigned n, char *why,
				 size_t why_size)
{
	size_t psize = a->ops->slice_param_size;

	if (!psize)
		return refuse(why, why_size, VA_STATUS_ERROR_UNSUPPORTED_BUFFERTYPE,
			      "slice parameter buffers are not used by this codec");
	if (elem_size != psize || psize < sizeof(VASliceParameterBufferBase))
		return refuse(why, why_size, VA_STATUS_ERROR_INVALID_PARAMETER,
			      "slice parameters of %u bytes, %zu expected",
			      elem_size, psize);
	if (n > MAX_SLICES - a->n_slices)
		return refuse(why, why_size, VA_STATUS_ERROR_INVALID_PARAMETER,
			      "more than %u slices in a picture", MAX_SLICES);
	unsigned need = a->n_slices + n;
	if (need > a->cap_slices) {
		unsigned cap = a->cap_slices ? a->cap_slices : 16;
		while (cap < need)
			cap *= 2;
		uint8_t *p = realloc(a->slice_params, cap * psize);
		if (p)
			a->slice_params = p;
		struct va_slice *s = realloc(a->slices, cap * sizeof(*s));
		if (s)
			a->slices = s;
		if (!p || !s)
			return refuse(why, why_size,
				      VA_STATUS_ERROR_ALLOCATION_FAILED,
				      "out of memory for %u slices", need);
		a->cap_slices = cap;
	}
	memcpy(a->slice_params + (size_t)a->n_slices * psize, data, n * psize);
	a->n_slices = need;
	return VA_STATUS_SUCCESS;
}

static VAStatus add_slice_data(struct va_picture_accum *a, const uint8_t *data,
			       size_t size, char *why, size_t why_size)
{
	if (a->first_without_data >= a->n_slices)
		return refuse(why, why_size, VA_STATUS_ERROR_INVALID_PARAMETER,
			      "slice data without slice parameters before it");
	/* Every slice waiting for data must lie inside this buffer. */
	for (unsigned i = a->first_without_data; i < a->n_slices; i++) {
		VASliceParameterBufferBase b = slice_base(a, i);
		bool past_end = b.slice_data_offset > size ||
				b.slice_data_size > size - b.slice_data_offset;
		if (past_end && a->ops->slice_size_cut_at_buffer_end &&
		    b.slice_data_offset <= size) {
			/* Our copy of the parameters: the codec sees the
			 * size it gets. */
			b.slice_data_size = (uint32_t)(size -
						       b.slice_data_offset);
			memcpy(a->slice_params +
				       (size_t)i * a->ops->slice_param_size +
				       offsetof(VASliceParameterBufferBase,
						slice_data_size),
			       &b.slice_data_size, sizeof(b.slice_data_size));
			past_end = false;
		}
		if (past_end)
			return refuse(why, why_size,
				      VA_STATUS_ERROR_INVALID_PARAMETER,
				      "slice %u: slice_data_offset %u, "
				      "slice_data_size %u: outside its "
				      "%zu-byte data buffer", i,
				      b.slice_data_offset, b.slice_data_size,
				      size);
		if (!b.slice_data_size)
			return refuse(why, why_size,
				      VA_STATUS_ERROR_INVALID_PARAMETER,
				      "slice %u: slice_data_size is 0", i);
	}
	if (size > a->data_limit - a->data_size)
		return refuse(why, why_size, VA_STATUS_ERROR_NOT_ENOUGH_BUFFER,
			      "%zu more bytes of slice data after %zu: a "
			      "picture's data must fit the %zu-byte bitstream "
			      "buffer", size, a->data_size, a->data_limit);
	/* Not copied: read where the client put it, at vaEndPicture. VA
	 * promises no copy here (Mesa's VA frontend takes none either), so
	 * a client writing into a buffer it mapped between vaRenderPicture
	 * and vaEndPicture changes the picture. size fits in 32 bits: the
	 * limit does. */
	for (unsigned i = a->first_without_data; i < a->n_slices; i++) {
		a->slices[i].buffer = data;
		a->slices[i].buffer_size = (uint32_t)size;
	}
	a->data_size += size;
	a->first_without_data = a->n_slices;
	return VA_STATUS_SUCCESS;
}

VAStatus va_accum_add(struct va_picture_accum *a, VABufferType type,
		      const void *data, unsigned elem_size,
		      unsigned n_elements, char *why, size_t why_size)
{
	if (!data || !elem_size || !n_elements)
		return refuse(why, why_size, VA_STATUS_ERROR_INVALID_BUFFER,
			      "empty buffer of type %d", type);
	switch (type) {
	case VAPictureParameterBufferType:
		return copy_fixed(a->pic, &a->have_pic, a->ops->pic_param_size,
				  data, elem_size, n_elements,
				  "picture parameter", why, why_size);
	case VAIQMatrixBufferType:
		return copy_fixed(a->iq, &a->have_iq, a->ops->iq_matrix_size,
				  data, elem_size, n_elements,
				  "inverse quantisation matrix", why, why_size);
	case VAProbabilityBufferType:
		return copy_fixed(a->prob, &a->have_prob, a->ops->prob_table_size,
				  data, elem_size, n_elements,
				  "probability table", why, why_size);
	case VASliceParameterBufferType:
		return add_slice_params(a, data, elem_size, n_elements, why,
					why_size);
	case VASliceDataBufferType:
		return add_slice_data(a, data, (size_t)elem_size * n_elements,
				      why, why_size);
	default:
		return refuse(why, why_size, VA_STATUS_ERROR_UNSUPPORTED_BUFFERTYPE,
			      "buffer type %d is not used in decoding", type);
	}
}

VAStatus va_accum_finish(struct va_picture_accum *a,
			 struct va_picture_input *in, char *why,
			 size_t why_size)
{
	if (!a->have_pic)
		return refuse(why, why_size, VA_STATUS_ERROR_INVALID_PARAMETER,
			      "no picture parameter buffer was rendered");
	if (!a->n_slices)
		return refuse(why, why_size, VA_STATUS_ERROR_INVALID_PARAMETER,
			      "no slice was rendered");
	if (a->first_without_data < a->n_slices)
		return refuse(why, why_size, VA_STATUS_ERROR_INVALID_PARAMETER,
			      "slices %u..%u have parameters but no data",
			      a->first_without_data, a->n_slices - 1);
	for (unsigned i = 0; i < a->n_slices; i++) {
		struct va_slice *s = &a->slices[i];
		VASliceParameterBufferBase b = slice_base(a, i);
		s->params = a->slice_params +
			    (size_t)i * a->ops->slice_param_size;
		s->size = b.slice_data_size;
		s->lead = b.slice_data_offset;
		s->data = s->buffer + s->lead;
	}
	memset(in, 0, sizeof(*in));
	in->pic_params = a->pic;
	in->iq_matrix = a->have_iq ? a->iq : NULL;
	in->prob_table = a->have_prob ? a->prob : NULL;
	in->n_slices = a->n_slices;
	in->slices = a->slices;
	in->target = VA_INVALID_SURFACE;
	return VA_STATUS_SUCCESS;
}

static bool has_start_code(const struct va_slice *s)
{
	return s->size >= 3 && s->data[0] == 0 && s->data[1] == 0 &&
	       (s->data[2] == 1 ||
		(s->size >= 4 && s->data[2] == 0 && s->data[3] == 1));
}

static unsigned prefix_of(const struct va_codec_ops *ops, void *state,
			  const struct va_picture_input *in,
			  const struct v4l2r_decode_mode *mode, unsigned i,
			  uint8_t *out)
{
	if (ops->slice_prefix)
		return ops->slice_prefix(state, in, i, mode, out);
	if (mode->annex_b && !has_start_code(&in->slices[i])) {
		out[0] = 0;
		out[1] = 0;
		out[2] = 1;
		return 3;
	}
	return 0;
}

size_t va_bitstream_size(const struct va_codec_ops *ops, void *state,
			 const struct va_picture_input *in,
			 const struct v4l2r_decode_mode *mode, unsigned first,
			 unsigned n)
{
	size_t total = 0;
	uint8_t prefix[VA_CODEC_MAX_PREFIX];

	if (ops->write_data)
		return ops->write_data(state, in, first, n, NULL, 0);
	for (unsigned i = first; i < first + n && i < in->n_slices; i++)
		total += prefix_of(ops, state, in, mode, i, prefix) +
			 (size_t)in->slices[i].size;
	return total;
}

int va_bitstream_write(const struct va_codec_ops *ops, void *state,
		       const struct va_picture_input *in,
		       const struct v4l2r_decode_mode *mode, unsigned first,
		       unsigned n, uint8_t *dst, size_t cap, size_t *written)
{
	uint8_t prefix[VA_CODEC_MAX_PREFIX];
	size_t pos = 0;

	*written = 0;
	if (first > in->n_slices || n > in->n_slices - first)
		return -EINVAL;
	if (ops->write_data) {
		size_t need = ops->write_data(state, in, first, n, dst, cap);
		if (need > cap)
			return -ENOSPC;
		*written = need;
		return 0;
	}
	for (unsigned i = first; i < first + n; i++) {
		const struct va_slice *s = &in->slices[i];
		unsigned p = prefix_of(ops, state, in, mode, i, prefix);
		if (p > VA_CODEC_MAX_PREFIX || p > cap - pos ||
		    s->size > cap - pos - p)
			return -ENOSPC;
		memcpy(dst + pos, prefix, p);
		pos += p;
		memcpy(dst + pos, s->data, s->size);
		pos += s->size;
	}
	*written = pos;
	return 0;
}

unsigned va_filter_controls(const struct v4l2r_codec_desc *desc,
			    uint32_t controls_present,
			    struct v4l2_ext_control *controls, unsigned n)
{
	unsigned out = 0;

	for (unsigned i = 0; i < n; i++) {
		bool keep = true;
		for (unsigned k = 0; desc && k < desc->n_controls && k < 32; k++) {
			const struct v4l2r_control_spec *spec = &desc->controls[k];
			if (spec->id == controls[i].id) {
				keep = spec->required ||
				       (controls_present & (UINT32_C(1) << k));
				break;
			}
		}
		if (keep)
			controls[out++] = controls[i];
	}
	return out;
}

/* ------------------------------------------------------------------ */
/* Dispatch.                                                           */

/* Looks a context up and takes a reference (drv->lock not held). */
static struct va_context *context_get(struct va_driver *drv, VAContextID id)
{
	pthread_mutex_lock(&drv->lock);
	struct va_context *c = va_heap_get(&drv->contexts, id);
	if (c)
		va_context_ref(c);
	pthread_mutex_unlock(&drv->lock);
	return c;
}

static void context_put(struct va_driver *drv, struct va_context *c)
{
	pthread_mutex_lock(&drv->lock);
	va_context_unref(drv, c);
	pthread_mutex_unlock(&drv->lock);
}

static void mark_surface(struct va_driver *drv, VASurfaceID id,
			 enum v4l2r_result r, const char *why)
{
	pthread_mutex_lock(&drv->lock);
	struct va_surface *s = va_heap_get(&drv->surfaces, id);
	if (s) {
		s->local_result = r;
		s->local_why = why;
	}
	pthread_mutex_unlock(&drv->lock);
}

#define BAD_PICTURE "its picture was refused (bad parameters or data)"

/* The display surface's buffer is about to take another picture: what it
 * holds goes first to display surfaces still due a copy of it, and a
 * decode still running into it ends (c->lock held, drv->lock not). */
static void prepare_display(struct va_driver *drv, struct va_context *c,
			    VASurfaceID display)
{
	va_surface_settle_copies_from(drv, display);
	pthread_mutex_lock(&drv->lock);
	const struct va_surface *d = va_heap_get(&drv->surfaces, display);
	int index = d && d->ctx == c ? d->capture_index : -1;
	pthread_mutex_unlock(&drv->lock);
	if (index < 0)
		return;
	if (v4l2r_session_capture_status(c->session, (unsigned)index) ==
	    V4L2R_PENDING)
		v4l2r_session_wait_capture(c->session, (unsigned)index,
					   drv->sync_timeout_ms);
	v4l2r_session_capture_reset(c->session, (unsigned)index);
}

/* Once queued: the display surface shows the render target's picture,
 * copied when the client first syncs, queries or reads it (or before the
 * render target is decoded into again). Planned only now, so that nobody
 * copies from a render target not yet queued. The device has no picture
 * under the display surface's own timestamp any more. */
static void plan_copy(struct va_driver *drv, struct va_context *c,
		      VASurfaceID display, VASurfaceID target)
{
	pthread_mutex_lock(&drv->lock);
	struct va_surface *d = va_heap_get(&drv->surfaces, display);
	if (d && d->ctx == c) {
		d->copy_from = target;
		d->timestamp_ns = 0;
		d->decoded = true;
		d->local_result = V4L2R_IDLE;
		d->local_why = NULL;
	}
	pthread_mutex_unlock(&drv->lock);
}

/* Room for one more held buffer (c->lock and drv->lock held). */
static bool held_room(struct va_context *c)
{
	if (c->n_held < c->cap_held)
		return true;
	unsigned cap = c->cap_held ? c->cap_held * 2 : 16;
	struct va_buffer **h = realloc(c->held, cap * sizeof(*h));
	if (!h)
		return false;
	c->held = h;
	c->cap_held = cap;
	return true;
}

/* The picture ended or was dropped: its slice data is no longer read. */
static void release_held(struct va_driver *drv, struct va_context *c)
{
	if (!c->n_held)
		return;
	pthread_mutex_lock(&drv->lock);
	va_context_release_held(c);
	pthread_mutex_unlock(&drv->lock);
}

VAStatus va_BeginPicture(VADriverContextP ctx, VAContextID context,
			 VASurfaceID target)
{
	struct va_driver *drv = va_drv(ctx);
	struct va_context *c = context_get(drv, context);
	VAStatus st = VA_STATUS_SUCCESS;

	if (!c)
		return VA_STATUS_ERROR_INVALID_CONTEXT;
	pthread_mutex_lock(&c->lock);
	if (c->picture_open) {
		va_warn(drv, "vaBeginPicture before vaEndPicture: the picture "
			"for surface 0x%x is dropped", c->target);
		c->picture_open = false;
		release_held(drv, c);
	}
	if (c->session && v4l2r_session_lost(c->session)) {
		va_err(drv, "vaBeginPicture: %s", DEVICE_GONE);
		st = VA_STATUS_ERROR_OPERATION_FAILED;
		goto out;
	}
	/* Display surfaces still to get their pictures from it get them
	 * before it is decoded into again. */
	va_surface_settle_copies_from(drv, target);
	pthread_mutex_lock(&drv->lock);
	struct va_surface *s = va_heap_get(&drv->surfaces, target);
	if (!s)
		st = VA_STATUS_ERROR_INVALID_SURFACE;
	else if (s->ctx != c) {
		if (c->config.ops->outgrows_context && c->layout.desc &&
		    ((uint32_t)s->width > c->layout.width ||
		     (uint32_t)s->height > c->layout.height))
			st = va_context_outgrow(c, s->width, s->height);
		if (st == VA_STATUS_SUCCESS)
			st = va_surface_bind(drv, s, target, c);
	}
	int index = s ? s->capture_index : -1;
	pthread_mutex_unlock(&drv->lock);
	if (st != VA_STATUS_SUCCESS) {
		/* A surface refused for its size or RT format was named. */
		if (st != VA_STATUS_ERROR_INVALID_SURFACE &&
		    st != VA_STATUS_ERROR_UNSUPPORTED_RT_FORMAT)
			va_err(drv, "vaBeginPicture: surface 0x%x has no picture "
			       "buffer", target);
		goto out;
	}

	/* The client may reuse a surface whose last decode is still running
	 * (or the first field of this very frame): let it finish first. */
	if (v4l2r_session_capture_status(c->session, (unsigned)index) ==
	    V4L2R_PENDING)
		v4l2r_session_wait_capture(c->session, (unsigned)index,
					   drv->sync_timeout_ms);
	v4l2r_session_capture_reset(c->session, (unsigned)index);

	pthread_mutex_lock(&drv->lock);
	s = va_heap_get(&drv->surfaces, target);
	if (s) {
		s->local_result = V4L2R_IDLE;
		s->local_why = NULL;
		s->copy_from = VA_INVALID_ID;	/* this picture replaces it */
	}
	pthread_mutex_unlock(&drv->lock);
	va_accum_reset(&c->accum);
	c->target = target;
	c->picture_open = true;
out:
	pthread_mutex_unlock(&c->lock);
	context_put(drv, c);
	return st;
}

VAStatus va_RenderPicture(VADriverContextP ctx, VAContextID context,
			  VABufferID *buffers, int n)
{
	struct va_driver *drv = va_drv(ctx);
	struct va_context *c = context_get(drv, context);
	VAStatus st = VA_STATUS_SUCCESS;
	char why[192];

	if (!c)
		return VA_STATUS_ERROR_INVALID_CONTEXT;
	pthread_mutex_lock(&c->lock);
	if (!c->picture_open) {
		va_err(drv, "vaRenderPicture without vaBeginPicture");
		st = VA_STATUS_ERROR_OPERATION_FAILED;
		goto out;
	}
	for (int i = 0; i < n && st == VA_STATUS_SUCCESS; i++) {
		pthread_mutex_lock(&drv->lock);
		struct va_buffer *buf = va_heap_get(&drv->buffers, buffers[i]);
		bool slice_data = buf && buf->type == VASliceDataBufferType;
		if (!buf) {
			st = VA_STATUS_ERROR_INVALID_BUFFER;
			snprintf(why, sizeof(why), "buffer 0x%x does not exist",
				 buffers[i]);
		} else if (slice_data && !held_room(c)) {
			st = VA_STATUS_ERROR_ALLOCATION_FAILED;
			snprintf(why, sizeof(why), "out of memory");
		} else {
			st = va_accum_add(&c->accum, buf->type,
					  buf->external ? buf->external : buf->data,
					  buf->size, buf->num_elements, why,
					  sizeof(why));
		}
		/* The slices point into it until the picture ends: a
		 * vaDestroyBuffer before then leaves the freeing to us. */
		if (st == VA_STATUS_SUCCESS && slice_data) {
			buf->holds++;
			c->held[c->n_held++] = buf;
		}
		pthread_mutex_unlock(&drv->lock);
		if (st != VA_STATUS_SUCCESS)
			va_err(drv, "vaRenderPicture: %s", why);
	}
out:
	pthread_mutex_unlock(&c->lock);
	context_put(drv, c);
	return st;
}

static uint64_t resolve_timestamp(void *opaque, VASurfaceID id)
{
	struct va_context *c = opaque;
	struct va_surface *s = va_heap_get(&c->drv->surfaces, id);

	/* The codec says which reference; this says why. */
	if (s && s->ctx && s->ctx != c && s->decoded && s->ctx->outgrown)
		va_warn(c->drv, "surface 0x%x holds a %dx%d picture decoded "
			"before context 0x%x outgrew it: it is no reference "
			"any more (its device buffers are no longer the "
			"context's); the picture is decoded without it", id,
			s->ctx->width, s->ctx->height, c->id);
	else if (s && s->ctx && s->ctx != c && s->decoded)
		va_warn(c->drv, "surface 0x%x holds a picture of context 0x%x%s "
			"(RT format 0x%x), not of this context 0x%x: it is no "
			"reference here (each context decodes into its own "
			"device buffers); the picture is decoded without it",
			id, s->ctx->id, s->ctx->dead ? ", destroyed since" : "",
			s->rt_format, c->id);
	if (!s || s->ctx != c || s->capture_index < 0)
		return 0;
	return s->timestamp_ns;
}

/* Queues the translated picture; *refused tells the kernel said no. */
static VAStatus submit(struct va_driver *drv, struct va_context *c,
		       struct va_picture_input *in, unsigned capture_index,
		       uint64_t ts)
{
	const struct va_codec_ops *ops = c->config.ops;
	struct v4l2_ext_control controls[VA_CODEC_MAX_CONTROLS];
	struct va_request_plan plan = { .controls = controls };
	struct v4l2r_request *r = NULL;
	unsigned n_req = ops->request_count ?
		ops->request_count(c->codec_state, &c->mode) : 1;
	size_t cap;
	int ret;

	if (!n_req)
		return VA_STATUS_ERROR_INVALID_PARAMETER;
	ret = v4l2r_request_acquire(c->session, drv->sync_timeout_ms, &r);
	if (ret < 0) {
		/* The device kept every request past the timeout (the core has
		 * restarted it): this picture is lost, later ones go on. */
		va_err(drv, "surface 0x%x: no request came free: %s", in->target,
		       strerror(-ret));
		mark_surface(drv, in->target, V4L2R_TIMEOUT,
			     "no request came free in time");
		return VA_STATUS_SUCCESS;
	}
	v4l2r_request_data(r, &cap);
	/* Check every request's size before anything is queued: a picture is
	 * queued whole or not at all. */
	for (unsigned i = 0; i < n_req; i++) {
		ops->plan_request(c->codec_state, &c->mode, i, &plan);
		size_t need = va_bitstream_size(ops, c->codec_state, in,
						&c->mode, plan.first_slice,
						plan.n_slices);
		if (need > cap) {
			va_err(drv, "picture data (%zu bytes) does not fit the "
			       "%zu-byte bitstream buffer", need, cap);
			v4l2r_request_release(r);
			return VA_STATUS_ERROR_NOT_ENOUGH_BUFFER;
		}
	}

	for (unsigned i = 0; i < n_req; i++) {
		if (!r) {
			ret = v4l2r_request_acquire(c->session,
						    drv->sync_timeout_ms, &r);
			if (ret < 0) {
				va_err(drv, "no free request for slice group %u: %s",
				       i, strerror(-ret));
				mark_surface(drv, in->target, V4L2R_TIMEOUT,
					     "no request came free in time");
				return VA_STATUS_SUCCESS;
			}
		}
		memset(controls, 0, sizeof(controls));
		plan.n_controls = 0;
		ops->plan_request(c->codec_state, &c->mode, i, &plan);
		plan.n_controls = va_filter_controls(c->desc,
						     c->caps->controls_present,
						     controls, plan.n_controls);
		uint8_t *dst = v4l2r_request_data(r, &cap);
		size_t written;
		if (va_bitstream_write(ops, c->codec_state, in, &c->mode,
				       plan.first_slice, plan.n_slices, dst, cap,
				       &written) < 0 || !written) {
			v4l2r_request_release(r);
			return VA_STATUS_ERROR_NOT_ENOUGH_BUFFER;
		}
		unsigned bad, flags = i + 1 < n_req ? V4L2R_QUEUE_HOLD_CAPTURE : 0;
		ret = v4l2r_request_set_controls(r, controls, plan.n_controls,
						 &bad);
		if (ret < 0) {
			v4l2r_request_release(r);
			va_err(drv, "surface 0x%x: the kernel refused the picture's "
			       "controls (%s)", in->target, strerror(-ret));
			mark_surface(drv, in->target, V4L2R_REFUSED,
				     "the kernel refused its controls");
			return VA_STATUS_SUCCESS;
		}
		ret = v4l2r_request_queue(r, capture_index, ts, written, flags);
		r = NULL;
		if (ret == -ENODEV) {
			va_err(drv, "surface 0x%x: %s", in->target, DEVICE_GONE);
			return VA_STATUS_ERROR_OPERATION_FAILED;
		}
		if (ret < 0) {
			/* The core marks the capture buffer refused. */
			va_err(drv, "surface 0x%x: the kernel refused the request "
			       "(%s)", in->target, strerror(-ret));
			return VA_STATUS_SUCCESS;
		}
	}
	return VA_STATUS_SUCCESS;
}

VAStatus va_EndPicture(VADriverContextP ctx, VAContextID context)
{
	struct va_driver *drv = va_drv(ctx);
	struct va_context *c = context_get(drv, context);
	struct va_picture_input in;
	VAStatus st;
	char why[192];

	if (!c)
		return VA_STATUS_ERROR_INVALID_CONTEXT;
	pthread_mutex_lock(&c->lock);
	if (!c->picture_open) {
		va_err(drv, "vaEndPicture without vaBeginPicture");
		st = VA_STATUS_ERROR_OPERATION_FAILED;
		goto out;
	}
	c->picture_open = false;
	VASurfaceID target = c->target;
	st = va_accum_finish(&c->accum, &in, why, sizeof(why));
	if (st != VA_STATUS_SUCCESS) {
		va_err(drv, "vaEndPicture (surface 0x%x): %s", target, why);
		mark_surface(drv, target, V4L2R_REFUSED, BAD_PICTURE);
		goto out;
	}
	in.target = target;
	in.profile = c->config.profile;
	in.bit_depth = c->config.rt_format == VA_RT_FORMAT_YUV420_10 ? 10 : 8;
	in.max_width = (unsigned)c->width;
	in.max_height = (unsigned)c->height;

	pthread_mutex_lock(&drv->lock);
	struct va_surface *s = va_heap_get(&drv->surfaces, target);
	if (!s || s->ctx != c || s->capture_index < 0) {
		pthread_mutex_unlock(&drv->lock);
		va_err(drv, "vaEndPicture: surface 0x%x went away", target);
		st = VA_STATUS_ERROR_INVALID_SURFACE;
		goto out;
	}
	unsigned index = (unsigned)s->capture_index;
	/* A display surface apart from the render target is bound to this
	 * context now: the picture is copied into one of its buffers. */
	const char *display_field = NULL;
	VASurfaceID display = c->config.ops->display_surface ?
		c->config.ops->display_surface(&in, &display_field) :
		VA_INVALID_SURFACE;
	if (display == target)
		display = VA_INVALID_SURFACE;
	if (display != VA_INVALID_SURFACE &&
	    (st = va_surface_check_display(drv, display, s, c,
					   display_field)) != VA_STATUS_SUCCESS) {
		s->local_result = V4L2R_REFUSED;
		s->local_why = BAD_PICTURE;
		pthread_mutex_unlock(&drv->lock);
		goto out;
	}
	/* The second field of a frame (a field decoded right after a first
	 * field into the same surface) keeps the frame's timestamp, so
	 * references to the first field and to the frame stay one. Any other
	 * picture, a new frame into the surface just output included, gets a
	 * timestamp of its own. */
	bool field = c->config.ops->is_field && c->config.ops->is_field(&in);
	bool second_field = field && c->last_first_field &&
			    c->last_target == target && s->timestamp_ns;
	uint64_t ts = second_field ? s->timestamp_ns : ++c->last_ts * 1000;
	struct va_ref_resolver refs = { .timestamp = resolve_timestamp,
					.opaque = c };
	st = c->config.ops->translate(c->codec_state, &in, &c->mode, &refs);
	if (st == VA_STATUS_SUCCESS) {
		s->timestamp_ns = ts;
		s->decoded = true;
		c->last_target = target;
		c->last_first_field = field && !second_field;
	} else {
		s->local_result = V4L2R_REFUSED;
		s->local_why = BAD_PICTURE;
	}
	pthread_mutex_unlock(&drv->lock);
	if (st != VA_STATUS_SUCCESS) {
		va_err(drv, "vaEndPicture (surface 0x%x): the %s parameters "
		       "were refused", target, c->desc->name);
		goto out;
	}
	if (display != VA_INVALID_SURFACE)
		prepare_display(drv, c, display);
	st = submit(drv, c, &in, index, ts);
	if (st != VA_STATUS_SUCCESS)
		mark_surface(drv, target, V4L2R_REFUSED, BAD_PICTURE);
	if (display != VA_INVALID_SURFACE)
		plan_copy(drv, c, display, target);
out:
	/* The slice data is in the OUTPUT buffer now, or never will be. */
	release_held(drv, c);
	pthread_mutex_unlock(&c->lock);
	context_put(drv, c);
	return st;
}
