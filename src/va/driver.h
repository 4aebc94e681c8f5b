/* Internals of the v4l2_request VA driver: the objects behind VA ids and
 * the functions each file (one per VA concept, like Mesa's VA frontend)
 * offers the others.
 *
 * Locking: drv->lock protects the object tables and every field of the
 * objects (configs, surfaces, buffers, images, and a context's binding of
 * surfaces to capture buffers). A context's picture in progress is guarded
 * by ctx->lock, taken before drv->lock when both are needed. Nothing
 * blocks on the device while holding drv->lock: waits hold a reference on
 * the context instead, so another thread may destroy nothing under them. */
#ifndef VA_DRIVER_H
#define VA_DRIVER_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <va/va.h>
#include <va/va_backend.h>

#include "v4l2r/discovery.h"
#include "v4l2r/format.h"
#include "v4l2r/log.h"
#include "v4l2r/probe.h"
#include "v4l2r/session.h"
#include "va/codec.h"
#include "va/object.h"

#define VA_DRIVER_VENDOR "v4l2-request VA-API driver"
#define VA_MAX_DEVICES 4
#define VA_MAX_PROFILES 16
#define VA_MAX_IMAGE_FORMATS 8
#define VA_MAX_ATTRIBUTES 8

/* Requests in flight per context (the OUTPUT ring). */
#define VA_OUTPUT_BUFFERS 6
/* Capture buffers of a context created before its surfaces (GStreamer's
 * order), when LIBVA_V4L2_REQUEST_CAPTURE_BUFFERS does not say. */
#define VA_DEFAULT_CAPTURE_BUFFERS 24
#define VA_DEFAULT_SYNC_TIMEOUT_MS 5000

struct va_device {
	struct v4l2r_node node;
	struct v4l2r_device_caps caps;
};

struct va_profile_entry {
	VAProfile profile;
	const struct va_codec_ops *ops;
	unsigned device;	/* index in drv->devices */
};

struct va_driver {
	VADriverContextP ctx;
	pthread_mutex_t lock;
	struct va_heap configs, contexts, surfaces, buffers, images;

	unsigned n_devices;
	struct va_device devices[VA_MAX_DEVICES];
	unsigned n_profiles;
	struct va_profile_entry profiles[VA_MAX_PROFILES];

	/* Settings read from the environment at vaInitialize. */
	int sync_timeout_ms;
	unsigned capture_buffers;	/* 0: default */
	/* LIBVA_V4L2_REQUEST_CAPTURE_FORMAT: preferred CAPTURE format when
	 * the device makes several (NULL: the driver chooses). */
	const struct v4l2r_format_desc *capture_format;
	/* LIBVA_V4L2_REQUEST_DECODE_MODE: a V4L2R_DECODE_MODE_* value. */
	int decode_mode;
	int log_level;
};

struct va_config {
	VAProfile profile;
	VAEntrypoint entrypoint;
	unsigned rt_format;
	const struct va_codec_ops *ops;
	unsigned device;
};

/* The picture being collected between vaBeginPicture and vaEndPicture.
 * Parameter buffers are copied at vaRenderPicture. Slice data is not: each
 * slice points into the data buffer the client rendered, and its bytes are
 * copied once, into the OUTPUT buffer, at vaEndPicture. The caller keeps
 * that memory alive until then (the driver holds the VA buffers: see
 * va_context.held). */
struct va_picture_accum {
	const struct va_codec_ops *ops;
	bool have_pic, have_iq, have_prob;
	uint8_t *pic, *iq, *prob;	/* sized by ops */
	uint8_t *slice_params;		/* n_slices * ops->slice_param_size */
	unsigned n_slices, cap_slices;
	unsigned first_without_data;	/* slices still waiting for data */
	size_t data_size;		/* slice data bytes rendered so far */
	/* What one request can carry (the OUTPUT buffer size): slice data
	 * beyond it is refused as it comes, at vaRenderPicture. */
	size_t data_limit;
	/* buffer and buffer_size set as each slice's data comes, the rest
	 * by va_accum_finish */
	struct va_slice *slices;
};

struct va_context {
	struct va_driver *drv;
	VAContextID id;
	unsigned refs;		/* under drv->lock; the table holds one */
	bool dead;		/* destroyed, waiting for the last reference */
	/* The device session a context left when a surface outgrew it
	 * (va_context_outgrow): dead, it keeps the pictures decoded before
	 * readable, under the same id. */
	bool outgrown;
	/* A probe context: memory for a surface exported or mapped before
	 * any context of the client's exists (Kodi's and mpv's start-up
	 * checks). Not in the context table; its one surface owns it. */
	bool internal;
	pthread_mutex_t lock;	/* the picture in progress */

