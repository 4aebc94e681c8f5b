/* Decoding contexts: one V4L2 decoder session each (its own open instance
 * of the video node), its formats, its buffers and the binding of VA
 * surfaces to CAPTURE buffers.
 *
 * Surfaces and capture buffers. A surface's pixels are a CAPTURE buffer of
 * the context that decodes into it. Clients create the two in either order:
 * FFmpeg creates its whole surface pool first and names it in
 * vaCreateContext; GStreamer's va elements create the context with no
 * surfaces and allocate surfaces afterwards (and more later when downstream
 * holds many). Formats can only be set on a queue without buffers (setting
 * them later is the EBUSY users met with older drivers), so everything is
 * set once here, before any buffer exists:
 *  - with render targets, exactly that many capture buffers, each target
 *    bound at once;
 *  - without, a generous count (LIBVA_V4L2_REQUEST_CAPTURE_BUFFERS, default
 *    VA_DEFAULT_CAPTURE_BUFFERS: a full H.264/HEVC DPB plus the pictures a
 *    pipeline holds), and surfaces created later bind to free buffers.
 * When a surface finds no free buffer, buffers are added beside the
 * present ones (VIDIOC_CREATE_BUFS, va_context_grow): decoding goes on and
 * every picture keeps its timestamp, so it stays a reference. FFmpeg 7's
 * surface pool grows so when its pipeline holds more frames than usual (a
 * loaded machine): the old way below cost the references of the moment.
 * Only a device that cannot add buffers (or has no room left) has them
 * reallocated: streaming stops, all buffers are freed and allocated again,
 * larger. That is done only when no picture is in flight or being built
 * and no image is derived from a surface; pixels already decoded are
 * copied over, but the device forgets their timestamps, so pictures
 * decoded before the growth can no longer serve as references (the client
 * sees errors until its next key frame; a warning says so).
 *
 * A larger size is another matter: a CAPTURE queue's format cannot change
 * while it has buffers, and those may be exported or mapped by the client.
 * A context whose target outgrows it (VP9 under vavp9dec) moves to a new
 * device session of the larger size, and the old one lives on, as a
 * destroyed context's does, while its surfaces hold pictures
 * (va_context_outgrow). */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <linux/videodev2.h>

#include "v4l2r/bit_depth.h"
#include "v4l2r/trace.h"
#include "va/driver.h"

void va_context_ref(struct va_context *c)
{
	c->refs++;
}

void va_context_release_held(struct va_context *c)
{
	for (unsigned i = 0; i < c->n_held; i++)
		va_buffer_release(c->held[i]);
	c->n_held = 0;
}

static void context_free(struct va_context *c)
{
	/* A picture begun but never ended (vaDestroyContext drops it). */
	va_context_release_held(c);
	free(c->held);
	v4l2r_session_close(c->session);
	va_accum_fini(&c->accum);
	free(c->codec_state);
	free(c->bound);
	pthread_mutex_destroy(&c->lock);
	free(c);
}

void va_context_unref(struct va_driver *drv, struct va_context *c)
{
	if (--c->refs == 0)
		context_free(c);
}

/* A 10-bit context tells the device before choosing its capture format:
 * drivers list their 10-bit formats only once the codec's sequence control
 * says 10 bits, and change that list only while CAPTURE has no buffers. */
static int set_bit_depth(struct va_driver *drv, struct va_context *c)
{
	union v4l2r_bit_depth_payload p;
	struct v4l2_ext_control ctrl;

	if (c->config.rt_format != VA_RT_FORMAT_YUV420_10)
		return 0;
	if (!v4l2r_bit_depth_control(c->desc->codec, 10, (uint32_t)c->width,
				     (uint32_t)c->height, &p, &ctrl)) {
		va_err(drv, "%s: no control carries a bit depth: no 10-bit "
		       "pictures", c->desc->name);
		return -EINVAL;
	}
	return v4l2r_session_set_controls(c->session, &ctrl, 1);
}

/* Linear when the device offers it: VA clients expect linear pictures
 * (vaDeriveImage works, an export with the linear modifier imports
 * anywhere); a tiled format only when that is all the device makes, in
 * which case vaGetImage untiles. With want (a VA fourcc the render targets
 * were created with), only formats clients see as that one. */
