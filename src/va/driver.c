/* Driver entry point: vaInitialize / vaTerminate, the vtable, device choice,
 * the profile table and logging.
 *
 * Device choice: every stateless decoder found (discovery honours
 * LIBVA_V4L2_REQUEST_VIDEO_PATH / LIBVA_V4L2_REQUEST_MEDIA_PATH) is probed;
 * each codec is served by the first device that decodes it usably, so a
 * board with two decoders (say Hantro for MPEG-2, rkvdec for HEVC) offers
 * both. With no usable device vaInitialize fails with a clear error
 * instead of succeeding with zero profiles: libva then tries its next
 * candidate driver, and FFmpeg, GStreamer and mpv fall back to software
 * decoding at once rather than failing later on a config they cannot
 * create; vainfo prints the error. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "va/driver.h"

/* libva loads __vaDriverInit_<major>_<minor>, trying the minor versions it
 * is compatible with from its own downwards. */
#define VA_INIT_NAME_(maj, min) __vaDriverInit_##maj##_##min
#define VA_INIT_NAME(maj, min) VA_INIT_NAME_(maj, min)
#define VA_DRIVER_INIT_FUNC VA_INIT_NAME(VA_MAJOR_VERSION, VA_MINOR_VERSION)

/* Codecs whose translation file is not part of this build are skipped:
 * their ops are weak references. */
extern const struct va_codec_ops va_codec_h264 __attribute__((weak));
extern const struct va_codec_ops va_codec_hevc __attribute__((weak));
extern const struct va_codec_ops va_codec_vp8 __attribute__((weak));
extern const struct va_codec_ops va_codec_vp9 __attribute__((weak));
extern const struct va_codec_ops va_codec_av1 __attribute__((weak));

const struct va_codec_ops *va_codec_by_id(enum v4l2r_codec codec)
{
	switch (codec) {
	case V4L2R_CODEC_MPEG2:
		return &va_codec_mpeg2;
	case V4L2R_CODEC_H264:
		return &va_codec_h264;
	case V4L2R_CODEC_HEVC:
		return &va_codec_hevc;
	case V4L2R_CODEC_VP8:
		return &va_codec_vp8;
	case V4L2R_CODEC_VP9:
		return &va_codec_vp9;
	case V4L2R_CODEC_AV1:
		return &va_codec_av1;
	default:
		return NULL;
	}
}

int va_env_int(const char *name, int def, int min, int max)
{
	const char *v = getenv(name);
	char *end;

	if (!v || !*v)
		return def;
	long n = strtol(v, &end, 10);
	if (*end || n < min || n > max)
		return def;
	return (int)n;
}

/* Logging. libva's callbacks belong to one display; the core's log sink is
 * process-wide, so it goes to the most recently initialised display that
 * is still alive. */
static pthread_mutex_t live_lock = PTHREAD_MUTEX_INITIALIZER;
static struct va_driver *live[16];
static unsigned n_live;

static void deliver(struct va_driver *drv, enum v4l2r_log_level level,
		    const char *msg)
{
	char line[1024];
	VADriverContextP ctx = drv->ctx;

	snprintf(line, sizeof(line), "v4l2_request: %s\n", msg);
	if (level == V4L2R_LOG_ERROR && ctx->error_callback)
		ctx->error_callback(ctx, line);
	else if (level != V4L2R_LOG_ERROR && ctx->info_callback)
		ctx->info_callback(ctx, line);
}

void va_log(struct va_driver *drv, enum v4l2r_log_level level,
	    const char *fmt, ...)
{
	char msg[900];
	va_list ap;

	if ((int)level > drv->log_level)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	deliver(drv, level, msg);
}

static void core_log(void *opaque, enum v4l2r_log_level level,
		     const char *message)
{
	(void)opaque;
	pthread_mutex_lock(&live_lock);
	if (n_live) {
		struct va_driver *drv = live[n_live - 1];
		if ((int)level <= drv->log_level)
			deliver(drv, level, message);
	}
	pthread_mutex_unlock(&live_lock);
}

static void log_attach(struct va_driver *drv)
{
	pthread_mutex_lock(&live_lock);
	if (n_live < sizeof(live) / sizeof(live[0]))
		live[n_live++] = drv;
	pthread_mutex_unlock(&live_lock);
	v4l2r_log_set_handler(core_log, NULL,
			      (enum v4l2r_log_level)drv->log_level);
}

