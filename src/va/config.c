/* Profiles, entrypoints, configs and the surface attributes of a config,
 * all from what the chosen device reported. Only decoding (VLD). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <va/va_drmcommon.h>

#include "va/driver.h"

uint32_t va_fourcc_of_capture(uint32_t v4l2_fourcc)
{
	const struct v4l2r_format_desc *d = v4l2r_format_by_v4l2(v4l2_fourcc);

	if (!d)
		return 0;
	if (d->va_fourcc)
		return d->va_fourcc;
	if (d->linear_fourcc) {
		const struct v4l2r_format_desc *l =
			v4l2r_format_by_v4l2(d->linear_fourcc);
		return l ? l->va_fourcc : 0;
	}
	return 0;
}

static const struct v4l2r_codec_caps *entry_caps(struct va_driver *drv,
						 const struct va_profile_entry *e)
{
	return &drv->devices[e->device].caps.codec[e->ops->codec];
}

unsigned va_entry_rt_formats(struct va_driver *drv,
			     const struct va_profile_entry *e)
{
	return va_rt_formats(entry_caps(drv, e)) &
	       va_profile_rt_formats(e->profile);
}

unsigned va_rt_formats(const struct v4l2r_codec_caps *cc)
{
	unsigned rt = 0;

	for (unsigned i = 0; i < cc->n_capture; i++) {
		const struct v4l2r_format_desc *d =
			v4l2r_format_by_v4l2(cc->capture_fourccs[i]);
		if (d && va_fourcc_of_capture(d->v4l2_fourcc))
			rt |= d->va_rt_format;
	}
	return rt;
}

unsigned va_profile_rt_formats(VAProfile profile)
{
	switch (profile) {
	case VAProfileHEVCMain10:	/* 8 or 10 bits (A.3.3) */
	case VAProfileAV1Profile0:	/* Main: 8 or 10 bits (A.2) */
		return VA_RT_FORMAT_YUV420 | VA_RT_FORMAT_YUV420_10;
	case VAProfileVP9Profile2:	/* 10 (or 12) bits only */
		return VA_RT_FORMAT_YUV420_10;
	default:
		return VA_RT_FORMAT_YUV420;
	}
}

unsigned va_profile_default_rt_format(VAProfile profile)
{
	unsigned rt = va_profile_rt_formats(profile);

	/* AV1 has one profile for both depths: a client that names no RT
	 * format (FFmpeg) says it with its surfaces (va_context_prepare).
	 * Elsewhere such a client wants the profile's deepest pictures (FFmpeg
	 * picks HEVC Main for 8-bit streams). */
	if (profile == VAProfileAV1Profile0)
		return rt;
	return rt & VA_RT_FORMAT_YUV420_10 ? VA_RT_FORMAT_YUV420_10 : rt;
}

bool va_codec_produces(const struct v4l2r_codec_caps *cc, uint32_t va_fourcc,
		       unsigned rt_format)
{
	for (unsigned i = 0; i < cc->n_capture; i++) {
		const struct v4l2r_format_desc *d =
			v4l2r_format_by_v4l2(cc->capture_fourccs[i]);
		if (d && (d->va_rt_format & rt_format) &&
		    va_fourcc_of_capture(cc->capture_fourccs[i]) == va_fourcc)
			return true;
	}
	return false;
}

VAStatus va_QueryConfigProfiles(VADriverContextP ctx, VAProfile *list, int *n)
{
	struct va_driver *drv = va_drv(ctx);

	for (unsigned i = 0; i < drv->n_profiles; i++)
		list[i] = drv->profiles[i].profile;
	*n = (int)drv->n_profiles;
	return VA_STATUS_SUCCESS;
}

VAStatus va_QueryConfigEntrypoints(VADriverContextP ctx, VAProfile profile,
				   VAEntrypoint *list, int *n)
{
	struct va_driver *drv = va_drv(ctx);

	if (!va_find_profile(drv, profile)) {
		*n = 0;
		return VA_STATUS_ERROR_UNSUPPORTED_PROFILE;
	}
	list[0] = VAEntrypointVLD;
	*n = 1;
	return VA_STATUS_SUCCESS;
}

static uint32_t max_size(const struct v4l2r_codec_caps *cc, bool height)
{
	if (!cc->sizes.known)
		return 4096;
	return height ? cc->sizes.max_height : cc->sizes.max_width;
}

