/* Images: vaCreateImage/vaDestroyImage, vaDeriveImage (the surface's own
 * memory, linear formats only), vaGetImage (any device format: tiled and
 * packed ones are converted to linear first). vaPutImage is not offered:
 * surfaces are written by the decoder only. */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <linux/videodev2.h>

#include "va/driver.h"

/* Image formats handed out, when the format table knows them: those
 * vaCreateImage makes and vaGetImage fills. Not YV12: the core has no such
 * format, and the clients we serve (FFmpeg, GStreamer's va) take NV12. */
static const uint32_t image_fourccs[] = {
	VA_FOURCC_NV12, VA_FOURCC_I420, VA_FOURCC_P010,
};

bool va_image_format(uint32_t fourcc, VAImageFormat *out)
{
	memset(out, 0, sizeof(*out));
	out->fourcc = fourcc;
	out->byte_order = VA_LSB_FIRST;
	switch (fourcc) {
	case VA_FOURCC_NV12:
	case VA_FOURCC_I420:
		out->bits_per_pixel = 12;
		return true;
	case VA_FOURCC_P010:
		out->bits_per_pixel = 24;
		return true;
	default:
		return false;
	}
}

/* Whether an offered profile decodes into pictures of rt_format (rkvdec's
 * NV15 for H.264, which has no 10-bit profile here, does not count). */
static bool any_profile_makes(struct va_driver *drv, unsigned rt_format)
{
	for (unsigned i = 0; i < drv->n_profiles; i++)
		if (va_entry_rt_formats(drv, &drv->profiles[i]) & rt_format)
			return true;
	return false;
}

VAStatus va_QueryImageFormats(VADriverContextP ctx, VAImageFormat *list,
			      int *n)
{
	struct va_driver *drv = va_drv(ctx);
	int count = 0;

	for (unsigned i = 0; i < sizeof(image_fourccs) / sizeof(image_fourccs[0]); i++) {
		if (image_fourccs[i] == VA_FOURCC_P010 &&
		    !any_profile_makes(drv, VA_RT_FORMAT_YUV420_10))
			continue;
		if (!v4l2r_format_by_va(image_fourccs[i]))
			continue;
		va_image_format(image_fourccs[i], &list[count++]);
	}
	*n = count;
	return VA_STATUS_SUCCESS;
}

static VAStatus image_add(struct va_driver *drv, struct va_image *img,
			  VAImage *out)
{
	img->image.image_id = va_heap_add(&drv->images, img);
	if (img->image.image_id == VA_INVALID_ID)
		return VA_STATUS_ERROR_ALLOCATION_FAILED;
	struct va_buffer *buf = va_heap_get(&drv->buffers, img->image.buf);
	if (buf)
		buf->image = img->image.image_id;
	*out = img->image;
	return VA_STATUS_SUCCESS;
}

/* A VAImage's planes from a layout whose memory planes follow each other
 * in one buffer (the image's). */
static void image_planes(VAImage *image, const struct v4l2r_layout *l)
{
	uint32_t base[V4L2R_MAX_PLANES] = { 0 };

	for (unsigned m = 1; m < l->mem_planes && m < V4L2R_MAX_PLANES; m++)
		base[m] = base[m - 1] + l->mem_size[m - 1];
	image->num_planes = l->num_planes;
	for (unsigned i = 0; i < l->num_planes; i++) {
		image->pitches[i] = l->plane[i].stride;
		image->offsets[i] = base[l->plane[i].mem_plane] +
				    l->plane[i].offset;
	}
}