static void log_detach(struct va_driver *drv)
{
	int level = -1;

	pthread_mutex_lock(&live_lock);
	for (unsigned i = 0; i < n_live; i++) {
		if (live[i] == drv) {
			memmove(&live[i], &live[i + 1],
				(n_live - i - 1) * sizeof(live[0]));
			n_live--;
			break;
		}
	}
	if (n_live)
		level = live[n_live - 1]->log_level;
	pthread_mutex_unlock(&live_lock);
	/* Outside live_lock: set_handler waits for running handlers. */
	if (level >= 0)
		v4l2r_log_set_handler(core_log, NULL,
				      (enum v4l2r_log_level)level);
	else
		v4l2r_log_set_handler(NULL, NULL, V4L2R_LOG_WARNING);
}

const struct va_profile_entry *va_find_profile(struct va_driver *drv,
					       VAProfile profile)
{
	for (unsigned i = 0; i < drv->n_profiles; i++)
		if (drv->profiles[i].profile == profile)
			return &drv->profiles[i];
	return NULL;
}

static bool any_codec_usable(const struct v4l2r_device_caps *caps)
{
	for (int c = 0; c < V4L2R_CODEC_COUNT; c++)
		if (caps->codec[c].usable && va_codec_by_id((enum v4l2r_codec)c))
			return true;
	return false;
}

static void find_devices(struct va_driver *drv)
{
	struct v4l2r_node nodes[V4L2R_MAX_DEVICES];
	int n = v4l2r_discover(nodes, V4L2R_MAX_DEVICES);

	if (n < 0) {
		va_err(drv, "the device named by LIBVA_V4L2_REQUEST_VIDEO_PATH/"
		       "MEDIA_PATH cannot be used: %s", strerror(-n));
		return;
	}
	for (int i = 0; i < n && drv->n_devices < VA_MAX_DEVICES; i++) {
		struct va_device *dev = &drv->devices[drv->n_devices];
		int fd = open(nodes[i].video_path, O_RDWR | O_NONBLOCK | O_CLOEXEC);
		if (fd < 0) {
			va_warn(drv, "cannot open %s: %s", nodes[i].video_path,
				strerror(errno));
			continue;
		}
		memset(&dev->caps, 0, sizeof(dev->caps));
		int ret = v4l2r_probe(fd, &dev->caps);
		close(fd);
		if (ret < 0) {
			va_info(drv, "%s (%s) is not a usable stateless decoder: %s",
				nodes[i].video_path, nodes[i].driver,
				strerror(-ret));
			continue;
		}
		if (!any_codec_usable(&dev->caps)) {
			va_info(drv, "%s (%s) decodes none of this driver's codecs",
				nodes[i].video_path, dev->caps.driver);
			continue;
		}
		dev->node = nodes[i];
		va_info(drv, "using %s (%s, media %s)", dev->node.video_path,
			dev->caps.driver,
			dev->node.media_path[0] ? dev->node.media_path : "none");
		drv->n_devices++;
	}
}

static void build_profiles(struct va_driver *drv)
{
	static const enum v4l2r_codec order[] = {
		V4L2R_CODEC_MPEG2, V4L2R_CODEC_H264, V4L2R_CODEC_HEVC,
		V4L2R_CODEC_VP8,
		V4L2R_CODEC_VP9,
		V4L2R_CODEC_AV1,
	};

	for (unsigned k = 0; k < sizeof(order) / sizeof(order[0]); k++) {
		const struct va_codec_ops *ops = va_codec_by_id(order[k]);
		const struct v4l2r_codec_desc *desc = v4l2r_codec_get(order[k]);
		if (!ops || !ops->profiles) {
			va_dbg(drv, "%s: not built into this driver",
			       desc ? desc->name : "codec");
			continue;
		}
		for (unsigned d = 0; d < drv->n_devices; d++) {
			const struct v4l2r_codec_caps *cc =
				&drv->devices[d].caps.codec[order[k]];
			if (!cc->usable)
				continue;
			/* vaCreateContext could only fail: the device makes
			 * no picture format the driver can hand out. */
			if (!va_rt_formats(cc)) {
				va_info(drv, "%s (%s): %s not offered: none of "
					"its %u capture formats is one this "
					"driver knows", drv->devices[d].node.video_path,
					drv->devices[d].caps.driver, desc->name,
					cc->n_capture);
				continue;
			}
			VAProfile list[VA_MAX_PROFILES];
			unsigned n = ops->profiles(cc->has_profile_menu ?
							   cc->profiles : 0,
						   list, VA_MAX_PROFILES);
			for (unsigned i = 0; i < n; i++) {
				if (va_find_profile(drv, list[i]) ||
				    drv->n_profiles >= VA_MAX_PROFILES)
					continue;
				/* A 10-bit profile needs a 10-bit picture
				 * format (the probe's, bit_depth.h). */
				if (!(va_rt_formats(cc) &
				      va_profile_default_rt_format(list[i]))) {
					va_info(drv, "%s: profile %d not offered: "
						"the device makes no picture of "
						"its bit depth", desc->name,
						list[i]);
					continue;
				}
				drv->profiles[drv->n_profiles++] =
					(struct va_profile_entry){
						.profile = list[i], .ops = ops,
						.device = d,
					};
			}
			break;	/* the first device decoding it serves it */
		}
	}
}