	struct va_config config;
	const struct v4l2r_codec_desc *desc;
	const struct v4l2r_codec_caps *caps;
	int width, height;
	void *codec_state;
	struct v4l2r_session *session;
	struct v4l2r_decode_mode mode;
	struct v4l2r_layout layout;

	/* Capture buffer i holds surface bound[i] (VA_INVALID_ID: free).
	 * None before the capture format is chosen: at vaCreateContext with
	 * render targets, else when the first surface is bound (its pixel
	 * format then chooses), deferred_capture buffers. */
	unsigned n_capture;
	unsigned deferred_capture;
	bool setup_failed;
	VASurfaceID *bound;
	uint64_t last_ts;	/* per-context timestamp counter (us) */
	VASurfaceID last_target;
	bool last_first_field;	/* the last picture began a field pair */

	bool picture_open;
	VASurfaceID target;
	struct va_picture_accum accum;
	/* The slice data buffers accum points into, one hold each (a buffer
	 * rendered twice is here twice), until the picture ends. */
	struct va_buffer **held;
	unsigned n_held, cap_held;
};

struct va_surface {
	int width, height;
	unsigned rt_format;
	/* VA fourcc asked for (VASurfaceAttribPixelFormat), 0: any. The
	 * context a surface first binds to makes that format when its device
	 * can; a surface holding another format is still a render target
	 * (vaGetImage converts, vaDeriveImage refuses). */
	uint32_t fourcc;
	struct va_context *ctx;	/* bound context, NULL when unbound */
	int capture_index;	/* -1 when unbound */
	uint64_t timestamp_ns;	/* of its last decode, 0: never decoded */
	bool decoded;		/* holds a picture */
	/* An error found before or while queueing (no device result then). */
	enum v4l2r_result local_result;
	const char *local_why;	/* what local_result means, for the log */
	unsigned derived;	/* images derived from it, still alive */
	VASurfaceDecodeMBErrors mb_errors[2];
	/* A display surface (AV1 film grain): its picture was decoded into
	 * surface copy_from, of the same context, and is copied here once
	 * complete (va_surface_settle); VA_INVALID_ID when none is due. */
	VASurfaceID copy_from;
};

struct va_buffer {
	VABufferType type;
	unsigned size;		/* of one element */
	unsigned num_elements;
	uint8_t *data;		/* owned, or NULL for a derived image */
	uint8_t *external;	/* a capture buffer's mapping (derived) */
	size_t total;
	bool mapped;
	VAImageID image;	/* the image it belongs to, or VA_INVALID_ID */
	/* Pictures in progress whose slices point into data (under
	 * drv->lock): a vaDestroyBuffer meanwhile takes the id away at once
	 * and leaves the freeing to the last release. */
	unsigned holds;
	bool destroyed;
};

struct va_image {
	VAImage image;
	const struct v4l2r_format_desc *desc;
	VASurfaceID derived_from;	/* VA_INVALID_ID when not derived */
	/* A derived image's context, referenced so that the capture buffer
	 * it maps outlives vaDestroyContext until the image goes. */
	struct va_context *ctx;
	/* vaGetImage calls writing into it without drv->lock (counted under
	 * it): a vaDestroyImage meanwhile takes the image's and its buffer's
	 * ids away at once and leaves the freeing to the last writer. */
	unsigned writers;
	bool destroyed;
};

static inline struct va_driver *va_drv(VADriverContextP ctx)
{
	return (struct va_driver *)ctx->pDriverData;
}

/* driver.c: logging through libva's callbacks. */
void va_log(struct va_driver *drv, enum v4l2r_log_level level,
	    const char *fmt, ...) __attribute__((format(printf, 3, 4)));
#define va_err(drv, ...) va_log(drv, V4L2R_LOG_ERROR, __VA_ARGS__)
#define va_warn(drv, ...) va_log(drv, V4L2R_LOG_WARNING, __VA_ARGS__)
#define va_info(drv, ...) va_log(drv, V4L2R_LOG_INFO, __VA_ARGS__)
#define va_dbg(drv, ...) va_log(drv, V4L2R_LOG_DEBUG, __VA_ARGS__)
const struct va_codec_ops *va_codec_by_id(enum v4l2r_codec codec);
const struct va_profile_entry *va_find_profile(struct va_driver *drv,
					       VAProfile profile);