uint32_t va_choose_capture_format(const uint32_t *fourccs, unsigned n,
				  unsigned rt_format, uint32_t want)
{
	uint32_t fallback = 0;

	for (unsigned i = 0; i < n; i++) {
		const struct v4l2r_format_desc *d = v4l2r_format_by_v4l2(fourccs[i]);
		uint32_t seen = va_fourcc_of_capture(fourccs[i]);
		if (!d || !(d->va_rt_format & rt_format) || !seen ||
		    (want && seen != want))
			continue;
		if (d->va_fourcc && !d->tile_w)
			return fourccs[i];
		if (!fallback)
			fallback = fourccs[i];
	}
	return fallback;
}


/* What a context needs of the device before any picture buffer exists:
 * its own session, the coded format and size, the decode mode. */
static VAStatus open_device(struct va_driver *drv, struct va_context *c)
{
	const struct va_device *dev = &drv->devices[c->config.device];
	bool ok;
	int ret;

	c->mode = v4l2r_decode_mode_choose(c->desc, c->caps, drv->decode_mode, &ok);
	c->mode.controls_present = c->caps->controls_present;
	if (!ok) {
		va_err(drv, "%s: the device offers no decode mode this driver "
		       "can use", c->desc->name);
		return VA_STATUS_ERROR_OPERATION_FAILED;
	}
	if (c->desc->decode_mode_cid && drv->decode_mode != V4L2R_DECODE_MODE_AUTO &&
	    c->mode.slice_based != (drv->decode_mode == V4L2R_DECODE_MODE_SLICE))
		va_err(drv, "LIBVA_V4L2_REQUEST_DECODE_MODE=%s: the device "
		       "offers no %s %s decoding; using %s decoding",
		       drv->decode_mode == V4L2R_DECODE_MODE_SLICE ? "slice" : "frame",
		       drv->decode_mode == V4L2R_DECODE_MODE_SLICE ? "slice-based" :
								  "frame-based",
		       c->desc->name,
		       c->mode.slice_based ? "slice-based" : "frame-based");
	ret = v4l2r_session_open(&dev->node, &c->session);
	if (ret < 0)
		return VA_STATUS_ERROR_OPERATION_FAILED;
	/* LIBVA_V4L2_REQUEST_RECORD=FILE records the session (trace.h);
	 * a probe context decodes nothing worth recording. */
	if (!c->internal)
		v4l2r_session_record_from_env(c->session,
					      "LIBVA_V4L2_REQUEST_RECORD");
	ret = v4l2r_session_set_output_format(c->session, c->desc->coded_fourcc,
					      (uint32_t)c->width,
					      (uint32_t)c->height,
					      v4l2r_bitstream_size((uint32_t)c->width,
								   (uint32_t)c->height));
	if (ret < 0)
		return VA_STATUS_ERROR_OPERATION_FAILED;
	uint32_t limit = v4l2r_session_output_size(c->session);
	if (limit)
		c->accum.data_limit = limit;
	/* Decode mode and start code before the capture format: a driver may
	 * choose its formats by them. */
	ret = v4l2r_session_set_decode_mode(c->session, c->desc, c->caps,
					    &c->mode);
	if (ret < 0)
		return VA_STATUS_ERROR_OPERATION_FAILED;
	return VA_STATUS_SUCCESS;
}

/* LIBVA_V4L2_REQUEST_CAPTURE_FORMAT (a V4L2 format name, "P010_4L4"):
 * that format when the device lists it for this context and it fits the
 * RT format and want; else 0, with a line saying why. */
static uint32_t forced_capture_format(struct va_driver *drv,
				      const struct va_context *c,
				      const uint32_t *fourccs, unsigned count,
				      uint32_t want)
{
	const struct v4l2r_format_desc *d = drv->capture_format;

	if (!d)
		return 0;
	for (unsigned i = 0; i < count; i++)
		if (fourccs[i] == d->v4l2_fourcc &&
		    va_choose_capture_format(&fourccs[i], 1,
					     c->config.rt_format, want))
			return fourccs[i];
	va_info(drv, "LIBVA_V4L2_REQUEST_CAPTURE_FORMAT=%s: not made by the "
		"device for this %s context (or not of its RT format 0x%x); "
		"the driver chooses", d->name, c->desc->name,
		c->config.rt_format);
	return 0;
}

/* The capture format and buffers: want is the VA fourcc surfaces were
 * created with (0: none asked for), honoured when the device makes it. */