VAStatus va_CreateImage(VADriverContextP ctx, VAImageFormat *format,
			int width, int height, VAImage *image)
{
	struct va_driver *drv = va_drv(ctx);
	struct v4l2r_layout l;

	if (!format || !image || width <= 0 || height <= 0 || width > 16384 ||
	    height > 16384)
		return VA_STATUS_ERROR_INVALID_PARAMETER;
	const struct v4l2r_format_desc *desc = v4l2r_format_by_va(format->fourcc);
	VAImageFormat fmt;
	if (!desc || !va_image_format(format->fourcc, &fmt) ||
	    v4l2r_layout_linear(desc, (uint32_t)width, (uint32_t)height, &l) < 0) {
		va_info(drv, "vaCreateImage: format 0x%08x not supported",
			format->fourcc);
		return VA_STATUS_ERROR_INVALID_IMAGE_FORMAT;
	}
	struct va_image *img = calloc(1, sizeof(*img));
	if (!img)
		return VA_STATUS_ERROR_ALLOCATION_FAILED;
	size_t size = 0;
	for (unsigned m = 0; m < l.mem_planes; m++)
		size += l.mem_size[m];
	img->desc = desc;
	img->derived_from = VA_INVALID_ID;
	img->image.format = fmt;
	img->image.width = (uint16_t)width;
	img->image.height = (uint16_t)height;
	img->image.data_size = (uint32_t)size;
	image_planes(&img->image, &l);

	pthread_mutex_lock(&drv->lock);
	img->image.buf = va_buffer_new_image(drv, size, NULL);
	VAStatus st = img->image.buf == VA_INVALID_ID ?
			      VA_STATUS_ERROR_ALLOCATION_FAILED :
			      image_add(drv, img, image);
	if (st != VA_STATUS_SUCCESS) {
		va_buffer_free(va_heap_remove(&drv->buffers, img->image.buf));
		free(img);
	}
	pthread_mutex_unlock(&drv->lock);
	return st;
}

VAStatus va_DeriveImage(VADriverContextP ctx, VASurfaceID surface,
			VAImage *image)
{
	struct va_driver *drv = va_drv(ctx);
	VAStatus st = VA_STATUS_SUCCESS;

	/* The picture must be complete before the client reads it. */
	va_surface_wait(drv, surface, drv->sync_timeout_ms);

	pthread_mutex_lock(&drv->lock);
	struct va_surface *s = va_heap_get(&drv->surfaces, surface);
	if (!s) {
		st = VA_STATUS_ERROR_INVALID_SURFACE;
		goto out;
	}
	if (!s->ctx && va_surface_bind_any(drv, s, surface) != VA_STATUS_SUCCESS) {
		/* No memory behind it yet (FFmpeg tries this on a fresh
		 * surface before any context exists): the client falls back
		 * to vaGetImage. */
		st = VA_STATUS_ERROR_OPERATION_FAILED;
		goto out;
	}
	const struct v4l2r_layout *l = &s->ctx->layout;
	if (l->desc->tile_w || !l->desc->va_fourcc || l->mem_planes != 1) {
		/* Tiled, packed or split over several buffers: no VA image can
		 * describe it; vaGetImage converts. */
		st = VA_STATUS_ERROR_OPERATION_FAILED;
		goto out;
	}
	if (s->fourcc && s->fourcc != l->desc->va_fourcc) {
		/* Its context makes another format than the surface asked for:
		 * the client would read the wrong layout; vaGetImage converts. */
		va_info(drv, "vaDeriveImage: surface 0x%x was created for %.4s "
			"pictures and holds %s ones; use vaGetImage", surface,
			(const char *)&s->fourcc, l->desc->name);
		st = VA_STATUS_ERROR_OPERATION_FAILED;
		goto out;
	}
	uint8_t *mem[V4L2R_MAX_PLANES];
	if (v4l2r_session_capture_map(s->ctx->session,
				      (unsigned)s->capture_index, mem) < 0 ||
	    !mem[0]) {
		st = VA_STATUS_ERROR_OPERATION_FAILED;
		goto out;
	}
	struct va_image *img = calloc(1, sizeof(*img));
	if (!img) {
		st = VA_STATUS_ERROR_ALLOCATION_FAILED;
		goto out;
	}
	img->desc = l->desc;
	img->derived_from = surface;
	va_image_format(l->desc->va_fourcc, &img->image.format);
	img->image.width = (uint16_t)s->width;
	img->image.height = (uint16_t)s->height;
	img->image.data_size = l->mem_size[0];
	image_planes(&img->image, l);
	img->image.buf = va_buffer_new_image(drv, l->mem_size[0], mem[0]);
	st = img->image.buf == VA_INVALID_ID ? VA_STATUS_ERROR_ALLOCATION_FAILED :
					       image_add(drv, img, image);
	if (st != VA_STATUS_SUCCESS) {
		va_buffer_free(va_heap_remove(&drv->buffers, img->image.buf));
		free(img);
		goto out;
	}
	s->derived++;
	img->ctx = s->ctx;
	va_context_ref(img->ctx);
out:
	pthread_mutex_unlock(&drv->lock);
	return st;
}

/* Frees an image and its buffer, both out of their tables (under
 * drv->lock). */