/* A driver with empty object tables and no device, as ctx's
 * pDriverData (vaInitialize finds the devices; unit tests use it bare);
 * NULL when out of memory. */
struct va_driver *va_driver_new(VADriverContextP ctx);
/* Frees a driver whose object tables were emptied. */
void va_driver_free(struct va_driver *drv);
/* An integer from the environment within [min, max], or def. */
int va_env_int(const char *name, int def, int min, int max);

/* config.c */
VAStatus va_QueryConfigProfiles(VADriverContextP ctx, VAProfile *list, int *n);
VAStatus va_QueryConfigEntrypoints(VADriverContextP ctx, VAProfile profile,
				   VAEntrypoint *list, int *n);
VAStatus va_GetConfigAttributes(VADriverContextP ctx, VAProfile profile,
				VAEntrypoint ep, VAConfigAttrib *attribs,
				int n);
VAStatus va_CreateConfig(VADriverContextP ctx, VAProfile profile,
			 VAEntrypoint ep, VAConfigAttrib *attribs, int n,
			 VAConfigID *id);
VAStatus va_DestroyConfig(VADriverContextP ctx, VAConfigID id);
VAStatus va_QueryConfigAttributes(VADriverContextP ctx, VAConfigID id,
				  VAProfile *profile, VAEntrypoint *ep,
				  VAConfigAttrib *attribs, int *n);
VAStatus va_QuerySurfaceAttributes(VADriverContextP ctx, VAConfigID config,
				   VASurfaceAttrib *attribs, unsigned *n);
/* The VA fourcc a device capture format is seen as (its own, or the
 * linear one it converts to), 0 when none. */
uint32_t va_fourcc_of_capture(uint32_t v4l2_fourcc);
/* RT formats of the pictures the device produces for a codec, counting
 * only capture formats the driver can use; 0: none, the codec cannot be
 * offered. */
unsigned va_rt_formats(const struct v4l2r_codec_caps *cc);
/* RT formats a profile's streams decode into (HEVC Main 10 and AV1 Main:
 * YUV420 and YUV420_10; VP9 profile 2: YUV420_10; others YUV420), and
 * those a config has when the client names none (the deepest; AV1 both,
 * its first surface deciding). */
unsigned va_profile_rt_formats(VAProfile profile);
unsigned va_profile_default_rt_format(VAProfile profile);
/* RT formats a config of profile entry e may have: those of its profile
 * that its device produces. */
unsigned va_entry_rt_formats(struct va_driver *drv,
			     const struct va_profile_entry *e);
/* Whether a codec's device produces pictures clients see as this VA
 * fourcc, of one of the RT formats in rt_format. */
bool va_codec_produces(const struct v4l2r_codec_caps *cc, uint32_t va_fourcc,
		       unsigned rt_format);

/* surface.c */
VAStatus va_CreateSurfaces2(VADriverContextP ctx, unsigned format,
			    unsigned width, unsigned height,
			    VASurfaceID *surfaces, unsigned n,
			    VASurfaceAttrib *attribs, unsigned n_attribs);
VAStatus va_CreateSurfaces(VADriverContextP ctx, int width, int height,
			   int format, int n, VASurfaceID *surfaces);
VAStatus va_DestroySurfaces(VADriverContextP ctx, VASurfaceID *list, int n);
VAStatus va_SyncSurface(VADriverContextP ctx, VASurfaceID id);
VAStatus va_SyncSurface2(VADriverContextP ctx, VASurfaceID id,
			 uint64_t timeout_ns);
VAStatus va_QuerySurfaceStatus(VADriverContextP ctx, VASurfaceID id,
			       VASurfaceStatus *status);
VAStatus va_QuerySurfaceError(VADriverContextP ctx, VASurfaceID id,
			      VAStatus error, void **info);
/* Waits (without drv->lock; called without it) until the surface's last
 * decode finished; the result, V4L2R_IDLE when nothing was queued. */
enum v4l2r_result va_surface_wait(struct va_driver *drv, VASurfaceID id,
				  int timeout_ms);
/* VA status of a finished result. */
VAStatus va_result_status(enum v4l2r_result result);
/* A surface of another RT format than a context's pictures (8 bits for
 * a 10-bit context, or the reverse) is never bound to it: the device
 * would write pictures of the other depth into memory the client reads
 * (vaGetImage, export) as its own. VA_STATUS_ERROR_UNSUPPORTED_RT_FORMAT
 * and an error naming both RT formats then. */
VAStatus va_surface_check_rt_format(struct va_driver *drv,
				    const struct va_surface *surf,
				    VASurfaceID id, unsigned rt_format);