struct va_driver *va_driver_new(VADriverContextP ctx)
{
	struct va_driver *drv = calloc(1, sizeof(*drv));

	if (!drv)
		return NULL;
	drv->ctx = ctx;
	pthread_mutex_init(&drv->lock, NULL);
	va_heap_init(&drv->configs, 1);
	va_heap_init(&drv->contexts, 2);
	va_heap_init(&drv->surfaces, 3);
	va_heap_init(&drv->buffers, 4);
	va_heap_init(&drv->images, 5);
	ctx->pDriverData = drv;
	return drv;
}

void va_driver_free(struct va_driver *drv)
{
	drv->ctx->pDriverData = NULL;
	va_heap_fini(&drv->configs);
	va_heap_fini(&drv->contexts);
	va_heap_fini(&drv->surfaces);
	va_heap_fini(&drv->buffers);
	va_heap_fini(&drv->images);
	pthread_mutex_destroy(&drv->lock);
	free(drv);
}

static VAStatus va_Terminate(VADriverContextP ctx)
{
	struct va_driver *drv = va_drv(ctx);
	unsigned cur;
	uint32_t id;
	void *obj;

	if (!drv)
		return VA_STATUS_SUCCESS;
	/* Objects the client left behind. Contexts first: they own the
	 * device sessions. */
	cur = 0;
	while ((obj = va_heap_next(&drv->contexts, &cur, &id)))
		va_DestroyContext(ctx, id);
	cur = 0;
	while ((obj = va_heap_next(&drv->images, &cur, &id)))
		va_DestroyImage(ctx, id);
	cur = 0;
	while ((obj = va_heap_next(&drv->buffers, &cur, &id)))
		va_DestroyBuffer(ctx, id);
	cur = 0;
	while ((obj = va_heap_next(&drv->surfaces, &cur, &id))) {
		/* Unbinding closes a probe context the surface owns. */
		va_surface_unbind(drv, obj, id);
		va_heap_remove(&drv->surfaces, id);
		free(obj);
	}
	cur = 0;
	while ((obj = va_heap_next(&drv->configs, &cur, &id))) {
		va_heap_remove(&drv->configs, id);
		free(obj);
	}
	log_detach(drv);
	va_driver_free(drv);
	return VA_STATUS_SUCCESS;
}

static VAStatus unimplemented(void)
{
	return VA_STATUS_ERROR_UNIMPLEMENTED;
}

static VAStatus va_PutSurface(VADriverContextP ctx, VASurfaceID s, void *draw,
			      short sx, short sy, unsigned short sw,
			      unsigned short sh, short dx, short dy,
			      unsigned short dw, unsigned short dh,
			      VARectangle *rects, unsigned n_rects,
			      unsigned flags)
{
	return unimplemented();
}

static VAStatus va_QuerySubpictureFormats(VADriverContextP ctx,
					  VAImageFormat *list, unsigned *flags,
					  unsigned *n)
{
	*n = 0;
	return VA_STATUS_SUCCESS;
}

static VAStatus va_CreateSubpicture(VADriverContextP ctx, VAImageID image,
				    VASubpictureID *sub)
{
	return unimplemented();
}

static VAStatus va_DestroySubpicture(VADriverContextP ctx, VASubpictureID sub)
{
	return unimplemented();
}

static VAStatus va_SetSubpictureImage(VADriverContextP ctx, VASubpictureID sub,
				      VAImageID image)
{
	return unimplemented();
}

