/* Surfaces: creation (with the attributes clients pass), binding to a
 * context's CAPTURE buffers (see context.c for the design), and completion:
 * vaSyncSurface, vaQuerySurfaceStatus, vaQuerySurfaceError. A display
 * surface apart from its picture's render target (AV1 film grain) gets
 * the picture copied in once that decode is complete: it is settled when
 * the client first waits for, queries or reads it, and before the render
 * target takes another picture or goes. */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <va/va_drmcommon.h>

#include "va/driver.h"

VAStatus va_result_status(enum v4l2r_result result)
{
	switch (result) {
	case V4L2R_IDLE:
	case V4L2R_DONE:
	case V4L2R_PENDING:
		return VA_STATUS_SUCCESS;
	case V4L2R_DEVICE_LOST:	/* not this picture's fault */
		return VA_STATUS_ERROR_OPERATION_FAILED;
	case V4L2R_DECODE_ERROR:
	case V4L2R_REFUSED:
	case V4L2R_TIMEOUT:
	case V4L2R_ABORTED:
	default:
		return VA_STATUS_ERROR_DECODING_ERROR;
	}
}

void va_surface_unbind(struct va_driver *drv, struct va_surface *surf,
		       VASurfaceID id)
{
	struct va_context *c = surf->ctx;

	if (c && surf->capture_index >= 0 &&
	    (unsigned)surf->capture_index < c->n_capture &&
	    c->bound[surf->capture_index] == id)
		c->bound[surf->capture_index] = VA_INVALID_ID;
	surf->ctx = NULL;
	surf->capture_index = -1;
	surf->decoded = false;
	surf->timestamp_ns = 0;
	surf->copy_from = VA_INVALID_ID;
	/* the surface owned its probe context, or kept its picture in a
	 * destroyed one */
	if (c && (c->internal || c->dead))
		va_context_unref(drv, c);
}

static int free_index(const struct va_context *c)
{
	for (unsigned i = 0; i < c->n_capture; i++)
		if (c->bound[i] == VA_INVALID_ID)
			return (int)i;
	return -1;
}

static const char *rt_format_name(unsigned rt_format)
{
	switch (rt_format) {
	case VA_RT_FORMAT_YUV420: return "YUV420, 8 bits";
	case VA_RT_FORMAT_YUV420_10: return "YUV420_10, 10 bits";
	default: return "unknown";
	}
}

VAStatus va_surface_check_rt_format(struct va_driver *drv,
				    const struct va_surface *surf,
				    VASurfaceID id, unsigned rt_format)
{
	if (surf->rt_format & rt_format)
		return VA_STATUS_SUCCESS;
	va_err(drv, "surface 0x%x: its RT format 0x%x (%s) is not the "
	       "context's 0x%x (%s): the decoder would write pictures of "
	       "another bit depth into it", id, surf->rt_format,
	       rt_format_name(surf->rt_format), rt_format,
	       rt_format_name(rt_format));
	return VA_STATUS_ERROR_UNSUPPORTED_RT_FORMAT;
}

VAStatus va_surface_bind(struct va_driver *drv, struct va_surface *surf,
			 VASurfaceID id, struct va_context *c)
{
	if (surf->ctx == c && surf->capture_index >= 0)
		return VA_STATUS_SUCCESS;
	/* Before the capture format is chosen: a surface of the other bit
	 * depth must not choose it either. */
	VAStatus st = va_surface_check_rt_format(drv, surf, id,
						 c->config.rt_format);
	if (st != VA_STATUS_SUCCESS)
		return st;
	/* The first surface of a context created without render targets
	 * chooses its capture format. */
	st = va_context_prepare(c, surf->fourcc, surf->rt_format);
	if (st != VA_STATUS_SUCCESS)
		return st;
	/* The context's picture buffers are of its size: a larger surface
	 * would be read (vaGetImage, export) past the picture decoded. */
	uint32_t w = c->layout.desc ? c->layout.width : (uint32_t)c->width;
	uint32_t h = c->layout.desc ? c->layout.height : (uint32_t)c->height;
	if ((uint32_t)surf->width > w || (uint32_t)surf->height > h) {
		va_err(drv, "surface 0x%x: its size %dx%d is larger than the "
		       "%ux%u pictures of context 0x%x", id, surf->width,
		       surf->height, w, h, c->id);
		return VA_STATUS_ERROR_INVALID_SURFACE;
	}
	if (surf->ctx) {
		if (surf->decoded)
			va_info(drv, "surface 0x%x moves to another context; "
				"its picture is lost", id);
		va_surface_unbind(drv, surf, id);
	}
	int index = free_index(c);
	if (index < 0) {
		/* A few more than needed right now: clients that add one
		 * surface usually add several. */
		st = va_context_grow(c, c->n_capture + 4);
		if (st != VA_STATUS_SUCCESS)
			return st;
		index = free_index(c);
		if (index < 0)
			return VA_STATUS_ERROR_ALLOCATION_FAILED;
	}
	c->bound[index] = id;
	surf->ctx = c;
	surf->capture_index = index;
	surf->decoded = false;
	surf->timestamp_ns = 0;
	surf->local_result = V4L2R_IDLE;
	surf->local_why = NULL;
	return VA_STATUS_SUCCESS;
}