static void image_free(struct va_driver *drv, struct va_image *img,
		       struct va_buffer *buf)
{
	va_buffer_free(buf);
	if (img->derived_from != VA_INVALID_ID) {
		struct va_surface *s = va_heap_get(&drv->surfaces,
						   img->derived_from);
		if (s && s->derived)
			s->derived--;
	}
	if (img->ctx)
		va_context_unref(drv, img->ctx);
	free(img);
}

VAStatus va_DestroyImage(VADriverContextP ctx, VAImageID id)
{
	struct va_driver *drv = va_drv(ctx);

	pthread_mutex_lock(&drv->lock);
	struct va_image *img = va_heap_remove(&drv->images, id);
	if (img) {
		/* Both ids go now; a vaGetImage still writing frees them. */
		struct va_buffer *buf = va_heap_remove(&drv->buffers,
						       img->image.buf);
		if (img->writers)
			img->destroyed = true;
		else
			image_free(drv, img, buf);
	}
	pthread_mutex_unlock(&drv->lock);
	return img ? VA_STATUS_SUCCESS : VA_STATUS_ERROR_INVALID_IMAGE;
}

VAStatus va_SetImagePalette(VADriverContextP ctx, VAImageID id,
			    unsigned char *palette)
{
	return VA_STATUS_ERROR_UNIMPLEMENTED;
}

/* Pixel copies between linear 4:2:0 layouts. */
enum chroma_kind { CHROMA_UV, CHROMA_U_V };

static bool kind_of(const struct v4l2r_format_desc *d, enum chroma_kind *k,
		    unsigned *bytes)
{
	*bytes = 1;
	switch (d->v4l2_fourcc) {
	case V4L2_PIX_FMT_NV12:
	case V4L2_PIX_FMT_NV12M:
		*k = CHROMA_UV;
		return true;
	case V4L2_PIX_FMT_YUV420:
	case V4L2_PIX_FMT_YUV420M:
		*k = CHROMA_U_V;
		return true;
#ifdef V4L2_PIX_FMT_P010
	case V4L2_PIX_FMT_P010:
		*k = CHROMA_UV;
		*bytes = 2;
		return true;
#endif
	default:
		return false;
	}
}

struct plane_ref {
	const uint8_t *p;
	uint32_t stride, size;
};

static bool plane_ok(const struct v4l2r_layout *l, unsigned i, uint32_t rows,
		     uint32_t row_bytes)
{
	const struct v4l2r_plane *p = &l->plane[i];

	if (i >= l->num_planes || !rows)
		return i < l->num_planes;
	return p->stride >= row_bytes &&
	       (uint64_t)(rows - 1) * p->stride + row_bytes <= p->size &&
	       (uint64_t)p->offset + p->size <= l->mem_size[p->mem_plane];
}