/* Binds a surface to a capture buffer of ctx (drv->lock held), refusing
 * one of another RT format or larger than the context's pictures. Grows
 * the context's buffers when none is free and that is safe. */
VAStatus va_surface_bind(struct va_driver *drv, struct va_surface *surf,
			 VASurfaceID id, struct va_context *ctx);
/* Makes surf (id) the display surface of the picture being decoded into
 * target, of context c (drv->lock held): refused (with an error naming
 * field) unless it exists and has target's size and RT format; bound to
 * c. */
VAStatus va_surface_check_display(struct va_driver *drv, VASurfaceID id,
				  const struct va_surface *target,
				  struct va_context *c, const char *field);
/* Gives a display surface its picture once the decode into copy_from is
 * complete (without drv->lock): waits for it when wait (up to the sync
 * timeout), else only looks. The result of that decode, V4L2R_PENDING
 * while it runs (not waiting); V4L2R_IDLE when no copy is due. A failed
 * decode (or copy) becomes the display surface's local result. */
enum v4l2r_result va_surface_settle(struct va_driver *drv, VASurfaceID id,
				    bool wait);
/* Settles every display surface whose picture is in surface id, before
 * id is decoded into again or destroyed (without drv->lock). */
void va_surface_settle_copies_from(struct va_driver *drv, VASurfaceID id);
/* Binds an unbound surface to the most recent context it fits. */
VAStatus va_surface_bind_any(struct va_driver *drv, struct va_surface *surf,
			     VASurfaceID id);
/* Gives an unbound surface memory: a client's context it fits, else a
 * probe context of its own (export before any context exists). */
VAStatus va_surface_bind_memory(struct va_driver *drv, struct va_surface *surf,
				VASurfaceID id);
void va_surface_unbind(struct va_driver *drv, struct va_surface *surf,
		       VASurfaceID id);
/* Whether a codec the driver offers produces pictures clients see as this
 * VA fourcc, of one of the RT formats in rt_format. */
bool va_driver_produces(struct va_driver *drv, uint32_t va_fourcc,
			unsigned rt_format);

/* context.c */
VAStatus va_CreateContext(VADriverContextP ctx, VAConfigID config, int width,
			  int height, int flag, VASurfaceID *targets,
			  int n_targets, VAContextID *id);
VAStatus va_DestroyContext(VADriverContextP ctx, VAContextID id);
/* References keep a context alive across waits (drv->lock held). */
void va_context_ref(struct va_context *c);
void va_context_unref(struct va_driver *drv, struct va_context *c);
/* Chooses the capture format (want: a VA fourcc to honour, 0: any) and
 * allocates the buffers, when not done yet (drv->lock held). A context
 * whose config left the RT format open (AV1 Main, no RT format asked)
 * takes rt_format, its first surface's. */
VAStatus va_context_prepare(struct va_context *c, uint32_t want,
			    unsigned rt_format);
/* A probe context with one picture buffer for a surface that has no
 * context to live in (drv->lock held); NULL when no device makes it. */
struct va_context *va_context_new_probe(struct va_driver *drv,
					const struct va_surface *s);
/* Releases the slice data buffers the picture in progress holds
 * (drv->lock held; c->lock held, or c unreachable). */
void va_context_release_held(struct va_context *c);
/* Gives the context capture buffers for at least n surfaces; with surfaces
 * bound and pictures decoded, only when nothing is in flight (drv->lock
 * held). */
VAStatus va_context_grow(struct va_context *c, unsigned n);
/* Moves the context to a device session whose pictures are width x
 * height (a target surface larger than its pictures, for a codec whose
 * ops allow it); the pictures decoded before stay readable but are no
 * references any more (drv->lock and c->lock held, no picture open). */
VAStatus va_context_outgrow(struct va_context *c, int width, int height);
/* The capture format of a context among the device's fourccs: of the
 * config's RT format, seen by clients as want (0: any), linear first.
 * 0 when none fits. */
uint32_t va_choose_capture_format(const uint32_t *fourccs, unsigned n,
				  unsigned rt_format, uint32_t want);

/* buffer.c */
VAStatus va_CreateBuffer(VADriverContextP ctx, VAContextID context,
			 VABufferType type, unsigned size, unsigned n,
			 void *data, VABufferID *id);
VAStatus va_BufferSetNumElements(VADriverContextP ctx, VABufferID id,
				 unsigned n);