VAStatus va_surface_check_display(struct va_driver *drv, VASurfaceID id,
				  const struct va_surface *target,
				  struct va_context *c, const char *field)
{
	struct va_surface *s = va_heap_get(&drv->surfaces, id);

	if (!s) {
		va_err(drv, "%s = 0x%x: no such surface", field, id);
		return VA_STATUS_ERROR_INVALID_SURFACE;
	}
	/* The render target's picture is copied whole into it. */
	if (s->width != target->width || s->height != target->height) {
		va_err(drv, "%s = 0x%x: its size %dx%d is not the render "
		       "target's %dx%d", field, id, s->width, s->height,
		       target->width, target->height);
		return VA_STATUS_ERROR_INVALID_SURFACE;
	}
	if (s->rt_format != target->rt_format) {
		va_err(drv, "%s = 0x%x: its RT format 0x%x (%s) is not the "
		       "render target's 0x%x (%s)", field, id, s->rt_format,
		       rt_format_name(s->rt_format), target->rt_format,
		       rt_format_name(target->rt_format));
		return VA_STATUS_ERROR_UNSUPPORTED_RT_FORMAT;
	}
	return va_surface_bind(drv, s, id, c);
}

/* Capture buffer `from` of c into buffer `to`: the same layout. */
static int copy_capture(struct va_context *c, const struct v4l2r_layout *l,
			unsigned from, unsigned to)
{
	uint8_t *src[V4L2R_MAX_PLANES], *dst[V4L2R_MAX_PLANES];

	if (v4l2r_session_capture_map(c->session, from, src) < 0 ||
	    v4l2r_session_capture_map(c->session, to, dst) < 0)
		return -1;
	for (unsigned m = 0; m < l->mem_planes; m++) {
		if (!src[m] || !dst[m])
			return -1;
		memcpy(dst[m], src[m], l->mem_size[m]);
	}
	return 0;
}

enum v4l2r_result va_surface_settle(struct va_driver *drv, VASurfaceID id,
				    bool wait)
{
	pthread_mutex_lock(&drv->lock);
	struct va_surface *s = va_heap_get(&drv->surfaces, id);
	if (!s || s->copy_from == VA_INVALID_ID) {
		pthread_mutex_unlock(&drv->lock);
		return V4L2R_IDLE;
	}
	VASurfaceID from = s->copy_from;
	const struct va_surface *src = va_heap_get(&drv->surfaces, from);
	struct va_context *c = s->ctx;
	if (!src || !c || src->ctx != c || src->capture_index < 0) {
		/* Its source is settled before it is decoded into again or
		 * destroyed: only losing the context's buffers gets here. */
		s->copy_from = VA_INVALID_ID;
		s->local_result = V4L2R_ABORTED;
		s->local_why = "the picture it shows was lost with its "
			       "render target's buffer";
		pthread_mutex_unlock(&drv->lock);
		return V4L2R_ABORTED;
	}
	/* A picture refused before or while queueing has no device result. */
	enum v4l2r_result r = src->local_result;
	unsigned from_index = (unsigned)src->capture_index;
	unsigned to_index = (unsigned)s->capture_index;
	struct v4l2r_layout layout = c->layout;
	va_context_ref(c);
	pthread_mutex_unlock(&drv->lock);

	if (r == V4L2R_IDLE)
		r = wait ? v4l2r_session_wait_capture(c->session, from_index,
						      drv->sync_timeout_ms) :
			   v4l2r_session_capture_status(c->session, from_index);
	bool copied = r != V4L2R_PENDING &&
		      va_result_status(r) == VA_STATUS_SUCCESS &&
		      copy_capture(c, &layout, from_index, to_index) == 0;

	pthread_mutex_lock(&drv->lock);
	s = va_heap_get(&drv->surfaces, id);
	if (r != V4L2R_PENDING && s && s->copy_from == from) {
		s->copy_from = VA_INVALID_ID;
		if (!copied) {
			if (va_result_status(r) == VA_STATUS_SUCCESS)
				r = V4L2R_ABORTED;
			s->local_result = r;
			s->local_why = r == V4L2R_ABORTED ?
				"its picture could not be copied from the "
				"render target" :
				"the decode into its render target failed";
		}
	}
	va_context_unref(drv, c);
	pthread_mutex_unlock(&drv->lock);
	return r;
}