static VAStatus va_SetSubpictureChromakey(VADriverContextP ctx,
					  VASubpictureID sub, unsigned min,
					  unsigned max, unsigned mask)
{
	return unimplemented();
}

static VAStatus va_SetSubpictureGlobalAlpha(VADriverContextP ctx,
					    VASubpictureID sub, float alpha)
{
	return unimplemented();
}

static VAStatus va_AssociateSubpicture(VADriverContextP ctx,
				       VASubpictureID sub,
				       VASurfaceID *targets, int n,
				       short sx, short sy, unsigned short sw,
				       unsigned short sh, short dx, short dy,
				       unsigned short dw, unsigned short dh,
				       unsigned flags)
{
	return unimplemented();
}

static VAStatus va_DeassociateSubpicture(VADriverContextP ctx,
					 VASubpictureID sub,
					 VASurfaceID *targets, int n)
{
	return unimplemented();
}

static VAStatus va_QueryDisplayAttributes(VADriverContextP ctx,
					  VADisplayAttribute *list, int *n)
{
	*n = 0;
	return VA_STATUS_SUCCESS;
}

static VAStatus va_GetDisplayAttributes(VADriverContextP ctx,
					VADisplayAttribute *list, int n)
{
	return unimplemented();
}

static VAStatus va_SetDisplayAttributes(VADriverContextP ctx,
					VADisplayAttribute *list, int n)
{
	return unimplemented();
}

static VAStatus va_LockSurface(VADriverContextP ctx, VASurfaceID surface,
			       unsigned *fourcc, unsigned *luma_stride,
			       unsigned *u_stride, unsigned *v_stride,
			       unsigned *luma_offset, unsigned *u_offset,
			       unsigned *v_offset, unsigned *name,
			       void **buffer)
{
	return unimplemented();
}

static VAStatus va_UnlockSurface(VADriverContextP ctx, VASurfaceID surface)
{
	return unimplemented();
}

static void fill_vtable(struct VADriverVTable *vt)
{
	vt->vaTerminate = va_Terminate;
	vt->vaQueryConfigProfiles = va_QueryConfigProfiles;
	vt->vaQueryConfigEntrypoints = va_QueryConfigEntrypoints;
	vt->vaGetConfigAttributes = va_GetConfigAttributes;
	vt->vaCreateConfig = va_CreateConfig;
	vt->vaDestroyConfig = va_DestroyConfig;
	vt->vaQueryConfigAttributes = va_QueryConfigAttributes;
	vt->vaCreateSurfaces = va_CreateSurfaces;
	vt->vaDestroySurfaces = va_DestroySurfaces;
	vt->vaCreateContext = va_CreateContext;
	vt->vaDestroyContext = va_DestroyContext;
	vt->vaCreateBuffer = va_CreateBuffer;
	vt->vaBufferSetNumElements = va_BufferSetNumElements;
	vt->vaMapBuffer = va_MapBuffer;
	vt->vaUnmapBuffer = va_UnmapBuffer;
	vt->vaDestroyBuffer = va_DestroyBuffer;
	vt->vaBeginPicture = va_BeginPicture;
	vt->vaRenderPicture = va_RenderPicture;
	vt->vaEndPicture = va_EndPicture;
	vt->vaSyncSurface = va_SyncSurface;
	vt->vaQuerySurfaceStatus = va_QuerySurfaceStatus;
	vt->vaQuerySurfaceError = va_QuerySurfaceError;
	vt->vaPutSurface = va_PutSurface;
	vt->vaQueryImageFormats = va_QueryImageFormats;
	vt->vaCreateImage = va_CreateImage;
	vt->vaDeriveImage = va_DeriveImage;
	vt->vaDestroyImage = va_DestroyImage;
	vt->vaSetImagePalette = va_SetImagePalette;
	vt->vaGetImage = va_GetImage;
	vt->vaPutImage = va_PutImage;
	vt->vaQuerySubpictureFormats = va_QuerySubpictureFormats;
	vt->vaCreateSubpicture = va_CreateSubpicture;
	vt->vaDestroySubpicture = va_DestroySubpicture;
	vt->vaSetSubpictureImage = va_SetSubpictureImage;
	vt->vaSetSubpictureChromakey = va_SetSubpictureChromakey;
	vt->vaSetSubpictureGlobalAlpha = va_SetSubpictureGlobalAlpha;
	vt->vaAssociateSubpicture = va_AssociateSubpicture;
	vt->vaDeassociateSubpicture = va_DeassociateSubpicture;
	vt->vaQueryDisplayAttributes = va_QueryDisplayAttributes;
	vt->vaGetDisplayAttributes = va_GetDisplayAttributes;
	vt->vaSetDisplayAttributes = va_SetDisplayAttributes;
	vt->vaBufferInfo = va_BufferInfo;
	vt->vaLockSurface = va_LockSurface;
	vt->vaUnlockSurface = va_UnlockSurface;
	vt->vaCreateSurfaces2 = va_CreateSurfaces2;
	vt->vaQuerySurfaceAttributes = va_QuerySurfaceAttributes;
	vt->vaExportSurfaceHandle = va_ExportSurfaceHandle;
	vt->vaSyncSurface2 = va_SyncSurface2;
}