static VAStatus setup_capture(struct va_driver *drv, struct va_context *c,
			      unsigned n_capture, uint32_t want)
{
	uint32_t fourccs[V4L2R_MAX_CAPTURE_FORMATS];
	int ret;

	/* Here, not at open: the RT format may come with the first surface. */
	if (set_bit_depth(drv, c) < 0)
		return VA_STATUS_ERROR_UNSUPPORTED_RT_FORMAT;
	int n = v4l2r_session_capture_formats(c->session, fourccs,
					      V4L2R_MAX_CAPTURE_FORMATS);
	unsigned count = n < 0 ? 0 : (unsigned)n;
	uint32_t fourcc = forced_capture_format(drv, c, fourccs, count, want);
	if (!fourcc && want)
		fourcc = va_choose_capture_format(fourccs, count,
						  c->config.rt_format, want);
	if (!fourcc) {
		fourcc = va_choose_capture_format(fourccs, count,
						  c->config.rt_format, 0);
		if (fourcc && want)
			va_info(drv, "%s %dx%d: the device makes no %.4s "
				"pictures; surfaces hold %s, vaGetImage converts",
				c->desc->name, c->width, c->height,
				(const char *)&want,
				v4l2r_format_by_v4l2(fourcc)->name);
	}
	if (!fourcc) {
		va_err(drv, "%s %dx%d: the device produces no picture format "
		       "this driver knows", c->desc->name, c->width, c->height);
		return VA_STATUS_ERROR_UNSUPPORTED_RT_FORMAT;
	}
	ret = v4l2r_session_set_capture_format(c->session, fourcc, &c->layout);
	if (ret < 0)
		return VA_STATUS_ERROR_OPERATION_FAILED;
	ret = v4l2r_session_alloc_buffers(c->session,
					  c->internal ? 1 : VA_OUTPUT_BUFFERS,
					  n_capture);
	if (ret < 0) {
		va_err(drv, "cannot allocate %u picture buffers: %s", n_capture,
		       strerror(-ret));
		return VA_STATUS_ERROR_ALLOCATION_FAILED;
	}
	unsigned have = v4l2r_session_capture_count(c->session);
	VASurfaceID *bound = malloc((have ? have : 1) * sizeof(*bound));
	if (!bound)
		return VA_STATUS_ERROR_ALLOCATION_FAILED;
	for (unsigned i = 0; i < have; i++)
		bound[i] = VA_INVALID_ID;
	ret = v4l2r_session_start(c->session);
	if (ret < 0) {
		free(bound);
		return VA_STATUS_ERROR_OPERATION_FAILED;
	}
	c->bound = bound;
	c->n_capture = have;
	va_info(drv, "context %dx%d %s: %s %ux%u, %u picture buffers, %s%s%s",
		c->width, c->height, c->desc->name, c->layout.desc->name,
		c->layout.width, c->layout.height, c->n_capture,
		c->mode.slice_based ? "slice-based" : "frame-based",
		c->mode.annex_b ? ", Annex-B start codes" : "",
		c->internal ? " (memory of a surface created before any "
			      "context)" : "");
	return VA_STATUS_SUCCESS;
}

VAStatus va_context_prepare(struct va_context *c, uint32_t want,
			    unsigned rt_format)
{
	/* First: a failed setup may have set the layout before the buffers
	 * failed. */
	if (c->setup_failed)
		return VA_STATUS_ERROR_OPERATION_FAILED;
	if (c->layout.desc)
		return VA_STATUS_SUCCESS;
	if (c->config.rt_format & rt_format)
		c->config.rt_format &= rt_format;
	VAStatus st = setup_capture(c->drv, c, c->deferred_capture, want);
	/* A failure here is the device's, not the surface's: do not try
	 * again for every surface. */
	c->setup_failed = st != VA_STATUS_SUCCESS;
	return st;
}

/* Whether the device decodes pictures of width x height (its range
 * unknown: yes); else a log line naming the range. */
static bool fits_device(struct va_driver *drv, const struct va_context *c,
			int width, int height)
{
	const struct v4l2r_size_range *r = &c->caps->sizes;

	if (!r->known || ((unsigned)width <= r->max_width &&
			  (unsigned)height <= r->max_height &&
			  (unsigned)width >= r->min_width &&
			  (unsigned)height >= r->min_height))
		return true;
	va_err(drv, "%s %dx%d: outside the device's %ux%u..%ux%u",
	       c->desc->name, width, height, r->min_width, r->min_height,
	       r->max_width, r->max_height);
	return false;
}

