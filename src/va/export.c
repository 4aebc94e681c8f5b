/* vaExportSurfaceHandle: a surface's CAPTURE buffer as DMABUF fds with its
 * DRM format and modifier (e.g. DRM_FORMAT_MOD_ALLWINNER_TILED for Cedrus's
 * NV12_32L32), composed into one layer or one layer per plane. */
#include "config.h"

#include <string.h>

#include <drm_fourcc.h>
#include <va/va_drmcommon.h>

#include "va/driver.h"

/* The single-plane DRM format of colour plane i when planes are exported
 * as layers of their own; 0 when the format has none. */
static uint32_t layer_format(const struct v4l2r_format_desc *d, unsigned i)
{
	bool wide = d->bit_depth > 8 && d->row_num == 2 * d->row_den;

	if (d->bit_depth > 8 && !wide)
		return 0;	/* packed (NV15 ...): no per-plane format */
	/* A tiling modifier (DRM_FORMAT_MOD_ALLWINNER_TILED) is defined for
	 * the whole YUV format, not for R8/GR88 planes: a client importing
	 * such layers (Kodi, mpv, without modifiers) would read tiles as
	 * rows. */
	if (d->tile_w)
		return 0;
	if (i == 0 || d->num_planes == 3)
		return wide ? DRM_FORMAT_R16 : DRM_FORMAT_R8;
	return wide ? DRM_FORMAT_GR1616 : DRM_FORMAT_GR88;
}

VAStatus va_ExportSurfaceHandle(VADriverContextP ctx, VASurfaceID surface,
				uint32_t mem_type, uint32_t flags,
				void *descriptor)
{
	struct va_driver *drv = va_drv(ctx);
	VADRMPRIMESurfaceDescriptor *out = descriptor;
	int fds[V4L2R_MAX_PLANES];
	VAStatus st = VA_STATUS_SUCCESS;

	if (mem_type != VA_SURFACE_ATTRIB_MEM_TYPE_DRM_PRIME_2)
		return VA_STATUS_ERROR_UNSUPPORTED_MEMORY_TYPE;
	if (!out)
		return VA_STATUS_ERROR_INVALID_PARAMETER;
	/* A display surface whose picture is decoded gets it now; one
	 * still decoding gets it at vaSyncSurface, which readers of the
	 * export call first. */
	va_surface_settle(drv, surface, false);

	pthread_mutex_lock(&drv->lock);
	struct va_surface *s = va_heap_get(&drv->surfaces, surface);
	if (!s) {
		st = VA_STATUS_ERROR_INVALID_SURFACE;
		goto out;
	}
	/* Kodi and mpv export a surface before any context exists, to check
	 * that their renderer imports what the decoder makes. */
	if (!s->ctx && va_surface_bind_memory(drv, s, surface) != VA_STATUS_SUCCESS) {
		st = VA_STATUS_ERROR_OPERATION_FAILED;
		goto out;
	}
	const struct v4l2r_layout *l = &s->ctx->layout;
	const struct v4l2r_format_desc *d = l->desc;
	if (!d->drm_fourcc || d->drm_modifier == DRM_FORMAT_MOD_INVALID) {
		va_info(drv, "vaExportSurfaceHandle: %s has no DRM format",
			d->name);
		st = VA_STATUS_ERROR_UNSUPPORTED_MEMORY_TYPE;
		goto out;
	}
	bool composed = flags & VA_EXPORT_SURFACE_COMPOSED_LAYERS;
	if (!composed)
		for (unsigned i = 0; i < l->num_planes; i++)
			if (!layer_format(d, i)) {
				va_err(drv, "vaExportSurfaceHandle: %s planes "
				       "cannot be separate layers (%s); export "
				       "composed layers", d->name,
				       d->tile_w ? "its tiling modifier describes "
						   "the whole picture" :
						   "packed samples");
				st = VA_STATUS_ERROR_INVALID_PARAMETER;
				goto out;
			}
	if (v4l2r_session_capture_export(s->ctx->session,
					 (unsigned)s->capture_index, fds) < 0) {
		st = VA_STATUS_ERROR_OPERATION_FAILED;
		goto out;
	}

	memset(out, 0, sizeof(*out));
	out->fourcc = va_fourcc_of_capture(d->v4l2_fourcc);
	out->width = (uint32_t)s->width;
	out->height = (uint32_t)s->height;
	out->num_objects = l->mem_planes;
	for (unsigned m = 0; m < l->mem_planes; m++) {
		out->objects[m].fd = fds[m];
		out->objects[m].size = l->mem_size[m];
		out->objects[m].drm_format_modifier = d->drm_modifier;
	}
	if (composed) {
		out->num_layers = 1;
		out->layers[0].drm_format = d->drm_fourcc;
		out->layers[0].num_planes = l->num_planes;
		for (unsigned i = 0; i < l->num_planes; i++) {
			out->layers[0].object_index[i] = l->plane[i].mem_plane;
			out->layers[0].offset[i] = l->plane[i].offset;
			out->layers[0].pitch[i] = l->plane[i].stride;
		}
	} else {
		out->num_layers = l->num_planes;
		for (unsigned i = 0; i < l->num_planes; i++) {
			out->layers[i].drm_format = layer_format(d, i);
			out->layers[i].num_planes = 1;
			out->layers[i].object_index[0] = l->plane[i].mem_plane;
			out->layers[i].offset[0] = l->plane[i].offset;
			out->layers[i].pitch[0] = l->plane[i].stride;
		}
	}
out:
	pthread_mutex_unlock(&drv->lock);
	return st;
}