VAStatus va_GetConfigAttributes(VADriverContextP ctx, VAProfile profile,
				VAEntrypoint ep, VAConfigAttrib *attribs, int n)
{
	struct va_driver *drv = va_drv(ctx);
	const struct va_profile_entry *e = va_find_profile(drv, profile);

	if (!e)
		return VA_STATUS_ERROR_UNSUPPORTED_PROFILE;
	if (ep != VAEntrypointVLD)
		return VA_STATUS_ERROR_UNSUPPORTED_ENTRYPOINT;
	const struct v4l2r_codec_caps *cc = entry_caps(drv, e);
	for (int i = 0; i < n; i++) {
		switch (attribs[i].type) {
		case VAConfigAttribRTFormat:
			attribs[i].value = va_entry_rt_formats(drv, e);
			break;
		case VAConfigAttribDecSliceMode:
			attribs[i].value = VA_DEC_SLICE_MODE_NORMAL;
			break;
		case VAConfigAttribMaxPictureWidth:
			attribs[i].value = max_size(cc, false);
			break;
		case VAConfigAttribMaxPictureHeight:
			attribs[i].value = max_size(cc, true);
			break;
		default:
			attribs[i].value = VA_ATTRIB_NOT_SUPPORTED;
			break;
		}
	}
	return VA_STATUS_SUCCESS;
}

VAStatus va_CreateConfig(VADriverContextP ctx, VAProfile profile,
			 VAEntrypoint ep, VAConfigAttrib *attribs, int n,
			 VAConfigID *id)
{
	struct va_driver *drv = va_drv(ctx);
	const struct va_profile_entry *e = va_find_profile(drv, profile);

	if (!e) {
		va_info(drv, "vaCreateConfig: profile %d is not offered", profile);
		return VA_STATUS_ERROR_UNSUPPORTED_PROFILE;
	}
	if (ep != VAEntrypointVLD) {
		va_info(drv, "vaCreateConfig: only decoding (VLD) is offered");
		return VA_STATUS_ERROR_UNSUPPORTED_ENTRYPOINT;
	}
	unsigned supported = va_entry_rt_formats(drv, e);
	unsigned rt = va_profile_default_rt_format(profile) & supported;
	for (int i = 0; i < n; i++) {
		if (attribs[i].type == VAConfigAttribRTFormat) {
			unsigned asked = attribs[i].value & supported;
			if (!asked) {
				va_info(drv, "vaCreateConfig: RT format 0x%x not "
					"produced for profile %d (0x%x is)",
					attribs[i].value, profile, supported);
				return VA_STATUS_ERROR_UNSUPPORTED_RT_FORMAT;
			}
			/* Several asked: the profile's default among them. */
			if (asked & rt)
				rt &= asked;
			else
				rt = asked & VA_RT_FORMAT_YUV420 ?
					     VA_RT_FORMAT_YUV420 : asked;
		} else if (attribs[i].type == VAConfigAttribDecSliceMode) {
			if (attribs[i].value != VA_DEC_SLICE_MODE_NORMAL)
				return VA_STATUS_ERROR_INVALID_VALUE;
		}
	}
	struct va_config *cfg = calloc(1, sizeof(*cfg));
	if (!cfg)
		return VA_STATUS_ERROR_ALLOCATION_FAILED;
	cfg->profile = profile;
	cfg->entrypoint = ep;
	cfg->rt_format = rt;
	cfg->ops = e->ops;
	cfg->device = e->device;
	*id = va_heap_add(&drv->configs, cfg);
	if (*id == VA_INVALID_ID) {
		free(cfg);
		return VA_STATUS_ERROR_ALLOCATION_FAILED;
	}
	return VA_STATUS_SUCCESS;
}

VAStatus va_DestroyConfig(VADriverContextP ctx, VAConfigID id)
{
	struct va_config *cfg = va_heap_remove(&va_drv(ctx)->configs, id);

	if (!cfg)
		return VA_STATUS_ERROR_INVALID_CONFIG;
	free(cfg);
	return VA_STATUS_SUCCESS;
}

VAStatus va_QueryConfigAttributes(VADriverContextP ctx, VAConfigID id,
				  VAProfile *profile, VAEntrypoint *ep,
				  VAConfigAttrib *attribs, int *n)
{
	struct va_driver *drv = va_drv(ctx);

	pthread_mutex_lock(&drv->lock);
	struct va_config *cfg = va_heap_get(&drv->configs, id);
	if (!cfg) {
		pthread_mutex_unlock(&drv->lock);
		return VA_STATUS_ERROR_INVALID_CONFIG;
	}
	*profile = cfg->profile;
	*ep = cfg->entrypoint;
	attribs[0].type = VAConfigAttribRTFormat;
	attribs[0].value = cfg->rt_format;
	*n = 1;
	pthread_mutex_unlock(&drv->lock);
	return VA_STATUS_SUCCESS;
}