void va_surface_settle_copies_from(struct va_driver *drv, VASurfaceID id)
{
	for (;;) {
		VASurfaceID display = VA_INVALID_ID, sid;
		unsigned cur = 0;
		const struct va_surface *s;

		pthread_mutex_lock(&drv->lock);
		while ((s = va_heap_next(&drv->surfaces, &cur, &sid)))
			if (s->copy_from == id) {
				display = sid;
				break;
			}
		pthread_mutex_unlock(&drv->lock);
		/* Waiting ends every copy it finds (a timeout included). */
		if (display == VA_INVALID_ID ||
		    va_surface_settle(drv, display, true) == V4L2R_PENDING)
			return;
	}
}

/* Whether an unbound surface can live in a client's context. The pixel
 * format it asked for does not matter: a context's first surface chose
 * the format, later ones are converted on readback. */
static bool surface_fits(const struct va_surface *s, const struct va_context *c)
{
	uint32_t w = c->layout.desc ? c->layout.width : (uint32_t)c->width;
	uint32_t h = c->layout.desc ? c->layout.height : (uint32_t)c->height;

	return !c->dead && !c->setup_failed &&
	       (s->rt_format & c->config.rt_format) &&
	       (uint32_t)s->width <= w && (uint32_t)s->height <= h &&
	       (!c->layout.desc || free_index(c) >= 0);
}

bool va_driver_produces(struct va_driver *drv, uint32_t va_fourcc,
			unsigned rt_format)
{
	for (unsigned i = 0; i < drv->n_profiles; i++) {
		const struct va_profile_entry *e = &drv->profiles[i];
		if (va_codec_produces(&drv->devices[e->device].caps.codec[e->ops->codec],
				      va_fourcc, rt_format))
			return true;
	}
	return false;
}

VAStatus va_surface_bind_any(struct va_driver *drv, struct va_surface *surf,
			     VASurfaceID id)
{
	struct va_context *best = NULL;
	unsigned cur = 0;
	struct va_context *c;

	if (surf->ctx)
		return VA_STATUS_SUCCESS;
	/* Any live context it fits with a free buffer; with one decoder per
	 * display (the usual case) that is the one. */
	while ((c = va_heap_next(&drv->contexts, &cur, NULL)))
		if (surface_fits(surf, c))
			best = c;
	if (!best)
		return VA_STATUS_ERROR_OPERATION_FAILED;
	return va_surface_bind(drv, surf, id, best);
}

VAStatus va_surface_bind_memory(struct va_driver *drv, struct va_surface *surf,
				VASurfaceID id)
{
	if (va_surface_bind_any(drv, surf, id) == VA_STATUS_SUCCESS)
		return VA_STATUS_SUCCESS;
	struct va_context *probe = va_context_new_probe(drv, surf);
	if (!probe) {
		va_err(drv, "surface 0x%x (%dx%d): no decoder makes pictures "
		       "of its format at that size", id, surf->width,
		       surf->height);
		return VA_STATUS_ERROR_OPERATION_FAILED;
	}
	VAStatus st = va_surface_bind(drv, surf, id, probe);
	if (st != VA_STATUS_SUCCESS)
		va_context_unref(drv, probe);
	return st;
}