int va_copy_picture(const struct v4l2r_layout *src,
		    const uint8_t *const *src_mem,
		    const struct v4l2r_layout *dst, uint8_t *const *dst_mem,
		    uint32_t width, uint32_t height)
{
	enum chroma_kind sk, dk;
	unsigned sb, db;

	if (!kind_of(src->desc, &sk, &sb) || !kind_of(dst->desc, &dk, &db) ||
	    sb != db || width > src->width || height > src->height ||
	    width > dst->width || height > dst->height)
		return -EINVAL;
	uint32_t cw = (width + 1) / 2, ch = (height + 1) / 2;
	unsigned sn = sk == CHROMA_UV ? 2 : 3, dn = dk == CHROMA_UV ? 2 : 3;
	uint32_t c_row_s = sk == CHROMA_UV ? cw * 2 * sb : cw * sb;
	uint32_t c_row_d = dk == CHROMA_UV ? cw * 2 * db : cw * db;
	if (src->num_planes != sn || dst->num_planes != dn ||
	    !plane_ok(src, 0, height, width * sb) ||
	    !plane_ok(dst, 0, height, width * db))
		return -EINVAL;
	for (unsigned i = 1; i < sn; i++)
		if (!plane_ok(src, i, ch, c_row_s))
			return -EINVAL;
	for (unsigned i = 1; i < dn; i++)
		if (!plane_ok(dst, i, ch, c_row_d))
			return -EINVAL;

#define SP(i) (src_mem[src->plane[i].mem_plane] + src->plane[i].offset)
#define DP(i) (dst_mem[dst->plane[i].mem_plane] + dst->plane[i].offset)
	for (uint32_t y = 0; y < height; y++)
		memcpy(DP(0) + (size_t)y * dst->plane[0].stride,
		       SP(0) + (size_t)y * src->plane[0].stride, width * sb);

	/* Chroma: U and V source rows, wherever they are. */
	for (uint32_t y = 0; y < ch; y++) {
		const uint8_t *su = NULL, *sv = NULL, *suv = NULL;
		uint8_t *du = NULL, *dv = NULL, *duv = NULL;
		if (sk == CHROMA_UV) {
			suv = SP(1) + (size_t)y * src->plane[1].stride;
		} else {
			su = SP(1) + (size_t)y * src->plane[1].stride;
			sv = SP(2) + (size_t)y * src->plane[2].stride;
		}
		if (dk == CHROMA_UV) {
			duv = DP(1) + (size_t)y * dst->plane[1].stride;
		} else {
			du = DP(1) + (size_t)y * dst->plane[1].stride;
			dv = DP(2) + (size_t)y * dst->plane[2].stride;
		}
		if (suv && duv) {
			memcpy(duv, suv, cw * 2 * sb);
		} else if (suv) {
			for (uint32_t x = 0; x < cw; x++) {
				du[x] = suv[2 * x];
				dv[x] = suv[2 * x + 1];
			}
		} else if (duv) {
			for (uint32_t x = 0; x < cw; x++) {
				duv[2 * x] = su[x];
				duv[2 * x + 1] = sv[x];
			}
		} else {
			memcpy(du, su, cw);
			memcpy(dv, sv, cw);
		}
	}
#undef SP
#undef DP
	return 0;
}

/* The image's planes as a layout over its buffer. */
static void image_layout(const struct va_image *img, struct v4l2r_layout *l)
{
	memset(l, 0, sizeof(*l));
	l->desc = img->desc;
	l->width = img->image.width;
	l->height = img->image.height;
	/* VAImage holds 3 planes at most, as V4L2R_MAX_PLANES. */
	l->num_planes = img->image.num_planes < V4L2R_MAX_PLANES ?
				img->image.num_planes : V4L2R_MAX_PLANES;
	l->mem_planes = 1;
	l->mem_size[0] = img->image.data_size;
	for (unsigned i = 0; i < l->num_planes; i++) {
		l->plane[i].mem_plane = 0;
		l->plane[i].offset = img->image.offsets[i];
		l->plane[i].stride = img->image.pitches[i];
		uint32_t end = i + 1 < l->num_planes ? img->image.offsets[i + 1] :
						       img->image.data_size;
		l->plane[i].size = end > img->image.offsets[i] ?
					   end - img->image.offsets[i] : 0;
	}
}