static const struct v4l2r_format_desc *env_capture_format(struct va_driver *drv)
{
	const char *v = getenv("LIBVA_V4L2_REQUEST_CAPTURE_FORMAT");
	const struct v4l2r_format_desc *d;

	if (!v || !*v)
		return NULL;
	d = v4l2r_format_by_name(v);
	if (!d)
		va_err(drv, "LIBVA_V4L2_REQUEST_CAPTURE_FORMAT=%s: no such "
		       "picture format (NV12, P010_4L4 ...); the driver "
		       "chooses", v);
	return d;
}

static int env_decode_mode(struct va_driver *drv)
{
	const char *v = getenv("LIBVA_V4L2_REQUEST_DECODE_MODE");

	if (!v || !*v)
		return V4L2R_DECODE_MODE_AUTO;
	if (!strcmp(v, "slice"))
		return V4L2R_DECODE_MODE_SLICE;
	if (!strcmp(v, "frame"))
		return V4L2R_DECODE_MODE_FRAME;
	va_err(drv, "LIBVA_V4L2_REQUEST_DECODE_MODE=%s: not 'slice' or "
	       "'frame'; the driver chooses", v);
	return V4L2R_DECODE_MODE_AUTO;
}

VAStatus VA_DRIVER_INIT_FUNC(VADriverContextP ctx);

__attribute__((visibility("default")))
VAStatus VA_DRIVER_INIT_FUNC(VADriverContextP ctx)
{
	struct va_driver *drv = va_driver_new(ctx);

	if (!drv)
		return VA_STATUS_ERROR_ALLOCATION_FAILED;
	drv->log_level = va_env_int("LIBVA_V4L2_REQUEST_LOG_LEVEL",
				    V4L2R_LOG_ERROR, 0, 3);
	drv->sync_timeout_ms = va_env_int("LIBVA_V4L2_REQUEST_SYNC_TIMEOUT_MS",
					  VA_DEFAULT_SYNC_TIMEOUT_MS, 1,
					  3600 * 1000);
	drv->capture_buffers = (unsigned)va_env_int(
		"LIBVA_V4L2_REQUEST_CAPTURE_BUFFERS", 0, 0, 64);
	log_attach(drv);
	drv->decode_mode = env_decode_mode(drv);
	drv->capture_format = env_capture_format(drv);

	find_devices(drv);
	build_profiles(drv);
	if (!drv->n_profiles) {
		va_err(drv, "no V4L2 stateless decoder for MPEG-2, H.264 or "
		       "HEVC found (looked for media devices with a video "
		       "decoder entity; LIBVA_V4L2_REQUEST_VIDEO_PATH and "
		       "LIBVA_V4L2_REQUEST_MEDIA_PATH name one directly)");
		va_Terminate(ctx);
		return VA_STATUS_ERROR_UNIMPLEMENTED;
	}

	ctx->version_major = VA_MAJOR_VERSION;
	ctx->version_minor = VA_MINOR_VERSION;
	ctx->max_profiles = VA_MAX_PROFILES;
	ctx->max_entrypoints = 1;
	ctx->max_attributes = VA_MAX_ATTRIBUTES;
	ctx->max_image_formats = VA_MAX_IMAGE_FORMATS;
	ctx->max_subpic_formats = 1;
	ctx->max_display_attributes = 1;
	ctx->str_vendor = VA_DRIVER_VENDOR " " PACKAGE_VERSION;
	fill_vtable(ctx->vtable);
	return VA_STATUS_SUCCESS;
}