/* Everything but the capture buffers, common to client and probe
 * contexts. */
static VAStatus context_init(struct va_driver *drv, struct va_context *c,
			     const struct va_config *cfg, int width, int height)
{
	c->drv = drv;
	c->refs = 1;
	c->width = width;
	c->height = height;
	c->last_target = VA_INVALID_SURFACE;
	c->config = *cfg;
	pthread_mutex_init(&c->lock, NULL);
	c->desc = v4l2r_codec_get(c->config.ops->codec);
	c->caps = &drv->devices[c->config.device].caps.codec[c->config.ops->codec];
	if (!fits_device(drv, c, width, height))
		return VA_STATUS_ERROR_RESOLUTION_NOT_SUPPORTED;
	c->codec_state = calloc(1, c->config.ops->state_size ?
					   c->config.ops->state_size : 1);
	if (!c->codec_state || va_accum_init(&c->accum, c->config.ops) < 0)
		return VA_STATUS_ERROR_ALLOCATION_FAILED;
	return open_device(drv, c);
}

struct va_context *va_context_new_probe(struct va_driver *drv,
					const struct va_surface *s)
{
	/* The first codec whose device makes the surface's pixel format at
	 * its size; else (a format only vaGetImage gives, I420 on Cedrus)
	 * the first of its RT format, whose layout the export then names. */
	for (unsigned k = 0; k < 2 * drv->n_profiles; k++) {
		bool exact = k < drv->n_profiles;
		const struct va_profile_entry *e = &drv->profiles[k % drv->n_profiles];
		const struct v4l2r_codec_caps *cc =
			&drv->devices[e->device].caps.codec[e->ops->codec];
		if (!(va_entry_rt_formats(drv, e) & s->rt_format) ||
		    (exact && s->fourcc &&
		     !va_codec_produces(cc, s->fourcc, s->rt_format)) ||
		    (!exact && !s->fourcc))
			continue;
		struct va_config cfg = {
			.profile = e->profile, .entrypoint = VAEntrypointVLD,
			.rt_format = s->rt_format, .ops = e->ops,
			.device = e->device,
		};
		struct va_context *c = calloc(1, sizeof(*c));
		if (!c)
			return NULL;
		c->internal = true;
		c->id = VA_INVALID_ID;
		if (context_init(drv, c, &cfg, s->width, s->height) ==
			    VA_STATUS_SUCCESS &&
		    setup_capture(drv, c, 1, s->fourcc) == VA_STATUS_SUCCESS)
			return c;
		context_free(c);
	}
	return NULL;
}

