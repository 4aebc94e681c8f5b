/* Buffers: client parameter/data buffers (plain memory; parameters are
 * read at vaRenderPicture, slice data at vaEndPicture) and image buffers
 * (owned memory, or for a derived image the surface's own mapped CAPTURE
 * buffer). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "va/driver.h"

/* Far above any real picture's data; refusing it keeps a bad size from
 * turning into a huge allocation. */
#define MAX_BUFFER_BYTES (256u * 1024 * 1024)

void va_buffer_free(struct va_buffer *buf)
{
	if (!buf)
		return;
	free(buf->data);
	free(buf);
}

void va_buffer_release(struct va_buffer *buf)
{
	if (!--buf->holds && buf->destroyed)
		va_buffer_free(buf);
}

VAStatus va_CreateBuffer(VADriverContextP ctx, VAContextID context,
			 VABufferType type, unsigned size, unsigned n,
			 void *data, VABufferID *id)
{
	struct va_driver *drv = va_drv(ctx);

	if (!size || !n || (uint64_t)size * n > MAX_BUFFER_BYTES) {
		va_info(drv, "vaCreateBuffer: %u elements of %u bytes refused", n,
			size);
		return VA_STATUS_ERROR_INVALID_PARAMETER;
	}
	struct va_buffer *buf = calloc(1, sizeof(*buf));
	if (!buf)
		return VA_STATUS_ERROR_ALLOCATION_FAILED;
	buf->type = type;
	buf->size = size;
	buf->num_elements = n;
	buf->total = (size_t)size * n;
	buf->image = VA_INVALID_ID;
	buf->data = malloc(buf->total);
	if (!buf->data) {
		free(buf);
		return VA_STATUS_ERROR_ALLOCATION_FAILED;
	}
	if (data)
		memcpy(buf->data, data, buf->total);
	else
		memset(buf->data, 0, buf->total);
	*id = va_heap_add(&drv->buffers, buf);
	if (*id == VA_INVALID_ID) {
		va_buffer_free(buf);
		return VA_STATUS_ERROR_ALLOCATION_FAILED;
	}
	return VA_STATUS_SUCCESS;
}

VABufferID va_buffer_new_image(struct va_driver *drv, size_t size,
			       uint8_t *external)
{
	struct va_buffer *buf = calloc(1, sizeof(*buf));

	if (!buf || size > UINT32_MAX) {
		free(buf);
		return VA_INVALID_ID;
	}
	buf->type = VAImageBufferType;
	buf->size = (unsigned)size;
	buf->num_elements = 1;
	buf->total = size;
	buf->image = VA_INVALID_ID;
	if (external) {
		buf->external = external;
	} else {
		/* Not zeroed: vaGetImage or vaPutImage fills an image before
		 * it is read (VA leaves a new image's pixels undefined), and
		 * FFmpeg creates one per frame it downloads: zeroing it was
		 * three quarters of FFmpeg's instructions per frame. */
		buf->data = malloc(size ? size : 1);
		if (!buf->data) {
			free(buf);
			return VA_INVALID_ID;
		}
	}
	VABufferID id = va_heap_add(&drv->buffers, buf);
	if (id == VA_INVALID_ID)
		va_buffer_free(buf);
	return id;
}

VAStatus va_BufferSetNumElements(VADriverContextP ctx, VABufferID id,
				 unsigned n)
{
	struct va_driver *drv = va_drv(ctx);
	VAStatus st = VA_STATUS_SUCCESS;

	pthread_mutex_lock(&drv->lock);
	struct va_buffer *buf = va_heap_get(&drv->buffers, id);
	if (!buf) {
		st = VA_STATUS_ERROR_INVALID_BUFFER;
	} else if (buf->external || buf->mapped || buf->holds || !n ||
		   (uint64_t)buf->size * n > MAX_BUFFER_BYTES) {
		/* held: a picture in progress points into data */
		st = VA_STATUS_ERROR_INVALID_PARAMETER;
	} else if (n != buf->num_elements) {
		size_t total = (size_t)buf->size * n;
		uint8_t *p = realloc(buf->data, total);
		if (!p) {
			st = VA_STATUS_ERROR_ALLOCATION_FAILED;
		} else {
			if (total > buf->total)
				memset(p + buf->total, 0, total - buf->total);
			buf->data = p;
			buf->total = total;
			buf->num_elements = n;
		}
	}
	pthread_mutex_unlock(&drv->lock);
	return st;
}

VAStatus va_MapBuffer(VADriverContextP ctx, VABufferID id, void **p)
{
	struct va_driver *drv = va_drv(ctx);

	if (!p)
		return VA_STATUS_ERROR_INVALID_PARAMETER;
	pthread_mutex_lock(&drv->lock);
	struct va_buffer *buf = va_heap_get(&drv->buffers, id);
	if (buf) {
		buf->mapped = true;
		*p = buf->external ? buf->external : buf->data;
	}
	pthread_mutex_unlock(&drv->lock);
	return buf ? VA_STATUS_SUCCESS : VA_STATUS_ERROR_INVALID_BUFFER;
}

VAStatus va_UnmapBuffer(VADriverContextP ctx, VABufferID id)
{
	struct va_driver *drv = va_drv(ctx);

	pthread_mutex_lock(&drv->lock);
	struct va_buffer *buf = va_heap_get(&drv->buffers, id);
	if (buf)
		buf->mapped = false;
	pthread_mutex_unlock(&drv->lock);
	return buf ? VA_STATUS_SUCCESS : VA_STATUS_ERROR_INVALID_BUFFER;
}

VAStatus va_DestroyBuffer(VADriverContextP ctx, VABufferID id)
{
	struct va_driver *drv = va_drv(ctx);

	pthread_mutex_lock(&drv->lock);
	struct va_buffer *buf = va_heap_get(&drv->buffers, id);
	if (buf && buf->image != VA_INVALID_ID &&
	    va_heap_get(&drv->images, buf->image)) {
		/* The image owns it: vaDestroyImage frees it. */
		pthread_mutex_unlock(&drv->lock);
		return VA_STATUS_SUCCESS;
	}
	/* The id goes at once; a picture in progress that holds the buffer
	 * (its slice data, read at vaEndPicture) frees it. */
	buf = va_heap_remove(&drv->buffers, id);
	bool held = buf && buf->holds;
	if (held)
		buf->destroyed = true;
	pthread_mutex_unlock(&drv->lock);
	if (!buf)
		return VA_STATUS_ERROR_INVALID_BUFFER;
	if (!held)
		va_buffer_free(buf);
	return VA_STATUS_SUCCESS;
}

VAStatus va_BufferInfo(VADriverContextP ctx, VABufferID id, VABufferType *type,
		       unsigned *size, unsigned *n)
{
	struct va_driver *drv = va_drv(ctx);

	pthread_mutex_lock(&drv->lock);
	struct va_buffer *buf = va_heap_get(&drv->buffers, id);
	if (buf) {
		*type = buf->type;
		*size = buf->size;
		*n = buf->num_elements;
	}
	pthread_mutex_unlock(&drv->lock);
	return buf ? VA_STATUS_SUCCESS : VA_STATUS_ERROR_INVALID_BUFFER;
}