VAStatus va_MapBuffer(VADriverContextP ctx, VABufferID id, void **p);
VAStatus va_UnmapBuffer(VADriverContextP ctx, VABufferID id);
VAStatus va_DestroyBuffer(VADriverContextP ctx, VABufferID id);
VAStatus va_BufferInfo(VADriverContextP ctx, VABufferID id,
		       VABufferType *type, unsigned *size, unsigned *n);
/* A buffer object for image data (drv->lock held). data NULL: owned
 * memory of size bytes. */
VABufferID va_buffer_new_image(struct va_driver *drv, size_t size,
			       uint8_t *external);
void va_buffer_free(struct va_buffer *buf);
/* Drops one hold (drv->lock held); frees a destroyed buffer at the last. */
void va_buffer_release(struct va_buffer *buf);

/* picture.c */
VAStatus va_BeginPicture(VADriverContextP ctx, VAContextID context,
			 VASurfaceID target);
VAStatus va_RenderPicture(VADriverContextP ctx, VAContextID context,
			  VABufferID *buffers, int n);
VAStatus va_EndPicture(VADriverContextP ctx, VAContextID context);
/* The pure part, tested without a device. */
int va_accum_init(struct va_picture_accum *a, const struct va_codec_ops *ops);
void va_accum_reset(struct va_picture_accum *a);
void va_accum_fini(struct va_picture_accum *a);
/* Adds one client buffer (elem_size bytes per element). Returns
 * VA_STATUS_SUCCESS or an error with why (at least 160 bytes) filled.
 * Slice data is not copied: it must stay readable until the picture is
 * written (or reset). */
VAStatus va_accum_add(struct va_picture_accum *a, VABufferType type,
		      const void *data, unsigned elem_size,
		      unsigned n_elements, char *why, size_t why_size);
/* Checks the picture is complete and fills in (slices point into a and
 * into the slice data rendered). */
VAStatus va_accum_finish(struct va_picture_accum *a,
			 struct va_picture_input *in, char *why,
			 size_t why_size);
/* Bytes of bitstream slices [first, first + n) need, prefixes included. */
size_t va_bitstream_size(const struct va_codec_ops *ops, void *state,
			 const struct va_picture_input *in,
			 const struct v4l2r_decode_mode *mode, unsigned first,
			 unsigned n);
/* Writes them; 0, or -ENOSPC (nothing beyond cap is ever written). */
int va_bitstream_write(const struct va_codec_ops *ops, void *state,
		       const struct va_picture_input *in,
		       const struct v4l2r_decode_mode *mode, unsigned first,
		       unsigned n, uint8_t *dst, size_t cap, size_t *written);
/* Drops planned controls the device does not have (optional ones). */
unsigned va_filter_controls(const struct v4l2r_codec_desc *desc,
			    uint32_t controls_present,
			    struct v4l2_ext_control *controls, unsigned n);

/* image.c */
VAStatus va_QueryImageFormats(VADriverContextP ctx, VAImageFormat *list,
			      int *n);
VAStatus va_CreateImage(VADriverContextP ctx, VAImageFormat *format,
			int width, int height, VAImage *image);
VAStatus va_DeriveImage(VADriverContextP ctx, VASurfaceID surface,
			VAImage *image);
VAStatus va_DestroyImage(VADriverContextP ctx, VAImageID id);
VAStatus va_SetImagePalette(VADriverContextP ctx, VAImageID id,
			    unsigned char *palette);
VAStatus va_GetImage(VADriverContextP ctx, VASurfaceID surface, int x, int y,
		     unsigned width, unsigned height, VAImageID image);
VAStatus va_PutImage(VADriverContextP ctx, VASurfaceID surface,
		     VAImageID image, int src_x, int src_y, unsigned src_w,
		     unsigned src_h, int dst_x, int dst_y, unsigned dst_w,
		     unsigned dst_h);
/* Fills a VAImageFormat for a VA fourcc we hand out; false if unknown. */
bool va_image_format(uint32_t fourcc, VAImageFormat *out);
/* Copies a w x h picture between two layouts of 8-bit 4:2:0 formats
 * (NV12, I420) or two P010 layouts. Returns 0 or -EINVAL. */
int va_copy_picture(const struct v4l2r_layout *src,
		    const uint8_t *const *src_mem,
		    const struct v4l2r_layout *dst, uint8_t *const *dst_mem,
		    uint32_t width, uint32_t height);

/* export.c */
VAStatus va_ExportSurfaceHandle(VADriverContextP ctx, VASurfaceID surface,
				uint32_t mem_type, uint32_t flags,
				void *descriptor);

#endif