VAStatus va_CreateSurfaces2(VADriverContextP ctx, unsigned format,
			    unsigned width, unsigned height,
			    VASurfaceID *surfaces, unsigned n,
			    VASurfaceAttrib *attribs, unsigned n_attribs)
{
	struct va_driver *drv = va_drv(ctx);
	uint32_t fourcc = 0;

	if (format != VA_RT_FORMAT_YUV420 && format != VA_RT_FORMAT_YUV420_10) {
		va_info(drv, "vaCreateSurfaces: RT format 0x%x not supported",
			format);
		return VA_STATUS_ERROR_UNSUPPORTED_RT_FORMAT;
	}
	if (!width || !height || width > 16384 || height > 16384 || !surfaces)
		return VA_STATUS_ERROR_INVALID_PARAMETER;
	for (unsigned i = 0; i < n_attribs && attribs; i++) {
		const VASurfaceAttrib *a = &attribs[i];
		if (!(a->flags & VA_SURFACE_ATTRIB_SETTABLE))
			continue;
		switch (a->type) {
		case VASurfaceAttribPixelFormat:
			if (a->value.type != VAGenericValueTypeInteger)
				return VA_STATUS_ERROR_INVALID_PARAMETER;
			fourcc = (uint32_t)a->value.value.i;
			break;
		case VASurfaceAttribMemoryType:
			if (a->value.type != VAGenericValueTypeInteger)
				return VA_STATUS_ERROR_INVALID_PARAMETER;
			if ((uint32_t)a->value.value.i != VA_SURFACE_ATTRIB_MEM_TYPE_VA) {
				va_info(drv, "vaCreateSurfaces: importing memory "
					"(type 0x%x) is not supported",
					a->value.value.i);
				return VA_STATUS_ERROR_UNSUPPORTED_MEMORY_TYPE;
			}
			break;
		case VASurfaceAttribExternalBufferDescriptor:
			va_info(drv, "vaCreateSurfaces: importing memory (an "
				"external buffer descriptor) is not supported");
			return VA_STATUS_ERROR_UNSUPPORTED_MEMORY_TYPE;
		default:
			break;	/* usage hints and the like */
		}
	}
	/* A pixel format no device makes is still fine when vaGetImage can
	 * convert into it (the surface then holds the device's format). */
	VAImageFormat image_format;
	const struct v4l2r_format_desc *fd = fourcc ? v4l2r_format_by_va(fourcc) : NULL;
	if (fourcc && !va_driver_produces(drv, fourcc, format) &&
	    !(fd && (fd->va_rt_format & format) &&
	      va_image_format(fourcc, &image_format))) {
		va_err(drv, "vaCreateSurfaces: %.4s pictures of RT format 0x%x "
		       "are neither decoded nor converted to by this driver "
		       "(vaQuerySurfaceAttributes lists the pixel formats of "
		       "each config)", (const char *)&fourcc, format);
		return VA_STATUS_ERROR_UNSUPPORTED_RT_FORMAT;
	}

	pthread_mutex_lock(&drv->lock);
	for (unsigned i = 0; i < n; i++) {
		struct va_surface *s = calloc(1, sizeof(*s));
		if (s) {
			s->width = (int)width;
			s->height = (int)height;
			s->rt_format = format;
			s->fourcc = fourcc;
			s->capture_index = -1;
			s->local_result = V4L2R_IDLE;
			s->copy_from = VA_INVALID_ID;
			surfaces[i] = va_heap_add(&drv->surfaces, s);
		}
		if (!s || surfaces[i] == VA_INVALID_ID) {
			free(s);
			for (unsigned k = 0; k < i; k++)
				free(va_heap_remove(&drv->surfaces, surfaces[k]));
			pthread_mutex_unlock(&drv->lock);
			return VA_STATUS_ERROR_ALLOCATION_FAILED;
		}
		/* GStreamer's order: the context exists, bind now so that an
		 * export right away already has memory behind it. */
		va_surface_bind_any(drv, s, surfaces[i]);
	}
	pthread_mutex_unlock(&drv->lock);
	return VA_STATUS_SUCCESS;
}