VAStatus va_GetImage(VADriverContextP ctx, VASurfaceID surface, int x, int y,
		     unsigned width, unsigned height, VAImageID image)
{
	struct va_driver *drv = va_drv(ctx);
	VAStatus st = VA_STATUS_SUCCESS;
	struct va_context *c = NULL;
	uint8_t *tmp = NULL;

	if (x != 0 || y != 0) {
		va_info(drv, "vaGetImage: only whole pictures from (0,0)");
		return VA_STATUS_ERROR_UNIMPLEMENTED;
	}
	va_surface_wait(drv, surface, drv->sync_timeout_ms);

	/* Look everything up under the lock, then copy without it (a
	 * conversion takes a while; decoding goes on meanwhile): the context
	 * reference keeps the capture buffers alive, the image's writer count
	 * the image and its memory. */
	pthread_mutex_lock(&drv->lock);
	struct va_surface *s = va_heap_get(&drv->surfaces, surface);
	struct va_image *img = va_heap_get(&drv->images, image);
	if (!s || !img) {
		pthread_mutex_unlock(&drv->lock);
		return s ? VA_STATUS_ERROR_INVALID_IMAGE :
			   VA_STATUS_ERROR_INVALID_SURFACE;
	}
	if (!s->ctx || s->capture_index < 0) {
		pthread_mutex_unlock(&drv->lock);
		va_info(drv, "vaGetImage: surface 0x%x holds no picture", surface);
		return VA_STATUS_ERROR_OPERATION_FAILED;
	}
	struct va_buffer *buf = va_heap_get(&drv->buffers, img->image.buf);
	uint8_t *dst_base = buf ? (buf->external ? buf->external : buf->data) : NULL;
	if (!dst_base || width > img->image.width || height > img->image.height ||
	    width > (unsigned)s->width || height > (unsigned)s->height) {
		pthread_mutex_unlock(&drv->lock);
		return VA_STATUS_ERROR_INVALID_PARAMETER;
	}
	c = s->ctx;
	va_context_ref(c);
	img->writers++;
	unsigned index = (unsigned)s->capture_index;
	struct v4l2r_layout src = c->layout, dst, lin;
	image_layout(img, &dst);
	uint32_t img_fourcc = img->image.format.fourcc;
	pthread_mutex_unlock(&drv->lock);

	uint8_t *mem[V4L2R_MAX_PLANES];
	if (v4l2r_session_capture_map(c->session, index, mem) < 0) {
		st = VA_STATUS_ERROR_OPERATION_FAILED;
		goto out;
	}
	uint8_t *dst_mem[V4L2R_MAX_PLANES] = { dst_base, NULL, NULL };
	const uint8_t *src_mem[V4L2R_MAX_PLANES] = { mem[0], mem[1], mem[2] };
	const struct v4l2r_layout *from = &src;

	const struct v4l2r_format_desc *ld =
		v4l2r_format_by_v4l2(src.desc->linear_fourcc);
	if (ld && ld->va_fourcc == img_fourcc) {
		/* The image is in the picture's linear format (NV12 from NV12,
		 * NV12_32L32 or NV12_4L4; P010 from P010, P010_4L4 or NV15):
		 * one pass straight into it, the area asked for only. */
		dst.width = width;
		dst.height = height;
		if (v4l2r_convert_to_linear(&src, src_mem, &dst, dst_mem) < 0) {
			va_err(drv, "vaGetImage: cannot convert %s into a %.4s "
			       "image", src.desc->name, (const char *)&img_fourcc);
			st = VA_STATUS_ERROR_OPERATION_FAILED;
		}
		goto out;
	}
	if (src.desc->tile_w || !src.desc->va_fourcc) {
		/* Another layout (I420 from NV12_32L32): untile or unpack the
		 * whole picture into linear memory, then copy. */
		if (!ld || v4l2r_layout_linear(ld, src.width, src.height, &lin) < 0) {
			st = VA_STATUS_ERROR_OPERATION_FAILED;
			goto out;
		}
		size_t total = 0, off[V4L2R_MAX_PLANES];
		for (unsigned m = 0; m < lin.mem_planes; m++) {
			off[m] = total;
			total += lin.mem_size[m];
		}
		tmp = malloc(total ? total : 1);
		if (!tmp) {
			st = VA_STATUS_ERROR_ALLOCATION_FAILED;
			goto out;
		}
		uint8_t *lin_mem[V4L2R_MAX_PLANES] = { NULL, NULL, NULL };
		for (unsigned m = 0; m < lin.mem_planes; m++)
			lin_mem[m] = tmp + off[m];
		if (v4l2r_convert_to_linear(&src, src_mem, &lin, lin_mem) < 0) {
			va_err(drv, "vaGetImage: cannot convert %s", src.desc->name);
			st = VA_STATUS_ERROR_OPERATION_FAILED;
			goto out;
		}
		for (unsigned m = 0; m < V4L2R_MAX_PLANES; m++)
			src_mem[m] = lin_mem[m];
		from = &lin;
	}
	if (va_copy_picture(from, src_mem, &dst, dst_mem, width, height) < 0) {
		va_info(drv, "vaGetImage: cannot copy %s into a %.4s image",
			from->desc->name, (const char *)&img_fourcc);
		st = VA_STATUS_ERROR_INVALID_IMAGE_FORMAT;
	}
out:
	free(tmp);
	pthread_mutex_lock(&drv->lock);
	va_context_unref(drv, c);
	if (!--img->writers && img->destroyed)
		image_free(drv, img, buf);
	pthread_mutex_unlock(&drv->lock);
	return st;
}

VAStatus va_PutImage(VADriverContextP ctx, VASurfaceID surface,
		     VAImageID image, int src_x, int src_y, unsigned src_w,
		     unsigned src_h, int dst_x, int dst_y, unsigned dst_w,
		     unsigned dst_h)
{
	return VA_STATUS_ERROR_UNIMPLEMENTED;
}