VAStatus va_CreateContext(VADriverContextP ctx, VAConfigID config, int width,
			  int height, int flag, VASurfaceID *targets,
			  int n_targets, VAContextID *id)
{
	struct va_driver *drv = va_drv(ctx);
	struct va_context *c;
	VAStatus st;

	if (width <= 0 || height <= 0 || width > 16384 || height > 16384 ||
	    n_targets < 0 || (n_targets && !targets))
		return VA_STATUS_ERROR_INVALID_PARAMETER;
	c = calloc(1, sizeof(*c));
	if (!c)
		return VA_STATUS_ERROR_ALLOCATION_FAILED;

	pthread_mutex_lock(&drv->lock);
	struct va_config *cfg = va_heap_get(&drv->configs, config);
	struct va_config cfg_copy;
	if (cfg)
		cfg_copy = *cfg;
	/* The pixel format the render targets were created with, if any:
	 * the capture format is chosen to match the first one. Targets of
	 * other formats are converted on readback. */
	uint32_t want = 0;
	unsigned want_rt = 0;
	for (int i = 0; cfg && i < n_targets; i++) {
		struct va_surface *s = va_heap_get(&drv->surfaces, targets[i]);
		/* A target of the other bit depth is refused before the
		 * device is opened (va_surface_bind would, later). */
		st = s ? va_surface_check_rt_format(drv, s, targets[i],
						    cfg->rt_format) :
			 VA_STATUS_ERROR_INVALID_SURFACE;
		if (st != VA_STATUS_SUCCESS) {
			pthread_mutex_unlock(&drv->lock);
			free(c);
			return st;
		}
		if (!want)
			want = s->fourcc;
		if (!want_rt)
			want_rt = s->rt_format;
	}
	pthread_mutex_unlock(&drv->lock);
	if (!cfg) {
		free(c);
		return VA_STATUS_ERROR_INVALID_CONFIG;
	}

	st = context_init(drv, c, &cfg_copy, width, height);
	unsigned n_capture = (unsigned)n_targets;
	if (!n_capture)
		n_capture = drv->capture_buffers ? drv->capture_buffers :
						   VA_DEFAULT_CAPTURE_BUFFERS;
	else if (drv->capture_buffers > n_capture)
		n_capture = drv->capture_buffers;
	/* Without render targets the capture format waits for the first
	 * surface bound (FFmpeg 6.1+ and GStreamer create theirs after the
	 * context): its pixel format is then honoured. */
	c->deferred_capture = n_capture;
	if (st == VA_STATUS_SUCCESS && n_targets)
		st = va_context_prepare(c, want, want_rt);
	if (st != VA_STATUS_SUCCESS) {
		context_free(c);
		return st;
	}

	pthread_mutex_lock(&drv->lock);
	c->id = va_heap_add(&drv->contexts, c);
	if (c->id == VA_INVALID_ID) {
		pthread_mutex_unlock(&drv->lock);
		context_free(c);
		return VA_STATUS_ERROR_ALLOCATION_FAILED;
	}
	st = VA_STATUS_SUCCESS;
	for (int i = 0; i < n_targets && st == VA_STATUS_SUCCESS; i++) {
		struct va_surface *s = va_heap_get(&drv->surfaces, targets[i]);
		st = s ? va_surface_bind(drv, s, targets[i], c) :
			 VA_STATUS_ERROR_INVALID_SURFACE;
	}
	pthread_mutex_unlock(&drv->lock);
	if (st != VA_STATUS_SUCCESS) {
		va_DestroyContext(ctx, c->id);
		return st;
	}
	*id = c->id;
	return VA_STATUS_SUCCESS;
}

VAStatus va_DestroyContext(VADriverContextP ctx, VAContextID id)
{
	struct va_driver *drv = va_drv(ctx);

	pthread_mutex_lock(&drv->lock);
	struct va_context *c = va_heap_remove(&drv->contexts, id);
	if (!c) {
		pthread_mutex_unlock(&drv->lock);
		return VA_STATUS_ERROR_INVALID_CONTEXT;
	}
	c->dead = true;
	/* A surface holding a picture keeps it, and the context's device
	 * session with it (one reference each, dropped when the surface is
	 * destroyed or bound elsewhere): FFmpeg destroys its context when a
	 * VP9 inter frame changes size, before it has read the last pictures
	 * of the old size. The session only serves those pictures (sync,
	 * images, export); nothing is decoded into it again, and they are no
	 * references for another context's pictures (another CAPTURE queue).
	 * The other surfaces are unbound, and every one of a device that went
	 * away (nothing to read, and its open node would hold the gone
	 * device). */
	bool keep = c->session && !v4l2r_session_lost(c->session);
	for (unsigned i = 0; i < c->n_capture; i++) {
		struct va_surface *s = va_heap_get(&drv->surfaces, c->bound[i]);
		if (keep && s && s->ctx == c && s->decoded) {
			va_context_ref(c);
			continue;
		}
		if (s && s->ctx == c) {
			s->ctx = NULL;
			s->capture_index = -1;
			s->decoded = false;
			s->timestamp_ns = 0;
		}
		c->bound[i] = VA_INVALID_ID;
	}
	va_context_unref(drv, c);
	pthread_mutex_unlock(&drv->lock);
	return VA_STATUS_SUCCESS;
}