static void add_int(VASurfaceAttrib *list, unsigned *n, VASurfaceAttribType t,
		    uint32_t flags, int value)
{
	list[*n] = (VASurfaceAttrib){
		.type = t, .flags = flags,
		.value = { .type = VAGenericValueTypeInteger, .value.i = value },
	};
	(*n)++;
}

VAStatus va_QuerySurfaceAttributes(VADriverContextP ctx, VAConfigID config,
				   VASurfaceAttrib *attribs, unsigned *n)
{
	struct va_driver *drv = va_drv(ctx);
	VASurfaceAttrib list[V4L2R_MAX_CAPTURE_FORMATS + 8];
	unsigned count = 0;

	pthread_mutex_lock(&drv->lock);
	struct va_config *cfg = va_heap_get(&drv->configs, config);
	if (!cfg) {
		pthread_mutex_unlock(&drv->lock);
		return VA_STATUS_ERROR_INVALID_CONFIG;
	}
	const struct v4l2r_codec_caps *cc =
		&drv->devices[cfg->device].caps.codec[cfg->ops->codec];
	pthread_mutex_unlock(&drv->lock);

	/* The pixel formats a client sees: the device's own when VA knows
	 * them, else the linear one vaGetImage converts to. Each once, the
	 * one a context makes by default first (GStreamer takes the first
	 * listed, and creates its context before its surfaces). Each can be
	 * asked for in vaCreateSurfaces2: a context created with such render
	 * targets makes that format. */
	uint32_t seen[V4L2R_MAX_CAPTURE_FORMATS];
	unsigned n_seen = 0;
	uint32_t first = va_choose_capture_format(cc->capture_fourccs,
						  cc->n_capture,
						  cfg->rt_format, 0);
	for (unsigned i = 0; i <= cc->n_capture; i++) {
		uint32_t v4l2 = i ? cc->capture_fourccs[i - 1] : first;
		const struct v4l2r_format_desc *d = v4l2r_format_by_v4l2(v4l2);
		uint32_t fourcc = va_fourcc_of_capture(v4l2);
		bool dup = false;
		if (!d || !fourcc || !(d->va_rt_format & cfg->rt_format))
			continue;
		for (unsigned k = 0; k < n_seen; k++)
			dup |= seen[k] == fourcc;
		if (dup)
			continue;
		seen[n_seen++] = fourcc;
		add_int(list, &count, VASurfaceAttribPixelFormat,
			VA_SURFACE_ATTRIB_GETTABLE | VA_SURFACE_ATTRIB_SETTABLE,
			(int)fourcc);
	}
	uint32_t min_w = 16, min_h = 16;
	if (cc->sizes.known) {
		min_w = cc->sizes.min_width ? cc->sizes.min_width : 1;
		min_h = cc->sizes.min_height ? cc->sizes.min_height : 1;
	}
	add_int(list, &count, VASurfaceAttribMinWidth,
		VA_SURFACE_ATTRIB_GETTABLE, (int)min_w);
	add_int(list, &count, VASurfaceAttribMinHeight,
		VA_SURFACE_ATTRIB_GETTABLE, (int)min_h);
	add_int(list, &count, VASurfaceAttribMaxWidth,
		VA_SURFACE_ATTRIB_GETTABLE, (int)max_size(cc, false));
	add_int(list, &count, VASurfaceAttribMaxHeight,
		VA_SURFACE_ATTRIB_GETTABLE, (int)max_size(cc, true));
	/* The memory surfaces have (VA: the device's capture buffers) and
	 * can be exported as (DRM PRIME 2, vaExportSurfaceHandle; GStreamer
	 * offers DMABuf output on this bit alone). Gettable, not settable:
	 * vaCreateSurfaces2 imports nothing, it refuses any memory type but
	 * VA (which FFmpeg names and which changes nothing). */
	add_int(list, &count, VASurfaceAttribMemoryType,
		VA_SURFACE_ATTRIB_GETTABLE,
		VA_SURFACE_ATTRIB_MEM_TYPE_VA |
			VA_SURFACE_ATTRIB_MEM_TYPE_DRM_PRIME_2);

	if (!attribs) {
		*n = count;
		return VA_STATUS_SUCCESS;
	}
	if (*n < count) {
		*n = count;
		return VA_STATUS_ERROR_MAX_NUM_EXCEEDED;
	}
	memcpy(attribs, list, count * sizeof(*list));
	*n = count;
	return VA_STATUS_SUCCESS;
}