VAStatus va_CreateSurfaces(VADriverContextP ctx, int width, int height,
			   int format, int n, VASurfaceID *surfaces)
{
	if (width <= 0 || height <= 0 || n < 0)
		return VA_STATUS_ERROR_INVALID_PARAMETER;
	return va_CreateSurfaces2(ctx, (unsigned)format, (unsigned)width,
				  (unsigned)height, surfaces, (unsigned)n,
				  NULL, 0);
}

VAStatus va_DestroySurfaces(VADriverContextP ctx, VASurfaceID *list, int n)
{
	struct va_driver *drv = va_drv(ctx);
	VAStatus st = VA_STATUS_SUCCESS;

	/* Display surfaces showing their pictures get them first. */
	for (int i = 0; i < n && list; i++)
		va_surface_settle_copies_from(drv, list[i]);
	pthread_mutex_lock(&drv->lock);
	for (int i = 0; i < n; i++) {
		struct va_surface *s = va_heap_remove(&drv->surfaces, list[i]);
		if (!s) {
			st = VA_STATUS_ERROR_INVALID_SURFACE;
			continue;
		}
		/* A decode still running into its buffer ends on its own;
		 * the next picture in that buffer waits for it first. */
		va_surface_unbind(drv, s, list[i]);
		free(s);
	}
	pthread_mutex_unlock(&drv->lock);
	return st;
}

enum v4l2r_result va_surface_wait(struct va_driver *drv, VASurfaceID id,
				  int timeout_ms)
{
	va_surface_settle(drv, id, true);
	pthread_mutex_lock(&drv->lock);
	struct va_surface *s = va_heap_get(&drv->surfaces, id);
	if (!s || s->local_result != V4L2R_IDLE || !s->ctx ||
	    s->capture_index < 0) {
		enum v4l2r_result r = s ? s->local_result : V4L2R_IDLE;
		pthread_mutex_unlock(&drv->lock);
		return r;
	}
	struct va_context *c = s->ctx;
	unsigned index = (unsigned)s->capture_index;
	va_context_ref(c);
	pthread_mutex_unlock(&drv->lock);

	enum v4l2r_result r = v4l2r_session_wait_capture(c->session, index,
							 timeout_ms);
	pthread_mutex_lock(&drv->lock);
	va_context_unref(drv, c);
	pthread_mutex_unlock(&drv->lock);
	return r;
}

static void log_result(struct va_driver *drv, VASurfaceID id,
		       enum v4l2r_result r)
{
	const char *why = NULL;

	if (va_result_status(r) == VA_STATUS_SUCCESS)
		return;
	pthread_mutex_lock(&drv->lock);
	struct va_surface *s = va_heap_get(&drv->surfaces, id);
	if (s && s->local_result == r)
		why = s->local_why;
	pthread_mutex_unlock(&drv->lock);
	va_err(drv, "surface 0x%x: %s", id, why ? why : v4l2r_result_str(r));
}

/* The capture buffer whose decode decides a surface's state (drv->lock
 * held): a display surface awaiting its picture waits for its render
 * target's. */
static int deciding_index(struct va_driver *drv, const struct va_surface *s)
{
	const struct va_surface *src = s->copy_from == VA_INVALID_ID ? NULL :
		va_heap_get(&drv->surfaces, s->copy_from);

	return src && src->ctx == s->ctx ? src->capture_index : s->capture_index;
}

VAStatus va_SyncSurface2(VADriverContextP ctx, VASurfaceID id,
			 uint64_t timeout_ns)
{
	struct va_driver *drv = va_drv(ctx);
	int timeout_ms = drv->sync_timeout_ms;

	if (!va_heap_get(&drv->surfaces, id))
		return VA_STATUS_ERROR_INVALID_SURFACE;
	if (timeout_ns != VA_TIMEOUT_INFINITE &&
	    timeout_ns / 1000000 < (uint64_t)timeout_ms) {
		/* A short wait that runs out is not a device failure: poll
		 * and report a timeout without recovering the session. */
		pthread_mutex_lock(&drv->lock);
		struct va_surface *s = va_heap_get(&drv->surfaces, id);
		struct va_context *c = s ? s->ctx : NULL;
		int index = s ? deciding_index(drv, s) : -1;
		if (c)
			va_context_ref(c);
		pthread_mutex_unlock(&drv->lock);
		enum v4l2r_result r = V4L2R_IDLE;
		if (c && index >= 0) {
			uint64_t waited = 0;
			for (;;) {
				r = v4l2r_session_capture_status(c->session,
								 (unsigned)index);
				if (r != V4L2R_PENDING || waited >= timeout_ns)
					break;
				struct timespec t = { .tv_nsec = 1000000 };
				nanosleep(&t, NULL);
				waited += 1000000;
			}
		}
		if (c) {
			pthread_mutex_lock(&drv->lock);
			va_context_unref(drv, c);
			pthread_mutex_unlock(&drv->lock);
		}
		if (r == V4L2R_PENDING)
			return VA_STATUS_ERROR_TIMEDOUT;
		if (!c)
			return VA_STATUS_SUCCESS;
	}
	enum v4l2r_result r = va_surface_wait(drv, id, timeout_ms);
	log_result(drv, id, r);
	return va_result_status(r);
}