VAStatus va_context_outgrow(struct va_context *c, int width, int height)
{
	struct va_driver *drv = c->drv;
	struct va_context *old = calloc(1, sizeof(*old));

	if (!old)
		return VA_STATUS_ERROR_ALLOCATION_FAILED;
	/* The old session, its buffers and their surfaces' binding go to a
	 * dead context of the same id; the codec state (reference slots,
	 * their sizes) stays with c. */
	old->drv = drv;
	old->id = c->id;
	old->dead = old->outgrown = true;
	pthread_mutex_init(&old->lock, NULL);
	old->config = c->config;
	old->desc = c->desc;
	old->caps = c->caps;
	old->width = c->width;
	old->height = c->height;
	old->session = c->session;
	old->mode = c->mode;
	old->layout = c->layout;
	old->n_capture = c->n_capture;
	old->bound = c->bound;

	c->session = NULL;
	c->bound = NULL;
	c->n_capture = 0;
	memset(&c->layout, 0, sizeof(c->layout));
	uint32_t old_limit = c->accum.data_limit;
	c->width = width > old->width ? width : old->width;
	c->height = height > old->height ? height : old->height;
	VAStatus st = fits_device(drv, c, c->width, c->height) ?
		open_device(drv, c) : VA_STATUS_ERROR_RESOLUTION_NOT_SUPPORTED;
	/* The same pixel format as before: the client's surfaces are of it. */
	if (st == VA_STATUS_SUCCESS)
		st = setup_capture(drv, c, old->n_capture,
				   va_fourcc_of_capture(old->layout.desc->v4l2_fourcc));
	if (st != VA_STATUS_SUCCESS) {
		/* Nothing changed for the client: the old session decodes
		 * on, at its size. */
		v4l2r_session_close(c->session);
		free(c->bound);
		c->session = old->session;
		c->bound = old->bound;
		c->n_capture = old->n_capture;
		c->layout = old->layout;
		c->mode = old->mode;
		c->width = old->width;
		c->height = old->height;
		c->accum.data_limit = old_limit;
		old->session = NULL;
		old->bound = NULL;
		context_free(old);
		return st;
	}
	unsigned kept = 0;
	for (unsigned i = 0; i < old->n_capture; i++) {
		struct va_surface *s = va_heap_get(&drv->surfaces, old->bound[i]);
		if (!s || s->ctx != c) {
			old->bound[i] = VA_INVALID_ID;
			continue;
		}
		/* A derived image maps the old buffer: it stays too. */
		if (s->decoded || s->derived) {
			s->ctx = old;
			old->refs++;
			kept += s->decoded;
			continue;
		}
		s->ctx = NULL;
		s->capture_index = -1;
		s->timestamp_ns = 0;
		old->bound[i] = VA_INVALID_ID;
	}
	va_warn(drv, "context 0x%x: a %dx%d target outgrows its %dx%d "
		"pictures: decoding goes on in new device buffers of %dx%d; "
		"the %u pictures decoded before stay readable but are no "
		"references for later pictures", c->id, width, height,
		old->width, old->height, c->width, c->height, kept);
	if (!old->refs)
		context_free(old);
	return VA_STATUS_SUCCESS;
}

/* Pixels of the bound capture buffers, saved across a reallocation. */
struct saved_picture {
	unsigned index;
	uint8_t *mem[V4L2R_MAX_PLANES];
};

static void save_pictures(struct va_context *c, struct va_driver *drv,
			  struct saved_picture *saved, unsigned *n_saved)
{
	*n_saved = 0;
	for (unsigned i = 0; i < c->n_capture; i++) {
		struct va_surface *s = va_heap_get(&drv->surfaces, c->bound[i]);
		uint8_t *mem[V4L2R_MAX_PLANES];
		if (!s || !s->decoded ||
		    v4l2r_session_capture_map(c->session, i, mem) < 0)
			continue;
		struct saved_picture *p = &saved[(*n_saved)++];
		p->index = i;
		for (unsigned k = 0; k < V4L2R_MAX_PLANES; k++) {
			p->mem[k] = NULL;
			if (k >= c->layout.mem_planes || !mem[k])
				continue;
			p->mem[k] = malloc(c->layout.mem_size[k]);
			if (p->mem[k])
				memcpy(p->mem[k], mem[k], c->layout.mem_size[k]);
		}
	}
}

static void restore_pictures(struct va_context *c, struct saved_picture *saved,
			     unsigned n_saved)
{
	for (unsigned k = 0; k < n_saved; k++) {
		uint8_t *mem[V4L2R_MAX_PLANES];
		struct saved_picture *p = &saved[k];
		bool mapped = v4l2r_session_capture_map(c->session, p->index,
							mem) == 0;
		for (unsigned m = 0; m < V4L2R_MAX_PLANES; m++) {
			if (mapped && p->mem[m] && mem[m])
				memcpy(mem[m], p->mem[m], c->layout.mem_size[m]);
			free(p->mem[m]);
		}
	}
}

/* More picture buffers added beside the present ones: nothing stops,
 * nothing is lost. False when the device cannot add them. */
static bool add_capture_buffers(struct va_context *c, unsigned n)
{
	unsigned old = c->n_capture;
	VASurfaceID *bound = realloc(c->bound, n * sizeof(*bound));

	if (!bound)
		return false;
	c->bound = bound;
	int now = v4l2r_session_add_captures(c->session, n - old);
	if (now <= (int)old)
		return false;
	for (unsigned i = old; i < (unsigned)now; i++)
		c->bound[i] = VA_INVALID_ID;
	c->n_capture = (unsigned)now;
	va_info(c->drv, "picture buffers added: %u to %u", old, c->n_capture);
	return true;
}

VAStatus va_context_grow(struct va_context *c, unsigned n)
{
	struct va_driver *drv = c->drv;
	unsigned old = c->n_capture;

	if (n <= old)
		return VA_STATUS_SUCCESS;
	if (add_capture_buffers(c, n))
		return VA_STATUS_SUCCESS;
	if (c->picture_open) {
		va_err(drv, "no free picture buffer, and one cannot be added "
		       "while a picture is being built");
		return VA_STATUS_ERROR_ALLOCATION_FAILED;
	}
	bool decoded = false;
	for (unsigned i = 0; i < old; i++) {
		enum v4l2r_result r = v4l2r_session_capture_status(c->session, i);
		struct va_surface *s = va_heap_get(&drv->surfaces, c->bound[i]);
		if (r == V4L2R_PENDING || (s && s->derived)) {
			va_err(drv, "no free picture buffer, and none can be "
			       "added while pictures are decoding or mapped");
			return VA_STATUS_ERROR_ALLOCATION_FAILED;
		}
		decoded |= s && s->decoded;
	}
	VASurfaceID *bound = realloc(c->bound, n * sizeof(*bound));
	struct saved_picture *saved = calloc(old ? old : 1, sizeof(*saved));
	if (!bound || !saved) {
		if (bound)
			c->bound = bound;
		free(saved);
		return VA_STATUS_ERROR_ALLOCATION_FAILED;
	}
	c->bound = bound;
	if (decoded)
		va_warn(drv, "growing the picture buffers from %u to %u: pictures "
			"decoded so far cannot be references any more", old, n);
	else
		va_info(drv, "growing the picture buffers from %u to %u", old, n);

	unsigned n_saved = 0;
	save_pictures(c, drv, saved, &n_saved);
	v4l2r_session_free_buffers(c->session);
	int ret = v4l2r_session_alloc_buffers(c->session, VA_OUTPUT_BUFFERS, n);
	if (ret < 0) {
		va_err(drv, "the device has no room for %u picture buffers: %s",
		       n, strerror(-ret));
		ret = v4l2r_session_alloc_buffers(c->session, VA_OUTPUT_BUFFERS,
						  old);
	}
	unsigned now = v4l2r_session_capture_count(c->session);
	if (ret < 0 || now < old) {
		/* The old buffers cannot come back: every surface of the
		 * context loses its picture buffer. */
		for (unsigned k = 0; k < n_saved; k++)
			for (unsigned m = 0; m < V4L2R_MAX_PLANES; m++)
				free(saved[k].mem[m]);
		free(saved);
		for (unsigned i = 0; i < old; i++) {
			struct va_surface *s = va_heap_get(&drv->surfaces,
							   c->bound[i]);
			if (s && s->ctx == c) {
				s->ctx = NULL;
				s->capture_index = -1;
				s->decoded = false;
			}
			c->bound[i] = VA_INVALID_ID;
		}
		c->n_capture = 0;
		va_err(drv, "picture buffers lost: %s", strerror(ret < 0 ? -ret : ENOMEM));
		return VA_STATUS_ERROR_ALLOCATION_FAILED;
	}
	if (now > n) {
		bound = realloc(c->bound, now * sizeof(*bound));
		if (!bound)
			now = n;	/* extra buffers stay unused */
		else
			c->bound = bound;
	}
	for (unsigned i = old; i < now; i++)
		c->bound[i] = VA_INVALID_ID;
	c->n_capture = now;
	restore_pictures(c, saved, n_saved);
	free(saved);
	/* The device has forgotten the timestamps: nothing is a reference. */
	for (unsigned i = 0; i < old; i++) {
		struct va_surface *s = va_heap_get(&drv->surfaces, c->bound[i]);
		if (s)
			s->timestamp_ns = 0;
	}
	v4l2r_session_start(c->session);
	return ret < 0 ? VA_STATUS_ERROR_ALLOCATION_FAILED : VA_STATUS_SUCCESS;
}