VAStatus va_SyncSurface(VADriverContextP ctx, VASurfaceID id)
{
	return va_SyncSurface2(ctx, id, VA_TIMEOUT_INFINITE);
}

/* The result without waiting. */
static enum v4l2r_result peek(struct va_driver *drv, VASurfaceID id,
			      bool *valid)
{
	/* A display surface whose picture is decoded gets it now. */
	if (va_surface_settle(drv, id, false) == V4L2R_PENDING) {
		*valid = true;
		return V4L2R_PENDING;
	}
	pthread_mutex_lock(&drv->lock);
	struct va_surface *s = va_heap_get(&drv->surfaces, id);
	*valid = s != NULL;
	if (!s || s->local_result != V4L2R_IDLE || !s->ctx ||
	    s->capture_index < 0) {
		enum v4l2r_result r = s ? s->local_result : V4L2R_IDLE;
		pthread_mutex_unlock(&drv->lock);
		return r;
	}
	struct va_context *c = s->ctx;
	unsigned index = (unsigned)s->capture_index;
	va_context_ref(c);
	pthread_mutex_unlock(&drv->lock);
	enum v4l2r_result r = v4l2r_session_capture_status(c->session, index);
	pthread_mutex_lock(&drv->lock);
	va_context_unref(drv, c);
	pthread_mutex_unlock(&drv->lock);
	return r;
}

VAStatus va_QuerySurfaceStatus(VADriverContextP ctx, VASurfaceID id,
			       VASurfaceStatus *status)
{
	bool valid;
	enum v4l2r_result r = peek(va_drv(ctx), id, &valid);

	if (!valid)
		return VA_STATUS_ERROR_INVALID_SURFACE;
	*status = r == V4L2R_PENDING ? VASurfaceRendering : VASurfaceReady;
	return VA_STATUS_SUCCESS;
}

VAStatus va_QuerySurfaceError(VADriverContextP ctx, VASurfaceID id,
			      VAStatus error, void **info)
{
	struct va_driver *drv = va_drv(ctx);
	bool valid;
	enum v4l2r_result r = peek(drv, id, &valid);

	if (!valid)
		return VA_STATUS_ERROR_INVALID_SURFACE;
	if (error != VA_STATUS_ERROR_DECODING_ERROR || !info)
		return VA_STATUS_ERROR_UNIMPLEMENTED;
	pthread_mutex_lock(&drv->lock);
	struct va_surface *s = va_heap_get(&drv->surfaces, id);
	if (!s) {
		pthread_mutex_unlock(&drv->lock);
		return VA_STATUS_ERROR_INVALID_SURFACE;
	}
	memset(s->mb_errors, 0, sizeof(s->mb_errors));
	unsigned k = 0;
	if (va_result_status(r) != VA_STATUS_SUCCESS) {
		/* The device says which picture failed, not which
		 * macroblocks: the whole picture is reported. */
		unsigned mbs = (unsigned)(((s->width + 15) / 16) *
					  ((s->height + 15) / 16));
		s->mb_errors[0].status = 1;
		s->mb_errors[0].start_mb = 0;
		s->mb_errors[0].end_mb = mbs ? mbs - 1 : 0;
		s->mb_errors[0].decode_error_type = VADecodeMBError;
		s->mb_errors[0].num_mb = mbs;
		k = 1;
	}
	s->mb_errors[k].status = -1;	/* end of the list */
	*info = s->mb_errors;
	pthread_mutex_unlock(&drv->lock);
	return VA_STATUS_SUCCESS;
}
